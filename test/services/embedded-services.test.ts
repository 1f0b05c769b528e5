import { rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readServicesState, servicesDown, servicesStatus, servicesUp } from '../../services/embedded-services.ts';
import { parseConfig, readEnvironment } from '../../core/config/config.ts';

// The shared data dir the global setup started; never stopped here, other files use it.
// Found as the global setup finds it: SWITCHBOARD_DATA_DIR moves it away from .data/ (CI does
// so when the postgres user cannot reach the checkout).
const sharedDataDir = parseConfig(readEnvironment()).dataDir;

async function selectOne(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ one: number }>('SELECT 1 AS one');
    return result.rows[0]?.one ?? 0;
  } finally {
    await client.end();
  }
}

async function redisCheck(redisUrl: string): Promise<{ pong: string; policy: string[] }> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const pong = await redis.ping();
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    return { pong, policy };
  } finally {
    redis.disconnect();
  }
}

describe('embedded services on the shared data dir', () => {
  it('servicesUp is idempotent: a second call reuses the same servers', async () => {
    const first = await servicesUp({ dataDir: sharedDataDir });
    const second = await servicesUp({ dataDir: sharedDataDir });
    expect(second).toEqual(first);
  });

  it('servicesUp is safe when two callers race', async () => {
    const [a, b] = await Promise.all([servicesUp({ dataDir: sharedDataDir }), servicesUp({ dataDir: sharedDataDir })]);
    expect(a).toEqual(b);
  });

  it('servicesStatus reports both running with pid, port and url', async () => {
    const state = await servicesUp({ dataDir: sharedDataDir });
    const status = await servicesStatus({ dataDir: sharedDataDir });
    expect(status.postgres).toEqual({
      running: true,
      pid: state.postgres.pid,
      port: state.postgres.port,
      url: state.databaseUrl,
    });
    expect(status.redis).toEqual({
      running: true,
      pid: state.redis.pid,
      port: state.redis.port,
      url: state.redisUrl,
    });
  });

  it('readServicesState returns the saved URLs', async () => {
    const state = await readServicesState(sharedDataDir);
    expect(state?.databaseUrl).toMatch(/^postgres:\/\/switchboard@127\.0\.0\.1:\d+\/switchboard$/);
    expect(state?.redisUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
  });

  it('readServicesState returns null for a data dir that never ran', async () => {
    expect(await readServicesState('/nonexistent/switchboard-data')).toBeNull();
  });

  it('accepts real connections (the provided URLs work too)', async () => {
    const state = await servicesUp({ dataDir: sharedDataDir });
    expect(await selectOne(state.databaseUrl)).toBe(1);
    const redis = await redisCheck(state.redisUrl);
    expect(redis.pong).toBe('PONG');
    // BullMQ requires that Redis never evicts keys.
    expect(redis.policy).toEqual(['maxmemory-policy', 'noeviction']);

    expect(await selectOne(inject('databaseUrl'))).toBe(1);
    expect((await redisCheck(inject('redisUrl'))).pong).toBe('PONG');
  });
});

describe('embedded services down/up cycle on a private data dir', () => {
  const dataDir = join(sharedDataDir, `test-services-${randomBytes(4).toString('hex')}`);

  afterAll(async () => {
    await servicesDown({ dataDir }).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('servicesDown is safe when nothing was ever started', async () => {
    await expect(servicesDown({ dataDir })).resolves.toBeUndefined();
  });

  it('stops what it started, and up again reuses the saved ports', async () => {
    const first = await servicesUp({ dataDir });
    expect(await selectOne(first.databaseUrl)).toBe(1);

    await servicesDown({ dataDir });
    const stopped = await servicesStatus({ dataDir });
    expect(stopped.postgres.running).toBe(false);
    expect(stopped.redis.running).toBe(false);
    // Down is idempotent too.
    await servicesDown({ dataDir });

    const second = await servicesUp({ dataDir });
    expect(second.postgres.port).toBe(first.postgres.port);
    expect(second.redis.port).toBe(first.redis.port);
    expect(second.postgres.pid).not.toBe(first.postgres.pid);
    expect(await selectOne(second.databaseUrl)).toBe(1);
    expect((await redisCheck(second.redisUrl)).pong).toBe('PONG');
  }, 120_000);
});
