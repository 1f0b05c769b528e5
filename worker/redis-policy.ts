import type { Redis } from 'ioredis';
import { ConfigError } from '../core/errors.ts';
import type { Logger } from './logger.ts';

/**
 * Refuses a Redis that may evict keys: under memory pressure it would drop queued jobs and
 * their locks silently. BullMQ needs `maxmemory-policy noeviction`. A server that does not
 * let us read its config (some managed services) is allowed with a warning.
 */
export async function assertNoEviction(redis: Redis, logger: Logger): Promise<void> {
  let policy: string | undefined;
  try {
    if (redis.status !== 'ready') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Redis is not reachable (${redis.status})`)), 10_000);
        redis.once('ready', () => (clearTimeout(timer), resolve()));
      });
    }
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    policy = reply[1];
  } catch (error) {
    logger.warn({ err: error }, 'cannot read Redis maxmemory-policy (CONFIG GET refused); make sure it is noeviction');
    return;
  }
  if (policy !== undefined && policy !== 'noeviction') {
    throw new ConfigError(
      `Redis runs with maxmemory-policy ${policy}: it may evict queued jobs under memory pressure. Set "maxmemory-policy noeviction" in redis.conf (or CONFIG SET maxmemory-policy noeviction) and start again.`,
    );
  }
}
