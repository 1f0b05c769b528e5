import { sql, type Kysely } from 'kysely';
import type { Database } from '../../core/db/schema.ts';
import { statementLabel } from './statement-label.ts';

export interface Waits {
  samples: number;
  /** Active backends seen over all samples. */
  active: number;
  /** "wait event (statement)" → times seen. */
  counts: Map<string, number>;
}

/**
 * Samples what the bench database's active sessions are doing (or waiting on) every 100 ms: its queries run in the measured window,
 * so it samples no more often than a percentage needs.
 */
export function waitSampler(db: Kysely<Database>): { stop(): Promise<Waits> } {
  const waits: Waits = { samples: 0, active: 0, counts: new Map() };
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await sql<{ wait: string | null; query: string }>`
        SELECT CASE WHEN wait_event IS NULL THEN 'running' ELSE wait_event_type || ':' || wait_event END AS wait, query
        FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`.execute(db);
      waits.samples++;
      for (const r of rows) {
        waits.active++;
        const key = `${r.wait} (${statementLabel(r.query)})`;
        waits.counts.set(key, (waits.counts.get(key) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return waits;
    },
  };
}
