import type { Kysely } from 'kysely';
import { pingDatabase } from '../core/db/connect.ts';
import { migrationStatus } from '../core/db/migrate.ts';
import type { Database } from '../core/db/schema.ts';
import { withTimeout } from '../queue/with-timeout.ts';

/** One check of readiness: passed, or why not. */
export interface CheckResult {
  ok: boolean;
  error?: string;
}

/** Whether the process can do its work now, and each check's verdict. */
export interface Readiness {
  ready: boolean;
  checks: { postgres: CheckResult; redis: CheckResult; migrations: CheckResult };
}

/** The Redis connection as readiness uses it (an ioredis client or cluster). */
export interface PingableRedis {
  status: string;
  ping(): Promise<unknown>;
  once(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}

/** What readiness probes: the process's own pool and Redis connection. */
export interface ReadinessDeps {
  db: Kysely<Database>;
  redis: PingableRedis;
  /** Budget of each check (default 1 s): a probe must answer before the orchestrator's timeout. */
  timeoutMs?: number;
}

// Migrations are never undone under a running process, and the ones this code knows cannot
// change while it runs: once current, the schema scan behind the check is not repeated on
// every probe.
const migrationsCurrent = new WeakMap<Kysely<Database>, true>();

async function check(run: () => Promise<void>, timeoutMs: number, what: string): Promise<CheckResult> {
  try {
    await withTimeout(Promise.resolve().then(run), timeoutMs, what);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error && error.message ? error.message : String(error) };
  }
}

/**
 * PINGs Redis, first waiting (within `ms`) for a connection that is still (re)connecting: a
 * producer connection refuses commands until it is ready rather than queueing them, and a
 * connection about to be ready is not a reason to leave the rotation.
 */
async function ping(redis: PingableRedis, ms: number): Promise<void> {
  if (redis.status !== 'ready') {
    let onReady: () => void = () => {};
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve, reject) => {
      onReady = resolve;
      redis.once('ready', onReady);
      timer = setTimeout(() => reject(new Error(`Redis is not connected (${redis.status})`)), ms);
    }).finally(() => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    });
  }
  await redis.ping();
}

/**
 * Checks, at once and each within its budget, that Postgres answers a query, Redis answers
 * PING, and every migration this code knows has been applied (a process of newer code than
 * its schema would fail on its first query of a new column, so it is not ready).
 */
export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 1000;
  const current = migrationsCurrent.get(deps.db);
  const [postgres, redis, migrations] = await Promise.all([
    check(() => pingDatabase(deps.db), timeoutMs, 'Postgres'),
    // The outer budget is a little longer, so a connection that never became ready is reported as such.
    check(() => ping(deps.redis, timeoutMs), timeoutMs + 100, 'Redis'),
    check(
      async () => {
        if (current) return;
        const pending = (await migrationStatus(deps.db)).filter((m) => !m.executedAt).map((m) => m.name);
        if (pending.length) throw new Error(`${pending.length} migration(s) not applied: ${pending.join(', ')} (run: switchboard migrate)`);
        migrationsCurrent.set(deps.db, true);
      },
      timeoutMs,
      'the migration table',
    ),
  ]);
  return { ready: postgres.ok && redis.ok && migrations.ok, checks: { postgres, redis, migrations } };
}
