import { Cluster, Redis } from 'ioredis';
import { isClusterUrl, parseClusterUrl } from '../core/config/redis-url.ts';

/** A connection to one Redis server or to a Redis Cluster; BullMQ and callers use both alike. */
export type RedisConnection = Redis | Cluster;

/**
 * What the connection is for. Workers need `maxRetriesPerRequest: null` (they block on Redis
 * and must wait out an outage, not fail); producers fail fast instead, so that a request whose
 * job cannot be enqueued is answered by the caller's fallback (the work is in Postgres already)
 * rather than hanging. The dashboard fails fast too and retries sooner, so that its status bar
 * shows Redis back within a refresh or two.
 */
export type RedisRole = 'worker' | 'producer' | 'dashboard';

/**
 * A Redis connection for `url` (core/config/redis-url.ts): a `redis-cluster://` URL gives an
 * ioredis Cluster on its seed nodes, any other a single ioredis client.
 */
export function createRedis(url: string, role: RedisRole): RedisConnection {
  const failFast = role !== 'worker';
  const retryCapMs = role === 'dashboard' ? 2000 : 5000;
  const retryStrategy = (attempt: number) => Math.min(attempt * 200, retryCapMs);
  let redis: RedisConnection;
  if (isClusterUrl(url)) {
    const { seeds, username, password, tls } = parseClusterUrl(url);
    redis = new Cluster(seeds, {
      enableOfflineQueue: !failFast,
      clusterRetryStrategy: retryStrategy,
      // ioredis resolves seed names to addresses before connecting; over TLS the certificate
      // names the host, so the name is kept (as managed clusters such as ElastiCache require).
      ...(tls ? { dnsLookup: (address: string, callback: (err: null, address: string) => void) => callback(null, address) } : {}),
      // BullMQ checks maxRetriesPerRequest on the node options of a cluster client.
      redisOptions: { maxRetriesPerRequest: failFast ? 1 : null, username, password, ...(tls ? { tls: {} } : {}) },
    });
  } else {
    redis = new Redis(url, { maxRetriesPerRequest: failFast ? 1 : null, enableOfflineQueue: !failFast, retryStrategy });
  }
  // Connection errors surface through the commands that fail; an unhandled 'error' event
  // would crash the process while Redis is briefly away.
  redis.on('error', () => {});
  return redis;
}
