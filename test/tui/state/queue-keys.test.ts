import { describe, expect, it } from 'vitest';
import { queueNames } from '../../../core/jobs/job-catalog.ts';
import { formatJobDetail, formatJobList } from '../../../tui/screens/job-list.ts';
import { formatQueuesTable } from '../../../tui/screens/queues-table.ts';
import { sparkline } from '../../../tui/screens/sparkline.ts';
import { handleKey } from '../../../tui/state/dashboard-keys.ts';
import { initialDashboardState } from '../../../tui/state/dashboard-state.ts';
import { queueActionDone } from '../../../tui/state/queue-action.ts';
import { lastHourThroughput } from '../../../tui/state/queue-throughput.ts';
import { jobsLoaded, jobsRange, statsLoaded, type JobDetail, type JobSummary, type QueueStats } from '../../../tui/state/queues-state.ts';
import type { DashboardState, Effect } from '../../../tui/state/dashboard-types.ts';

// The Queues tab's logic, pure: keys, throughput from BullMQ metrics, the formatters.

function press(state: DashboardState, ...keys: string[]) {
  const effects: Effect[] = [];
  for (const key of keys) {
    const result = handleKey(state, key);
    state = result.state;
    effects.push(...result.effects);
  }
  return { state, effects };
}

const counts = { waiting: 1, active: 0, delayed: 2, prioritized: 0, completed: 30, failed: 4 };
const stats = (paused = false): QueueStats[] =>
  queueNames.map((name, n) => ({
    name,
    counts,
    paused: paused && n === 0,
    workers: n === 0 ? 2 : null,
    throughput: n === 0 ? Array.from({ length: 60 }, (_, i) => (i % 10 === 0 ? 5 : 0)) : null,
  }));

function job(id: string, extra: Partial<JobSummary> = {}): JobSummary {
  return { id, name: 'send-email', attemptsMade: 1, timestamp: Date.UTC(2026, 0, 1, 12), dueAt: null, failedReason: 'boom', ...extra };
}

/** The Queues tab with the table read. */
function onQueues(paused = false): DashboardState {
  const s = press({ ...initialDashboardState(11) }, '2').state;
  return { ...s, queues: statsLoaded(s.queues, stats(paused)) };
}

/** A queue's failed list showing `ids`, with a next page when `more`. */
function listing(ids: string[], more = false): DashboardState {
  const { state } = press(onQueues(), 'j', 'enter');
  const rows = ids.map((id) => job(id));
  if (more) rows.push(job('extra'));
  return { ...state, queues: jobsLoaded(state.queues, state.queues.loadSeq, rows) };
}

