import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { jobId, queueNames } from '../../core/jobs/job-catalog.ts';
import { JobsAfterCommit } from '../../core/jobs/jobs-after-commit.ts';
import { BullJobQueue } from '../../worker/bullmq-job-queue.ts';
import { createRedis } from '../../worker/redis-connection.ts';

// Jobs queued in a transaction are held until it has committed. Real BullMQ on Redis.

let redis: ReturnType<typeof createRedis>;
let jobs: BullJobQueue;

beforeAll(() => {
  redis = createRedis(inject('redisUrl'), 'producer');
  jobs = new BullJobQueue(redis, `test-${randomBytes(5).toString('hex')}`);
});

afterAll(async () => {
  await Promise.all(queueNames.map((q) => jobs.queue(q).obliterate({ force: true }).catch(() => {})));
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

