import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { jobId } from '../../../core/jobs/job-catalog.ts';
import { JobsAfterCommit } from '../../../core/jobs/jobs-after-commit.ts';
import { BullJobQueue } from '../../../queue/bullmq-job-queue.ts';
import { createRedis } from '../../../queue/redis-connection.ts';
import { clearQueues } from '../../support/clear-queues.ts';

// Jobs queued in a transaction are held until it has committed. Real BullMQ on Redis.

let redis: ReturnType<typeof createRedis>;
let jobs: BullJobQueue;

beforeAll(() => {
  redis = createRedis(inject('redisUrl'), 'producer');
  jobs = new BullJobQueue(redis, `test-${randomBytes(5).toString('hex')}`);
});

afterAll(async () => {
  await clearQueues(jobs);
  await jobs.close();
  redis.disconnect();
});

const queued = async (outboxId: string) => Boolean(await jobs.queue('mail-outbound').getJob(jobId('send-email', { outboxId })));

it('holds adds until release, then queues each once', async () => {
  const held = new JobsAfterCommit(jobs);
  await held.addBulk([
    { name: 'send-email', data: { outboxId: '101' } },
    { name: 'send-email', data: { outboxId: '102' } },
  ]);
  await held.add('send-email', { outboxId: '103' }, { delayMs: 60_000 });
  expect([await queued('101'), await queued('102'), await queued('103')]).toEqual([false, false, false]);
  await held.release();
  expect([await queued('101'), await queued('102'), await queued('103')]).toEqual([true, true, true]);
  // The delayed one kept its delay.
  expect(await (await jobs.queue('mail-outbound').getJob(jobId('send-email', { outboxId: '103' })))?.getState()).toBe('delayed');
});

it('counts a due instant (runAt) from when the held job is queued, not from when it was asked for', async () => {
  // A timer asked for inside a transaction is queued after the commit: a delay computed then
  // from the transaction's `now` made each response-check as late as the rest of its batch.
  const held = new JobsAfterCommit(jobs);
  const runAt = new Date(Date.now() + 60_000);
  await held.add('response-check', { item: 'ticket-1' }, { runAt, idSuffix: String(runAt.getTime()) });
  await new Promise((resolve) => setTimeout(resolve, 300));
  await held.release();
  const job = await jobs.queue('response-timers').getJob(jobId('response-check', { item: 'ticket-1' }, String(runAt.getTime())));
  expect(await job?.getState()).toBe('delayed');
  // BullMQ runs it at the time it was added + its delay: that is the instant asked for.
  expect(Math.abs(job!.timestamp + (job!.opts.delay ?? 0) - runAt.getTime())).toBeLessThanOrEqual(1);
});

it('runs at once a job whose due instant has passed', async () => {
  const held = new JobsAfterCommit(jobs);
  await held.add('response-check', { item: 'ticket-2' }, { runAt: new Date(Date.now() - 5000), idSuffix: 'past' });
  await held.release();
  expect(await (await jobs.queue('response-timers').getJob(jobId('response-check', { item: 'ticket-2' }, 'past')))?.getState()).toBe(
    'waiting',
  );
});
