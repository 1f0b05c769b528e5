import { sql, type Kysely } from 'kysely';
import { migrationStatus } from '../core/db/migrate.ts';
import type { Database } from '../core/db/schema.ts';
import { withTimeout } from './with-timeout.ts';

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

/** What readiness probes: the process's own pool and Redis connection. */
export interface ReadinessDeps {
  db: Kysely<Database>;
  redis: { ping(): Promise<unknown> };
  /** Budget of each check (default 1 s): a probe must answer before the orchestrator's timeout. */
  timeoutMs?: number;
}

async function check(run: () => Promise<void>, timeoutMs: number, what: string): Promise<CheckResult> {
  try {
    await withTimeout(Promise.resolve().then(run), timeoutMs, what);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error && error.message ? error.message : String(error) };
  }
}

/**
 * Checks, at once and each within its budget, that Postgres answers a query, Redis answers
 * PING, and every migration this code knows has been applied (a process of newer code than
 * its schema would fail on its first query of a new column, so it is not ready).
 */
export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 1000;
  const [postgres, redis, migrations] = await Promise.all([
    check(async () => void (await sql`select 1`.execute(deps.db)), timeoutMs, 'Postgres'),
    check(async () => void (await deps.redis.ping()), timeoutMs, 'Redis'),
    check(
      async () => {
        const pending = (await migrationStatus(deps.db)).filter((m) => !m.executedAt).map((m) => m.name);
        if (pending.length) throw new Error(`${pending.length} migration(s) not applied: ${pending.join(', ')} (run: switchboard migrate)`);
      },
      timeoutMs,
      'the migration table',
    ),
  ]);
  return { ready: postgres.ok && redis.ok && migrations.ok, checks: { postgres, redis, migrations } };
}
