// The private Postgres and Redis a fresh clone runs on when no DATABASE_URL/REDIS_URL is set:
// both live under one data dir, listen on loopback only, and outlive the command that started
// them. `services.json` in the data dir is how other commands find them.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ensurePostgres,
  postgresAcceptsConnections,
  postgresPaths,
  postgresUrl,
  runningPostgres,
  stopPostgres,
} from './embedded-postgres.ts';
import { ensureRedis, redisPing, redisUrl, runningRedis, stopRedis } from './embedded-redis.ts';
import { withFileLock } from './file-lock.ts';
import { readServicesState, writeServicesState, type ServicesState } from './services-state.ts';

export { readServicesState, type ServicesState } from './services-state.ts';

/** Options shared by the services commands. */
export interface ServicesOptions {
  /** Directory holding both servers' files and `services.json` (the repo's `.data/` by default). */
  dataDir: string;
  /** Progress messages (what is being installed or started); silent when omitted. */
  log?: (msg: string) => void;
}

/** Live state of one embedded server. */
export interface ServiceStatus {
  running: boolean;
  pid: number | null;
  port: number | null;
  url: string | null;
}

/** Live state of both embedded servers. */
export interface ServicesStatus {
  postgres: ServiceStatus;
  redis: ServiceStatus;
}

function lockPath(dataDir: string): string {
  return join(dataDir, 'services.lock');
}

/**
 * Starts the embedded Postgres and Redis unless they already run, waits until they accept
 * connections, makes sure the `switchboard` database exists and saves `services.json`.
 * Idempotent, and safe to run from several processes at once (they serialise on a lock file).
 */
export async function servicesUp(opts: ServicesOptions): Promise<ServicesState> {
  const dataDir = resolve(opts.dataDir);
  const log = opts.log ?? (() => undefined);
  await mkdir(dataDir, { recursive: true });
  return withFileLock(lockPath(dataDir), async () => {
    const saved = await readServicesState(dataDir);
    const postgres = await ensurePostgres({ dataDir, savedPort: saved?.postgres.port, log });
    const redis = await ensureRedis({ dataDir, savedPort: saved?.redis.port, log });
    const state: ServicesState = {
      databaseUrl: postgresUrl(postgres.port),
      redisUrl: redisUrl(redis.port),
      postgres: { pid: postgres.pid, port: postgres.port, dataDir: postgresPaths(dataDir).clusterDir },
      redis: { pid: redis.pid, port: redis.port },
    };
    await writeServicesState(dataDir, state);
    return state;
  });
}

/**
 * Stops the servers `services up` recorded in `services.json` (only those pids); does nothing
 * when none runs. The file is kept so the next `up` reuses the same ports.
 */
export async function servicesDown(opts: ServicesOptions): Promise<void> {
  const dataDir = resolve(opts.dataDir);
  const log = opts.log ?? (() => undefined);
  const saved = await readServicesState(dataDir);
  if (!saved) return;
  await withFileLock(lockPath(dataDir), async () => {
    await stopRedis(dataDir, saved.redis, log);
    await stopPostgres(dataDir, saved.postgres.pid, log);
  });
}

/** Whether each embedded server runs and answers, with its pid, port and URL. */
export async function servicesStatus(opts: ServicesOptions): Promise<ServicesStatus> {
  const dataDir = resolve(opts.dataDir);
  const saved = await readServicesState(dataDir);

  const pg = runningPostgres(dataDir);
  const pgPort = pg?.port ?? saved?.postgres.port ?? null;
  const redis = runningRedis(dataDir, saved?.redis.port);
  const redisPort = redis?.port ?? saved?.redis.port ?? null;

  return {
    postgres: {
      running: pg !== null && (await postgresAcceptsConnections(pg.port)),
      pid: pg?.pid ?? null,
      port: pgPort,
      url: pgPort === null ? null : postgresUrl(pgPort),
    },
    redis: {
      running: redis !== null && (await redisPing(redis.port)) === '+PONG',
      pid: redis?.pid ?? null,
      port: redisPort,
      url: redisPort === null ? null : redisUrl(redisPort),
    },
  };
}
