import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Property } from '../../core/db/schema.ts';
import { seedDemo } from '../../core/demo/seed-demo.ts';
import { queueNames, type QueueName } from '../../core/jobs/job-catalog.ts';
import type { Dashboard } from '../../tui/dashboard.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';
import { fakeTerminal, screenShows, screenText, type FakeTerminal } from './fake-terminal.ts';
import { dashboardRedis, startOnTerminal } from './dashboard-fixture.ts';

// The Queues tab on the real screen over fake TTY streams: real BullMQ queues and a real
// worker on their own prefix in a real Redis, the demo property in a real Postgres.

let t: TestDatabase;
let redis: Redis;
let workerConnection: Redis;
let property: Property;
let prefix: string;
const queues = new Map<QueueName, Queue>();

const queue = (name: QueueName): Queue => {
  if (!queues.has(name)) queues.set(name, new Queue(name, { connection: redis, prefix }));
  return queues.get(name)!;
};

beforeAll(async () => {
  t = await createTestDatabase();
  property = (await seedDemo(t.db)).property;
  prefix = `tui-queues-${t.name}`;
  redis = dashboardRedis();
  await redis.connect();
  workerConnection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
});
afterAll(async () => {
  for (const q of queues.values()) {
    await q.obliterate({ force: true }).catch(() => {});
    await q.close();
  }
  workerConnection?.disconnect();
  redis?.disconnect();
  await t?.drop();
});

function start(term: FakeTerminal): Dashboard {
  return startOnTerminal(term, { db: t.db, redis, queuePrefix: prefix, property });
}

/** Moves the table's selection to `name` (from the top). */
const down = (name: QueueName) => 'j'.repeat(queueNames.indexOf(name));

/** The table's row of `name` as rendered. */
const row = (text: string, name: QueueName) => text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';

