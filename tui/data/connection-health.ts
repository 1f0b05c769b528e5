import type { Kysely } from 'kysely';
import type { Cluster, Redis } from 'ioredis';
import { pingDatabase } from '../../core/db/connect.ts';
import type { Database } from '../../core/db/schema.ts';
import { withTimeout } from '../../queue/with-timeout.ts';

/** The state of a connection as the status bar shows it. */
export type ConnectionState = 'up' | 'down';

/** Postgres and Redis, each up or down. */
export interface ConnectionHealth {
  postgres: ConnectionState;
  redis: ConnectionState;
}

/** Probes both connections (`select 1`, `PING`) within `timeoutMs`; never throws. */
export async function checkHealth(db: Kysely<Database>, redis: Redis | Cluster, timeoutMs = 1500): Promise<ConnectionHealth> {
  const probe = (work: () => Promise<unknown>, what: string): Promise<ConnectionState> =>
    withTimeout(Promise.resolve().then(work), timeoutMs, what).then(
      () => 'up' as const,
      () => 'down' as const,
    );
  // A connection still being made (the dashboard's first refresh) is waited for, not called
  // down; one that is reconnecting after a loss is down until it is back.
  const connected = () =>
    ['connecting', 'connect', 'wait'].includes(redis.status)
      ? new Promise<void>((resolve) => redis.once('ready', () => resolve()))
      : Promise.resolve();
  const [postgres, redisState] = await Promise.all([
    probe(() => pingDatabase(db), 'Postgres'),
    probe(() => connected().then(() => redis.ping()), 'Redis'),
  ]);
  return { postgres, redis: redisState };
}
