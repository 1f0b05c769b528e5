import { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { queueNames, type QueueName } from '../../core/jobs/job-catalog.ts';
import { lastHourThroughput } from '../state/queue-throughput.ts';
import { jobStates, type JobState, type QueueStats } from '../state/queues-state.ts';
import { withTimeout } from '../../queue/with-timeout.ts';

export { jobStates, type JobState, type QueueStats };

/** Reads the table of every queue of the catalog; holds the BullMQ queue objects. */
export interface QueueStatsLoader {
  load(): Promise<QueueStats[]>;
  /** The BullMQ queue of `name` (for job lists and actions, tui/data/queue-jobs.ts). */
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}

/**
 * Queue statistics over a shared Redis connection (not closed here: it belongs to the caller).
 * Each read is bounded by `timeoutMs`, so a lost Redis fails the refresh instead of hanging it.
 * The workers count (CLIENT LIST, which some hosted Redis refuse) and the metrics are
 * optional: their failure shows as '-', not as a failed table.
 */
export function queueStatsLoader(connection: Redis | Cluster, prefix: string, timeoutMs = 2000): QueueStatsLoader {
  const build = () =>
    new Map(
      queueNames.map((name) => {
        const queue = new Queue(name, { connection, prefix });
        // Errors surface through the reads that fail; an unhandled 'error' event would crash.
        queue.on('error', () => {});
        return [name, queue] as const;
      }),
    );
  let queues = build();
  /** A read failed: the queue objects may hold a connection that ended, so they are rebuilt once Redis is ready again. */
  let broken = false;
  const retired: Promise<unknown>[] = [];
  function current(): Map<QueueName, Queue> {
    if (broken && connection.status === 'ready') {
      // Queue.close() leaves a shared connection open: it belongs to the caller.
      retired.push(...[...queues.values()].map((queue) => queue.close().catch(() => {})));
      queues = build();
      broken = false;
    }
    return queues;
  }
  async function read(): Promise<QueueStats[]> {
    return Promise.all(
      [...current()].map(async ([name, queue]): Promise<QueueStats> => {
        const [counts, paused, workers, metrics] = await Promise.all([
          queue.getJobCounts(...jobStates),
          queue.isPaused(),
          queue.getWorkersCount().catch(() => null),
          queue.getMetrics('completed', 0, 59).catch(() => null),
        ]);
        return {
          name,
          counts: Object.fromEntries(jobStates.map((s) => [s, counts[s] ?? 0])) as Record<JobState, number>,
          paused,
          workers,
          throughput: metrics ? lastHourThroughput(metrics, Date.now()) : null,
        };
      }),
    );
  }
  return {
    load: () =>
      withTimeout(read(), timeoutMs, 'Redis').catch((error: unknown) => {
        broken = true;
        throw error;
      }),
    queue: (name) => current().get(name)!,
    async close() {
      await Promise.all([...retired, ...[...queues.values()].map((queue) => queue.close().catch(() => {}))]);
    },
  };
}