describe('the Queues tab', () => {
  it('shows a failed job with its reason and stack, retries it after y, and it leaves the failed list', async () => {
    const conversions = queue('conversions');
    let thrown = false;
    // Fails the first run only; with attempts: 1 that first failure is final.
    const worker = new Worker(
      'conversions',
      async () => {
        if (thrown) return 'ok';
        thrown = true;
        throw new Error('smtp said no');
      },
      { connection: workerConnection, prefix, metrics: { maxDataPoints: 60 } },
    );
    worker.on('error', () => {});
    const term = fakeTerminal(100, 30);
    const d = start(term);
    try {
      // The start-up refresh first: a refresh asked for while it runs joins it, and under load
      // it could read the queue before the job below failed (the next is 60 s away).
      await d.refresh();
      await conversions.add('convert-conversation', { conversationId: '42' }, { jobId: 'convert-42', attempts: 1 });
      await waitFor(async () => (await conversions.getJobState('convert-42')) === 'failed', 'the job failed');
      term.press('2');
      await d.refresh();
      // One failed, one worker connected; no completion yet, so no metrics ('-').
      let text = await screenShows(d, 'the failed count', (s) => /^conversions\s+0\s+0\s+0\s+0\s+0\s+1\s+running\s+1\s+-/m.test(s));
      expect(text).toMatch(/QUEUE\s+WAITING\s+ACTIVE\s+DELAYED\s+PRIO\s+DONE\s+FAILED\s+STATE\s+WRK\s+LAST HOUR/);

      term.press(down('conversions'));
      term.press('\r');
      text = await screenShows(d, 'the failed list', (s) => s.includes('conversions · failed 1-1') && s.includes('convert-42'));
      expect(text).toMatch(/^ID\s+NAME\s+TRIES\s+ADDED\s+REASON/m);
      expect(text).toMatch(/^convert-42\s+convert-conversation\s+1 .* smtp said no/m);

      // The detail: data, attempts, times, reason and stack.
      term.press('\r');
      text = await screenShows(
        d,
        'the job',
        (s) => s.includes('job convert-42  convert-conversation  (conversions)') && s.includes('Stacktrace'),
      );
      expect(text).toContain('state failed · attempts made 1 of 1');
      expect(text).toMatch(/added \d\d-\d\d .* processed \d\d-\d\d .* finished \d\d-\d\d/);
      expect(text).toContain('"conversationId": "42"');
      expect(text).toContain('Failed reason');
      expect(text).toMatch(/Error: smtp said no\n\s+at /);
      term.press('\x1b');
      await screenShows(d, 'the list again', (s) => s.includes('conversions · failed'));

      term.press('r');
      await screenShows(d, 'the question', (s) => s.includes('Retry job convert-42 of conversions?'));
      term.press('y');
      await screenShows(d, 'retried', (s) => s.includes('job convert-42 of conversions retried') && s.includes('no failed jobs'));
      await waitFor(async () => (await conversions.getJobState('convert-42')) === 'completed', 'the job completed');
      expect(await conversions.getFailedCount()).toBe(0);

      // Back on the table: the completion shows in the last hour (the worker keeps metrics).
      term.press('\x1b');
      await d.refresh();
      text = await screenShows(d, 'the throughput', (s) => /^conversions\s+0\s+0\s+0\s+0\s+1\s+0\s+running\s+1\s+.*1\/h/m.test(s));
      expect(row(text, 'conversions')).toMatch(/[▁-█] 1\/h/);
    } finally {
      await d.quit();
      await worker.close();
    }
  });

  it('pauses and resumes a queue, asking first', async () => {
    const mail = queue('mail-outbound');
    await mail.waitUntilReady();
    const term = fakeTerminal(80, 24);
    const d = start(term);
    try {
      term.press('2');
      await screenShows(d, 'the table', (s) => row(s, 'mail-outbound').includes('running'));
      term.press(down('mail-outbound'));
      term.press('P');
      await screenShows(d, 'the question', (s) => s.includes('Pause mail-outbound?'));
      term.press('n');
      await screenShows(d, 'nothing changed', (s) => s.includes('nothing changed'));
      expect(await mail.isPaused()).toBe(false);
      term.press('P');
      await screenShows(d, 'the question again', (s) => s.includes('Pause mail-outbound?'));
      term.press('y');
      await screenShows(d, 'paused', (s) => s.includes('mail-outbound paused') && row(s, 'mail-outbound').includes('paused'));
      expect(await mail.isPaused()).toBe(true);
      term.press('P');
      await screenShows(d, 'the resume question', (s) => s.includes('Resume mail-outbound?'));
      term.press('y');
      await screenShows(d, 'resumed', (s) => s.includes('mail-outbound resumed') && row(s, 'mail-outbound').includes('running'));
      expect(await mail.isPaused()).toBe(false);
      expect(screenText(d.screen).split('\n')).toHaveLength(24);
      // The whole key map, queue keys included, still fits 80×24.
      term.press('?');
      const help = await screenShows(d, 'the help', (s) => s.includes('Keys (any key closes)'));
      for (const line of [
        'retry job / all failed',
        'pause / resume the queue',
        'clean completed / failed',
        'restore / delete for good',
        'confirm / cancel (dialogs)',
      ])
        expect(help).toContain(line);
    } finally {
      await d.quit();
    }
  });

  it('promotes a delayed job to waiting, and cleans failed jobs', async () => {
    const timers = queue('chat-timers');
    await timers.add('recovery-trigger', { conversationId: '7' }, { jobId: 'recovery-7', delay: 3_600_000 });
    const term = fakeTerminal(100, 30);
    const d = start(term);
    try {
      term.press('2');
      await screenShows(d, 'the delayed count', (s) => /^chat-timers\s+0\s+0\s+1\s/m.test(s));
      term.press(down('chat-timers'));
      term.press('\r');
      await screenShows(d, 'the failed list', (s) => s.includes('chat-timers · failed') && s.includes('no failed jobs'));
      term.press('sss');
      let text = await screenShows(d, 'the delayed list', (s) => s.includes('chat-timers · delayed 1-1') && s.includes('recovery-7'));
      expect(text).toMatch(/^ID\s+NAME\s+TRIES\s+ADDED\s+DUE/m);
      term.press('r'); // only a failed job can be retried
      await screenShows(d, 'the refusal', (s) => s.includes('only a failed job can be retried'));
      term.press('u');
      await screenShows(d, 'the question', (s) => s.includes('Promote delayed job recovery-7 of chat-timers to run now?'));
      term.press('y');
      text = await screenShows(d, 'promoted', (s) => s.includes('job recovery-7 of chat-timers promoted') && s.includes('no delayed jobs'));
      expect(await timers.getJobState('recovery-7')).toBe('waiting');

      // A job that is gone: the error shows in the message bar, nothing crashes.
      term.press('ssss'); // prioritized, completed, failed, waiting
      text = await screenShows(d, 'the waiting list', (s) => s.includes('chat-timers · waiting 1-1') && s.includes('recovery-7'));
      await timers.remove('recovery-7');
      term.press('d');
      await screenShows(d, 'the remove question', (s) => s.includes('Remove job recovery-7 from chat-timers?'));
      term.press('y');
      await screenShows(d, 'the error', (s) => s.includes('job recovery-7 of chat-timers is gone'));

      // Clean: F asks, then removes the failed jobs.
      const failing = new Worker('chat-timers', async () => Promise.reject(new Error('gave up')), { connection: workerConnection, prefix });
      failing.on('error', () => {});
      await timers.add('recovery-trigger', { conversationId: '8' }, { jobId: 'recovery-8', attempts: 1 });
      await waitFor(async () => (await timers.getFailedCount()) === 1, 'a failed job');
      await failing.close();
      term.press('F');
      await screenShows(d, 'the clean question', (s) => s.includes('Remove up to 1000 failed jobs of chat-timers? This cannot be undone.'));
      term.press('y');
      await screenShows(d, 'cleaned', (s) => s.includes('chat-timers: 1 job failed removed'));
      expect(await timers.getFailedCount()).toBe(0);
    } finally {
      await d.quit();
    }
  });
});
