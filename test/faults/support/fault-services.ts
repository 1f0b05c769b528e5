// A Postgres and a Redis of the fault suite's own, under <data dir>/faults: restarting or
// wiping them must not disturb the developer's embedded services or other test runs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parseConfig, readEnvironment } from '../../../core/config/config.ts';
import { ensurePostgres, postgresUrl, stopPostgres, type RunningPostgres } from '../../../services/embedded-postgres.ts';
import { ensureRedis, redisUrl, stopRedis, type RunningRedis } from '../../../services/embedded-redis.ts';
import { databaseUrlFor } from '../../../core/db/database-url.ts';

export interface FaultServices {
  /** URL of the server's default database; runs make databases of their own on it. */
  serverUrl: string;
  redisUrl: string;
  /** Fast shutdown, then start again on the same port (connections break, nothing committed is lost). */
  restartPostgres(downMs?: number): Promise<void>;
  /** SIGTERM (the AOF is written), then start again on the same port with the same data. */
  restartRedis(downMs?: number): Promise<void>;
  /** FLUSHALL: every queue, job, lock and schedule gone at once. */
  flushRedis(): Promise<void>;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const log = (message: string) => console.log(`[fault services] ${message}`);

export async function startFaultServices(): Promise<FaultServices> {
  const dataDir = join(parseConfig(readEnvironment()).dataDir, 'faults');
  // Postgres runs as a plain user when we are root: it must be able to pass through.
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  let postgres: RunningPostgres = await ensurePostgres({ dataDir, savedPort: undefined, log });
  let redis: RunningRedis = await ensureRedis({ dataDir, savedPort: undefined, log });
  const serverUrl = postgresUrl(postgres.port);
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return {
    serverUrl,
    redisUrl: redisUrl(redis.port),
    async restartPostgres(downMs = 1000) {
      await stopPostgres(dataDir, postgres.pid, log);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      postgres = await ensurePostgres({ dataDir, savedPort: postgres.port, log });
    },
    async restartRedis(downMs = 1000) {
      await stopRedis(dataDir, redis, log);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      redis = await ensureRedis({ dataDir, savedPort: redis.port, log });
    },
    async flushRedis() {
      const client = new Redis(redisUrl(redis.port));
      try {
        await client.flushall();
      } finally {
        client.disconnect();
      }
    },
    async createDatabase(name) {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin(`CREATE DATABASE ${name}`);
      return databaseUrlFor(serverUrl, name);
    },
    async stop() {
      await stopRedis(dataDir, redis, log).catch(() => {});
      await stopPostgres(dataDir, postgres.pid, log).catch(() => {});
    },
  };
}
