import { Gauge, type Registry } from 'prom-client';
import { queueNames, type QueueName } from '../../core/jobs/job-catalog.ts';
import { withTimeout } from '../../queue/with-timeout.ts';

/** The job states counted per queue. */
export const countedStates = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused', 'failed', 'completed'] as const;

/** What the gauge reads a queue's counts from: a BullMQ Queue. */
export interface CountableQueue {
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

/**
 * Registers `switchboard_queue_jobs{queue,state}`, read from Redis when scraped (the counts
 * live there, shared by every process; nothing here keeps them), and
 * `switchboard_queue_jobs_scrape_ok`. When Redis does not answer within `timeoutMs` the queue
 * series are left out of that scrape rather than repeated: a stale backlog that looks fine
 * is worse than a gap, and `..._scrape_ok 0` says why the gap is there. The scrape itself
 * still answers, with every other metric.
 */
export function registerQueueDepth(registry: Registry, queueOf: (name: QueueName) => CountableQueue, timeoutMs = 1000): void {
  // prom-client collects all metrics of a scrape at once: both gauges share one read of Redis.
  let reading: Promise<Record<string, number>[] | null> | null = null;
  const read = () => {
    reading ??= withTimeout(Promise.all(queueNames.map((name) => queueOf(name).getJobCounts(...countedStates))), timeoutMs, 'Redis')
      .catch(() => null)
      .finally(() => {
        reading = null;
      });
    return reading;
  };
  new Gauge({
    name: 'switchboard_queue_jobs',
    help: 'Jobs per queue and state, read from Redis at scrape time (absent when Redis did not answer).',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const counts = await read();
      this.reset();
      counts?.forEach((byState, i) => {
        for (const state of countedStates) this.set({ queue: queueNames[i]!, state }, byState[state] ?? 0);
      });
    },
  });
  new Gauge({
    name: 'switchboard_queue_jobs_scrape_ok',
    help: '1 when this scrape read the queue counts from Redis, 0 when Redis did not answer in time.',
    registers: [registry],
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
}
