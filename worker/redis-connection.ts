import { Redis } from 'ioredis';

/**
 * A Redis connection for BullMQ. Workers need `maxRetriesPerRequest: null` (they block on
 * Redis and must wait out an outage, not fail); producers fail fast instead, so that a
 * request whose job cannot be enqueued is answered by the caller's fallback (the work is in
 * Postgres already) rather than hanging.
 */
export function createRedis(url: string, role: 'worker' | 'producer'): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
  });
  // Connection errors surface through the commands that fail; an unhandled 'error' event
  // would crash the process while Redis is briefly away.
  redis.on('error', () => {});
  return redis;
}
