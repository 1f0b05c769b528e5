import { Cluster, type Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ConfigError } from '../core/errors.ts';
import type { RedisConnection } from './redis-connection.ts';

/** All the check needs of a logger: the process's pino logger (worker/logger.ts) is one. */
type WarningLogger = Pick<Logger, 'warn'>;

/**
 * Refuses a Redis that may evict keys: under memory pressure it would drop queued jobs and
 * their locks silently. BullMQ needs `maxmemory-policy noeviction`. A server that does not
 * let us read its config (some managed services) is allowed with a warning.
 *
 * On a Redis Cluster every node the client knows is asked, replicas included: each master
 * holds its own slots' jobs, and a replica becomes a master on failover.
 */
export async function assertNoEviction(redis: RedisConnection, logger: WarningLogger): Promise<void> {
  try {
    await ready(redis);
  } catch (error) {
    logger.warn({ err: error }, 'cannot read Redis maxmemory-policy (Redis not ready); make sure it is noeviction');
    return;
  }
  const servers: { name: string; client: Redis }[] =
    redis instanceof Cluster
      ? redis.nodes('all').map((node) => ({ name: `${node.options.host}:${node.options.port}`, client: node }))
      : [{ name: '', client: redis }];
  const evicting: string[] = [];
  await Promise.all(
    servers.map(async ({ name, client }) => {
      let policy: string | undefined;
      try {
        policy = ((await client.config('GET', 'maxmemory-policy')) as string[])[1];
      } catch (error) {
        logger.warn(
          { err: error, node: name || undefined },
          'cannot read Redis maxmemory-policy (CONFIG GET refused); make sure it is noeviction',
        );
        return;
      }
      if (policy !== undefined && policy !== 'noeviction') evicting.push(name ? `${policy} (node ${name})` : policy);
    }),
  );
  if (evicting.length > 0) {
    throw new ConfigError(
      `Redis runs with maxmemory-policy ${evicting.sort().join(', ')}: it may evict queued jobs under memory pressure. ` +
        'Set "maxmemory-policy noeviction" in redis.conf (or CONFIG SET maxmemory-policy noeviction) and start again.',
    );
  }
}

/** Waits up to 10 s for a connection (or a cluster's slot map) that is still being made. */
async function ready(redis: RedisConnection): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis is not reachable (${redis.status})`)), 10_000);
    redis.once('ready', () => (clearTimeout(timer), resolve()));
  });
}
