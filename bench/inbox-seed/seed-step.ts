import { type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../core/db/schema.ts';

/** Runs a labelled step's statements in order and logs how long they took. */
export async function timed(
  log: (msg: string) => void,
  label: string,
  db: Kysely<Database>,
  ...queries: RawBuilder<unknown>[]
): Promise<void> {
  const started = performance.now();
  for (const query of queries) await query.execute(db);
  log(`${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

/** What each seeding step is given: the seed's one connection and its timed runner. */
export interface SeedContext {
  db: Kysely<Database>;
  run: (label: string, ...queries: RawBuilder<unknown>[]) => Promise<void>;
}