describe('queues keys', () => {
  it('moves over the table and opens a queue on its failed jobs, a page at a time', () => {
    const s = onQueues();
    expect(press(s, 'j', 'j', 'k').state.queues.selected).toBe(1);
    expect(press(s, 'G').state.queues.selected).toBe(queueNames.length - 1);
    const open = press(s, 'j', 'enter');
    expect(open.effects).toEqual([{ type: 'loadJobs' }]);
    expect(open.state.queues).toMatchObject({ mode: 'jobs', queue: queueNames[1], jobState: 'failed', page: 0 });
    // Ten rows a page (the inbox's 11 less a title line), asked as 0..10 to see if there is more.
    expect(jobsRange(open.state.queues)).toEqual({ start: 0, end: 10 });
  });

  it('cycles the state with s and pages with n p, each a new load', () => {
    const s = listing(
      Array.from({ length: 10 }, (_, i) => `j${i}`),
      true,
    );
    expect(s.queues.jobs).toHaveLength(10);
    expect(s.queues.hasMore).toBe(true);
    const next = press(s, 'n');
    expect(next.effects).toEqual([{ type: 'loadJobs' }]);
    expect(jobsRange(next.state.queues)).toEqual({ start: 10, end: 20 });
    expect(press(next.state, 'p').state.queues.page).toBe(0);
    expect(press(listing(['a']), 'n').effects).toEqual([]); // no next page
    const states = ['s', 's', 's', 's', 's', 's'].map((_, n) => press(s, ...Array(n + 1).fill('s')).state.queues.jobState);
    expect(states).toEqual(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed']);
    expect(press(s, 's').effects).toEqual([{ type: 'loadJobs' }]);
    expect(press(s, 'escape').state.queues.mode).toBe('table');
  });

  it('keeps the selection on its job when the list is read again', () => {
    const s = press(listing(['a', 'b', 'c']), 'j', 'j').state.queues;
    const again = jobsLoaded(
      s,
      s.loadSeq,
      ['z', 'a', 'b', 'c'].map((id) => job(id)),
    );
    expect(again.jobs[again.jobSelected]!.id).toBe('c');
    expect(jobsLoaded(s, s.loadSeq - 1, [])).toBe(s); // an old answer is ignored
  });

  it('opens a job, scrolls it and goes back', () => {
    const s = listing(['a', 'b']);
    const open = press(s, 'j', 'enter');
    expect(open.effects).toEqual([{ type: 'loadJob', queue: queueNames[1], id: 'b' }]);
    expect(press(open.state, 'j', 'j', 'k').state.queues.detail?.scroll).toBe(1);
    expect(press(open.state, 'escape').state.queues).toMatchObject({ mode: 'jobs', detail: null, jobSelected: 1 });
  });

  it('asks before retrying a failed job, then runs it; refuses what does not apply', () => {
    const s = listing(['a']);
    const asking = press(s, 'r');
    expect(asking.effects).toEqual([]);
    expect(asking.state.overlay).toMatchObject({ type: 'confirm', question: `Retry job a of ${queueNames[1]}?` });
    const yes = press(asking.state, 'y');
    expect(yes.effects).toEqual([{ type: 'queueAct', action: { kind: 'retryJob', queue: queueNames[1], id: 'a' } }]);
    expect(yes.state.message?.text).toContain('retrying job a');
    expect(press(asking.state, 'n').effects).toEqual([]);
    const waiting = press(s, 's');
    const listed = { ...waiting.state, queues: jobsLoaded(waiting.state.queues, waiting.state.queues.loadSeq, [job('w')]) };
    expect(press(listed, 'r').state.message).toMatchObject({ kind: 'error', text: expect.stringContaining('only a failed job') });
    expect(press(listed, 'u').state.message).toMatchObject({ kind: 'error', text: expect.stringContaining('only a delayed job') });
    const remove = press(listed, 'd', 'y');
    expect(remove.effects).toEqual([{ type: 'queueAct', action: { kind: 'removeJob', queue: queueNames[1], id: 'w' } }]);
  });

  it('promotes a delayed job, and acts on the queue from the table and the lists', () => {
    const s = press(listing([]), 's', 's', 's').state; // delayed
    const delayed = { ...s, queues: jobsLoaded(s.queues, s.queues.loadSeq, [job('d1', { dueAt: Date.now() + 60_000 })]) };
    expect(press(delayed, 'u', 'y').effects).toEqual([
      { type: 'queueAct', action: { kind: 'promoteJob', queue: queueNames[1], id: 'd1' } },
    ]);
    const t = onQueues(true);
    expect(press(t, 'P', 'y').effects).toEqual([{ type: 'queueAct', action: { kind: 'resume', queue: queueNames[0] } }]);
    expect(press(t, 'j', 'P', 'y').effects).toEqual([{ type: 'queueAct', action: { kind: 'pause', queue: queueNames[1] } }]);
    expect(press(t, 'R', 'y').effects).toEqual([{ type: 'queueAct', action: { kind: 'retryAll', queue: queueNames[0] } }]);
    expect(press(t, 'X').state.overlay).toMatchObject({ question: expect.stringContaining('cannot be undone') });
    expect(press(t, 'X', 'y').effects).toEqual([{ type: 'queueAct', action: { kind: 'cleanCompleted', queue: queueNames[0] } }]);
    expect(press(t, 'F', 'y').effects).toEqual([{ type: 'queueAct', action: { kind: 'cleanFailed', queue: queueNames[0] } }]);
    // In a queue's list, the queue keys act on the open queue.
    expect(press(delayed, 'F', 'y').effects).toEqual([{ type: 'queueAct', action: { kind: 'cleanFailed', queue: queueNames[1] } }]);
    const unknown = press({ ...t, queues: { ...t.queues, stats: null } }, 'P');
    expect(unknown.state.message?.kind).toBe('error');
  });

  it('reloads the table, the list and the job after an action; a removed job closes', () => {
    const s = press(listing(['a']), 'enter').state;
    const q1 = queueNames[1]!;
    const retried = queueActionDone(s, { kind: 'retryJob', queue: q1, id: 'a' });
    expect(retried.effects).toEqual([{ type: 'loadQueues' }, { type: 'loadJobs' }, { type: 'loadJob', queue: q1, id: 'a' }]);
    expect(retried.state.message?.text).toBe(`job a of ${q1} retried`);
    const removed = queueActionDone(s, { kind: 'removeJob', queue: q1, id: 'a' });
    expect(removed.state.queues).toMatchObject({ mode: 'jobs', detail: null });
    expect(removed.effects).toEqual([{ type: 'loadQueues' }, { type: 'loadJobs' }]);
    expect(queueActionDone(onQueues(), { kind: 'cleanCompleted', queue: 'maintenance' }, 3).state.message?.text).toBe(
      'maintenance: 3 jobs completed removed',
    );
  });
});

describe('queue throughput', () => {
  const at = (minute: number) => minute * 60_000 + 5_000;

  it('is null without metrics', () => {
    expect(lastHourThroughput({ meta: { count: 0, prevTS: 0, prevCount: 0 }, data: [] }, at(100))).toBeNull();
  });

  it("places BullMQ's per-minute points by the minute of prevTS, the unpushed count last", () => {
    // Points pushed up to minute 97 (newest first: 96 then 95), 4 more in minute 97, now minute 100.
    const series = lastHourThroughput({ meta: { count: 20, prevTS: at(97), prevCount: 16 }, data: [3, 7] }, at(100))!;
    expect(series).toHaveLength(60);
    expect(series.slice(-6)).toEqual([7, 3, 4, 0, 0, 0]); // minutes 95 to 100
    // A first completion only records its minute.
    expect(lastHourThroughput({ meta: { count: 1, prevTS: at(100), prevCount: 0 }, data: [] }, at(100))!.at(-1)).toBe(1);
  });

  it('draws a sparkline that sums minutes into the cells it has', () => {
    expect(sparkline([0, 1, 2, 4, 8], 5)).toBe(' ▁▂▄█');
    expect(sparkline([1, 1, 0, 0, 2, 2], 3)).toBe('▄ █');
    expect(sparkline([], 5)).toBe('');
  });
});

describe('queues formatting', () => {
  it('fits the table, workers and last hour into 80 and 200 columns', () => {
    for (const width of [80, 100, 200]) {
      const lines = formatQueuesTable(stats(true), width);
      expect(lines.every((l) => [...l].length === width)).toBe(true);
      expect(lines[0]).toMatch(/QUEUE\s+WAIT(ING)?\s+ACT(IVE)?.*STATE\s+(WRK|WORKERS)\s+LAST HOUR/);
      expect(lines[1]).toMatch(/^chat-events\s+1\s+0\s+2\s+0\s+30\s+4\s+paused\s+2 .*[▁-█]+ 30\/h/);
      expect(lines[2]).toMatch(/running\s+-\s+-\s*$/);
    }
  });

  it('lists jobs with the reason of failed ones and shows a job in full', () => {
    const list = formatJobList([job('inbound-12')], 'failed', 80);
    expect(list.header).toMatch(/^ID\s+NAME\s+TRIES\s+ADDED\s+REASON/);
    expect(list.rows[0]).toMatch(/^inbound-12\s+send-email\s+1 \d\d-\d\d \d\d:\d\d:\d\d boom/);
    const detail: JobDetail = {
      ...job('inbound-12'),
      state: 'failed',
      data: { rowId: '12' },
      attempts: 3,
      processedOn: Date.now(),
      finishedOn: Date.now(),
      stacktrace: ['Error: boom\n    at x (y.ts:1:1)'],
      returnValue: null,
    };
    const text = formatJobDetail('mail-inbound', detail, 80)
      .map((l) => l.text)
      .join('\n');
    expect(text).toContain('job inbound-12  send-email  (mail-inbound)');
    expect(text).toContain('state failed · attempts made 1 of 3');
    expect(text).toMatch(/added .* processed .* finished /);
    expect(text).toContain('  "rowId": "12"');
    expect(text).toContain('Failed reason\n  boom');
    expect(text).toContain('    at x (y.ts:1:1)');
  });
});
