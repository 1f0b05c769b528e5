import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Database } from '../core/db/schema.ts';
import { startDashboard } from './dashboard.ts';

/** What `switchboard tui` passes in: the database (owned by the caller) and where Redis is. */
export interface TuiOptions {
  db: Kysely<Database>;
  redisUrl: string;
  queuePrefix: string;
  property: { id: string; slug: string; name: string };
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/**
 * The dashboard's composition root: opens its Redis connection for queue statistics, runs the
 * dashboard and resolves once the user has quit and the terminal is restored.
 */
export async function runTui(options: TuiOptions): Promise<void> {
  // Fail fast while Redis is away (no offline queue, one retry): the status bar shows it down
  // and the next refresh after it is back shows it up, as the client reconnects by itself.
  const redis = new Redis(options.redisUrl, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  redis.on('error', () => {});
  try {
    const dashboard = startDashboard({ ...options, redis });
    await dashboard.closed;
  } finally {
    redis.disconnect();
  }
}
