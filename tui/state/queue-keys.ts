import { queueNames } from '../../core/jobs/job-catalog.ts';
import { cycle } from './inbox-filters.ts';
import { confirmQueueAction } from './queue-action.ts';
import { listStates, reloadJobs, selectedQueue, targetQueue, type QueuesState } from './queues-state.ts';
import { listMove, scrollStep } from './list-navigation.ts';
import type { DashboardState, KeyResult, QueueAction } from './dashboard-types.ts';

const none = (state: DashboardState): KeyResult => ({ state, effects: [] });

/**
 * The Queues tab: the table (j k move, enter lists the queue's jobs), a job list (s cycles the
 * state, n p page, enter opens a job, esc back) and a job (j k scroll, esc back). The actions
 * ask first, everywhere they apply: r retry, d remove, u promote (a job); R retry all failed,
 * P pause / resume, X / F clean completed / failed (the queue).
 */
export function queuesKey(state: DashboardState, key: string): KeyResult {
  const q = state.queues;
  const queueAction = queueKey(state, key);
  if (queueAction) return queueAction;
  if (q.mode === 'job') return jobKey(state, key);
  if (q.mode === 'jobs') return jobsKey(state, key);
  return tableKey(state, key);
}

const withQueues = (state: DashboardState, queues: QueuesState): DashboardState => ({ ...state, queues });
const fail = (state: DashboardState, text: string): KeyResult => ({ state: { ...state, message: { text, kind: 'error' } }, effects: [] });

/** The keys that act on the whole queue; null for any other key. */
function queueKey(state: DashboardState, key: string): KeyResult | null {
  const queue = targetQueue(state.queues);
  const ask = (action: QueueAction) => confirmQueueAction(state, action);
  switch (key) {
    case 'R':
      return ask({ kind: 'retryAll', queue });
    case 'X':
      return ask({ kind: 'cleanCompleted', queue });
    case 'F':
      return ask({ kind: 'cleanFailed', queue });
    case 'P': {
      const stats = state.queues.stats?.find((s) => s.name === queue);
      if (!stats) return fail(state, `the state of ${queue} is not known yet: try again after the next refresh`);
      return ask({ kind: stats.paused ? 'resume' : 'pause', queue });
    }
  }
  return null;
}

/** The keys that act on one job (the selected one, or the one open); null for any other key. */
function jobActionKey(state: DashboardState, key: string, id: string, jobState: string): KeyResult | null {
  const queue = targetQueue(state.queues);
  switch (key) {
    case 'r':
      if (jobState !== 'failed') return fail(state, `job ${id} is ${jobState}: only a failed job can be retried`);
      return confirmQueueAction(state, { kind: 'retryJob', queue, id });
    case 'd':
      return confirmQueueAction(state, { kind: 'removeJob', queue, id });
    case 'u':
      if (jobState !== 'delayed') return fail(state, `job ${id} is ${jobState}: only a delayed job can be promoted`);
      return confirmQueueAction(state, { kind: 'promoteJob', queue, id });
  }
  return null;
}

function tableKey(state: DashboardState, key: string): KeyResult {
  const q = state.queues;
  const last = queueNames.length - 1;
  const move = (selected: number) => none(withQueues(state, { ...q, selected }));
  const to = listMove(key, q.selected, last);
  if (to !== null) return move(to);
  switch (key) {
    case 'enter':
    case 'right': {
      const opened = reloadJobs({
        ...q,
        mode: 'jobs',
        queue: selectedQueue(q),
        jobState: 'failed',
        page: 0,
        jobs: [],
        hasMore: false,
        jobSelected: 0,
        error: null,
        detail: null,
      });
      return { state: withQueues(state, opened), effects: [{ type: 'loadJobs' }] };
    }
  }
  return none(state);
}

function jobsKey(state: DashboardState, key: string): KeyResult {
  const q = state.queues;
  const last = Math.max(0, q.jobs.length - 1);
  const move = (jobSelected: number) => none(withQueues(state, { ...q, jobSelected }));
  const load = (queues: QueuesState): KeyResult => ({ state: withQueues(state, reloadJobs(queues)), effects: [{ type: 'loadJobs' }] });
  const job = q.jobs[q.jobSelected];
  if (job) {
    const acted = jobActionKey(state, key, job.id, q.jobState);
    if (acted) return acted;
  }
  const to = listMove(key, q.jobSelected, last);
  if (to !== null) return move(to);
  switch (key) {
    case 's':
      return load({ ...q, jobState: cycle(listStates, q.jobState), page: 0, jobs: [], hasMore: false, jobSelected: 0 });
    case 'n':
    case 'pagedown':
      return q.hasMore ? load({ ...q, page: q.page + 1, jobSelected: 0 }) : none(state);
    case 'p':
    case 'pageup':
      return q.page > 0 ? load({ ...q, page: q.page - 1, jobSelected: 0 }) : none(withQueues(state, { ...q, jobSelected: 0 }));
    case 'enter':
    case 'right':
      if (!job || !q.queue) return none(state);
      return {
        state: withQueues(state, { ...q, mode: 'job', detail: { id: job.id, data: null, error: null, scroll: 0 } }),
        effects: [{ type: 'loadJob', queue: q.queue, id: job.id }],
      };
    case 'escape':
    case 'left':
    case 'backspace':
      return none(withQueues(state, { ...q, mode: 'table', queue: null, jobs: [], detail: null }));
  }
  return none(state);
}

function jobKey(state: DashboardState, key: string): KeyResult {
  const q = state.queues;
  const detail = q.detail;
  if (!detail) return none(withQueues(state, { ...q, mode: 'jobs' }));
  const acted = jobActionKey(state, key, detail.id, detail.data?.state ?? q.jobState);
  if (acted) return acted;
  const scroll = (by: number) => none(withQueues(state, { ...q, detail: { ...detail, scroll: Math.max(0, detail.scroll + by) } }));
  const step = scrollStep(key);
  if (step !== null) return scroll(step);
  switch (key) {
    case 'escape':
    case 'left':
    case 'backspace':
      return none(withQueues(state, { ...q, mode: 'jobs', detail: null }));
  }
  return none(state);
}
