import { Queue, type JobsOptions } from 'bullmq';
import { assertClusterPrefix } from '../core/config/redis-hash-tag.ts';
import { jobId, jobQueues, jobRetries, type JobName, type JobPayloads, type QueueName } from '../core/jobs/job-catalog.ts';
import type { AddOptions, JobQueue, JobRequest } from '../core/jobs/job-queue.ts';
import type { RedisConnection } from './redis-connection.ts';

/** Bounded retention: enough history for the dashboard, never unbounded growth in Redis. */
const retention = {
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
};

/** The default options of a job of the catalog: its id policy aside, retries and retention. */
export function jobOptions(name: JobName): JobsOptions {
  const { attempts, backoffMs, fixed } = jobRetries[name];
  return { attempts, backoff: { type: fixed ? 'fixed' : 'exponential', delay: backoffMs, jitter: 0.5 }, ...retention };
}

/** A request of the catalog as BullMQ adds it: its options and its deterministic id. */
function bullJob<N extends JobName>(
  name: N,
  data: JobPayloads[N],
  idSuffix?: string,
  delayMs?: number,
): { name: N; data: JobPayloads[N]; opts: JobsOptions } {
  return {
    name,
    data,
    opts: { ...jobOptions(name), jobId: jobId(name, data, idSuffix), delay: delayMs && delayMs > 0 ? Math.round(delayMs) : undefined },
  };
}

/**
 * The catalog's queues on BullMQ: one Queue object per queue, sharing one connection. On a
 * Redis Cluster the prefix must carry a hash tag (core/config/redis-hash-tag.ts); the config
 * checks it at start-up, and this refuses it for any other caller too.
 */
export class BullJobQueue implements JobQueue {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
  ) {
    if (connection.isCluster) assertClusterPrefix(prefix);
  }

  /** The BullMQ queue of a catalog queue name, created once. */
  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      queue.on('error', () => {});
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add<N extends JobName>(name: N, data: JobPayloads[N], options: AddOptions = {}): Promise<void> {
    await this.connected();
    // BullMQ runs a delayed job at the time it was added + its delay: a due instant becomes a
    // delay here, as late as possible, so that nothing before this line makes the job late.
    const delayMs = options.runAt ? options.runAt.getTime() - Date.now() : options.delayMs;
    const job = bullJob(name, data, options.idSuffix, delayMs);
    await this.queue(jobQueues[name]).add(job.name, job.data, job.opts);
  }

  async addBulk(requests: JobRequest[]): Promise<void> {
    if (requests.length === 0) return;
    await this.connected();
    const byQueue = new Map<QueueName, JobRequest[]>();
    for (const r of requests) {
      const list = byQueue.get(jobQueues[r.name]);
      if (list) list.push(r);
      else byQueue.set(jobQueues[r.name], [r]);
    }
    await Promise.all(
      [...byQueue].map(([queue, list]) => {
        const jobs = list.map((r) => bullJob(r.name, r.data as never));
        // BullMQ adds a bulk through an ioredis pipeline, whose construction copies every
        // loaded script onto it: for the one job of most SMTP group commits that cost more
        // than the add itself (bench/mail).
        if (jobs.length > 1) return this.queue(queue).addBulk(jobs);
        return this.queue(queue).add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts);
      }),
    );
  }

  /**
   * Waits a moment for a connection that is (re)connecting, then gives up: BullMQ alone would
   * wait for Redis forever, and callers are better served by an error (the work is stored in
   * Postgres, and the reconcile schedule queues it again).
   */
  private async connected(): Promise<void> {
    if (this.connection.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.connection.off('ready', onReady);
        reject(new Error(`Redis is not connected (${this.connection.status}); job not queued`));
      }, 1000);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.connection.once('ready', onReady);
    });
  }

  async remove(name: JobName, data: JobPayloads[JobName], options: { idSuffix?: string } = {}): Promise<void> {
    // A job that is running cannot be removed; it re-checks its preconditions when it runs.
    await this.connected();
    await this.queue(jobQueues[name]).remove(jobId(name, data as never, options.idSuffix));
  }

  async requeue<N extends JobName>(name: N, data: JobPayloads[N], options: AddOptions = {}): Promise<void> {
    await this.connected();
    const queue = this.queue(jobQueues[name]);
    const job = await queue.getJob(jobId(name, data, options.idSuffix));
    const state = job ? await job.getState() : 'missing';
    if (state === 'failed') await job!.retry('failed');
    else if (state === 'completed') await job!.remove();
    if (state === 'missing' || state === 'completed' || state === 'unknown') await this.add(name, data, options);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
