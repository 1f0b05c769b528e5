import type { Kysely } from 'kysely';
import type { Database } from '../core/db/schema.ts';
import type { JobQueue } from '../core/jobs/job-queue.ts';
import { BullJobQueue } from '../queue/bullmq-job-queue.ts';
import { createRedis } from '../queue/redis-connection.ts';
import { startDashboard } from './dashboard.ts';

/** What `switchboard tui` passes in: the database (owned by the caller) and where Redis is. */
export interface TuiOptions {
  db: Kysely<Database>;
  redisUrl: string;
  queuePrefix: string;
  property: { id: string; slug: string; name: string };
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  terminal?: string;
  refreshMs?: number;
  /** A job queue of the caller's; by default one is opened on `redisUrl` and closed on quit. */
  jobs?: JobQueue;
  /** Inside `switchboard start`: quitting stops everything, so the dashboard asks first. */
  quitStopsBackOffice?: boolean;
  /** Closes the dashboard as `q` does when it aborts (the process it runs in was told to stop). */
  stopping?: AbortSignal;
}

/**
 * The dashboard's composition root: opens its Redis connection for queue statistics and a
 * producer connection with the job queue that actions (convert, reply) queue emails on, runs
 * the dashboard and resolves once the user has quit and the terminal is restored.
 */
export async function runTui(options: TuiOptions): Promise<void> {
  // Fail fast while Redis is away (no offline queue, one retry): the status bar shows it down
  // and the next refresh after it is back shows it up, as the client reconnects by itself.
  const redis = createRedis(options.redisUrl, 'dashboard');
  // The queue library (queue/) gives BullJobQueue, the BullMQ side of core's JobQueue port;
  // a producer connection fails fast instead of hanging.
  const producer = options.jobs ? null : createRedis(options.redisUrl, 'producer');
  const ownQueue = producer ? new BullJobQueue(producer, options.queuePrefix) : null;
  try {
    const dashboard = startDashboard({ ...options, redis, jobs: options.jobs ?? ownQueue! });
    const close = () => void dashboard.quit();
    if (options.stopping?.aborted) close();
    options.stopping?.addEventListener('abort', close, { once: true });
    await dashboard.closed;
    options.stopping?.removeEventListener('abort', close);
  } finally {
    await ownQueue?.close().catch(() => {});
    producer?.disconnect();
    redis.disconnect();
  }
}
