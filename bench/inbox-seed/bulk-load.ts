// The seed loads in one transaction, without foreign-key triggers or secondary indexes.
import { sql } from 'kysely';
import type { SeedContext } from './seed-step.ts';

/** A secondary index dropped for the load, with the definition it is rebuilt from. */
export interface DroppedIndex {
  name: string;
  definition: string;
}

/** Session settings for a bulk load; opens its transaction and drops the secondary indexes of the big tables. */
export async function beginBulkLoad({ db }: SeedContext): Promise<DroppedIndex[]> {
  await sql`SET maintenance_work_mem = '1GB'`.execute(db);
  await sql`SET work_mem = '256MB'`.execute(db);
  await sql`SET synchronous_commit = off`.execute(db);
  await sql`BEGIN`.execute(db);
  // Bulk load without per-row foreign-key triggers (the generated references are valid by
  // construction) and without secondary indexes, which are rebuilt afterwards from their own
  // definitions: building an index once is many times faster than growing it row by row.
  await sql`SET LOCAL session_replication_role = replica`.execute(db);
  const { rows: indexes } = await sql<DroppedIndex>`
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i
    WHERE i.indrelid IN ('conversations'::regclass, 'tickets'::regclass, 'messages'::regclass)
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`.execute(db);
  for (const index of indexes) await sql`DROP INDEX ${sql.id(index.name)}`.execute(db);
  return indexes;
}

/** Rebuilds the dropped indexes and commits. */
export async function finishBulkLoad({ db, run }: SeedContext, indexes: DroppedIndex[]): Promise<void> {
  await run(`${indexes.length} indexes`, ...indexes.map((index) => sql.raw(index.definition)));
  await sql`COMMIT`.execute(db);
}
