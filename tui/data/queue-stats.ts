import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { queueNames, type QueueName } from '../../core/jobs/job-catalog.ts';
import { withTimeout } from './with-timeout.ts';

/** The job states the queues table shows, in its column order. */
export const jobStates = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;
export type JobState = (typeof jobStates)[number];

/** One queue's counts by state and whether it is paused. */
export interface QueueStats {
  name: QueueName;
  counts: Record<JobState, number>;
  paused: boolean;
}

/** Reads the counts of every queue of the catalog. */
export interface QueueStatsLoader {
  load(): Promise<QueueStats[]>;
  close(): Promise<void>;
}

/**
 * Queue statistics over a shared Redis connection (not closed here: it belongs to the caller).
 * Each read is bounded by `timeoutMs`, so a lost Redis fails the refresh instead of hanging it.
 */
export function queueStatsLoader(connection: Redis, prefix: string, timeoutMs = 2000): QueueStatsLoader {
  const queues = queueNames.map((name) => {
    const queue = new Queue(name, { connection, prefix });
    // Errors surface through the reads that fail; an unhandled 'error' event would crash.
    queue.on('error', () => {});
    return { name, queue };
  });
  return {
    load: () =>
      withTimeout(
        Promise.all(
          queues.map(async ({ name, queue }) => {
            const [counts, paused] = await Promise.all([queue.getJobCounts(...jobStates), queue.isPaused()]);
            return { name, counts: Object.fromEntries(jobStates.map((s) => [s, counts[s] ?? 0])) as Record<JobState, number>, paused };
          }),
        ),
        timeoutMs,
        'Redis',
      ),
    async close() {
      await Promise.all(queues.map(({ queue }) => queue.close().catch(() => {})));
    },
  };
}
