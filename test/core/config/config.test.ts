import { describe, expect, it } from 'vitest';
import { parseConfig, projectRoot } from '../../../core/config/config.ts';
import { parseClusterUrl } from '../../../core/config/redis-url.ts';
import { ConfigError } from '../../../core/errors.ts';

it('defaults to the embedded services under .data/', () => {
  const config = parseConfig({});
  expect(config).toMatchObject({
    databaseUrl: null,
    redisUrl: null,
    dataDir: `${projectRoot}/.data`,
    defaultProperty: null,
    logLevel: 'info',
  });
});

it('stops on a bad value with a message naming the variable', () => {
  expect(() => parseConfig({ DATABASE_URL: 'localhost:5432' })).toThrow(ConfigError);
  expect(() => parseConfig({ DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL must start with postgres:\/\//);
  expect(() => parseConfig({ REDIS_URL: 'nope' })).toThrow(/^REDIS_URL is not a URL/);
  expect(() => parseConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of/);
});

it('takes explicit URLs as given', () => {
  const config = parseConfig({ DATABASE_URL: 'postgres://u@db:5432/sb', REDIS_URL: 'redis://cache:6379', SWITCHBOARD_PROPERTY: 'shop' });
  expect(config).toMatchObject({ databaseUrl: 'postgres://u@db:5432/sb', redisUrl: 'redis://cache:6379', defaultProperty: 'shop' });
});

describe('Redis Cluster', () => {
  it('takes redis-cluster:// seeds, and defaults the queue prefix to a hash tag', () => {
    const config = parseConfig({ REDIS_URL: 'redis-cluster://:s%40cret@10.0.0.1:7000,[::1]:7001,cache-3' });
    expect(config).toMatchObject({ redisUrl: 'redis-cluster://:s%40cret@10.0.0.1:7000,[::1]:7001,cache-3', queuePrefix: '{switchboard}' });
    expect(parseClusterUrl(config.redisUrl!)).toEqual({
      seeds: [
        { host: '10.0.0.1', port: 7000 },
        { host: '::1', port: 7001 },
        { host: 'cache-3', port: 6379 },
      ],
      username: undefined,
      password: 's@cret',
      tls: false,
    });
    expect(parseClusterUrl('rediss-cluster://app:pw@c1:6380')).toMatchObject({ username: 'app', password: 'pw', tls: true });
    expect(parseConfig({ REDIS_URL: 'rediss-cluster://c1:6380', SWITCHBOARD_QUEUE_PREFIX: 'sb-{prod}' }).queuePrefix).toBe('sb-{prod}');
  });

  it('refuses a prefix without a hash tag on a cluster, suggesting one', () => {
    const refused = () => parseConfig({ REDIS_URL: 'redis-cluster://c1:7000', SWITCHBOARD_QUEUE_PREFIX: 'switchboard' });
    expect(refused).toThrow(ConfigError);
    expect(refused).toThrow(/^SWITCHBOARD_QUEUE_PREFIX .*no Redis Cluster hash tag.*SWITCHBOARD_QUEUE_PREFIX=\{switchboard\}/);
    // "{}" is no tag for Redis: the whole key is hashed.
    expect(() => parseConfig({ REDIS_URL: 'redis-cluster://c1:7000', SWITCHBOARD_QUEUE_PREFIX: '{}sb' })).toThrow(/hash tag/);
    // One server needs no tag.
    expect(parseConfig({ REDIS_URL: 'redis://c1:6379', SWITCHBOARD_QUEUE_PREFIX: 'switchboard' }).queuePrefix).toBe('switchboard');
  });

  it('names REDIS_URL for a bad cluster URL', () => {
    expect(() => parseConfig({ REDIS_URL: 'redis-cluster://' })).toThrow(/^REDIS_URL has a seed that is not host\[:port\]/);
    expect(() => parseConfig({ REDIS_URL: 'redis-cluster://c1:7000,,c2' })).toThrow(/^REDIS_URL has a seed/);
    expect(() => parseConfig({ REDIS_URL: 'redis-cluster://c1:99999' })).toThrow(/^REDIS_URL has a seed/);
    expect(() => parseConfig({ REDIS_URL: 'redis-cluster://c1:7000/2' })).toThrow(
      /^REDIS_URL names a database, but a Redis Cluster has only database 0/,
    );
    expect(() => parseConfig({ REDIS_URL: 'redis-cluster://c1:7000?family=6' })).toThrow(/^REDIS_URL takes no \?options/);
    expect(() => parseConfig({ REDIS_URL: 'memcached://c1' })).toThrow(
      /^REDIS_URL must start with redis:\/\/ or rediss:\/\/ .* or redis-cluster:\/\//,
    );
  });
});
