import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** What one purge removed. */
export interface PurgeResult {
  conversations: number;
  tickets: number;
  /** False when this run id had already been recorded: the purge did not run again. */
  ran: boolean;
}

/**
 * Deletes trashed items older than their property's retention, for all properties, in small
 * batches (each its own short transaction, skipping rows someone holds) so it never holds
 * long locks, and records the run under `runId` (the scheduled job's id) with its counts.
 * A finished run id is not run twice.
 */
export async function purgeTrash(db: Kysely<Database>, runId: string, options: { batchSize?: number } = {}): Promise<PurgeResult> {
  // A run that crashed half-way (no finished_at) is resumed by its retry; a finished one is not redone.
  const claimed = await db
    .insertInto('purge_runs')
    .values({ job_id: runId })
    .onConflict((oc) =>
      oc
        .column('job_id')
        .doUpdateSet({ started_at: sql`now()` })
        .where('purge_runs.finished_at', 'is', null),
    )
    .returning('id')
    .executeTakeFirst();
  if (!claimed) return { conversations: 0, tickets: 0, ran: false };
  const batchSize = options.batchSize ?? 500;
  const removed = { conversations: 0, tickets: 0 };
  for (const table of ['conversations', 'tickets'] as const) {
    for (;;) {
      const { rows } = await sql<{ n: number }>`
        WITH doomed AS (
          SELECT i.id FROM ${sql.table(table)} i JOIN properties p ON p.id = i.property_id
          WHERE i.trashed_at IS NOT NULL AND i.trashed_at < now() - p.trash_retention_days * interval '1 day'
          LIMIT ${batchSize} FOR UPDATE OF i SKIP LOCKED
        ), deleted AS (DELETE FROM ${sql.table(table)} WHERE id IN (SELECT id FROM doomed) RETURNING 1)
        SELECT count(*)::int AS n FROM deleted`.execute(db);
      const n = rows[0]!.n;
      removed[table] += n;
      if (n < batchSize) break;
    }
  }
  await db
    .updateTable('purge_runs')
    .set({
      finished_at: sql`now()`,
      conversations_removed: sql`conversations_removed + ${removed.conversations}`,
      tickets_removed: sql`tickets_removed + ${removed.tickets}`,
    })
    .where('id', '=', claimed.id)
    .execute();
  return { ...removed, ran: true };
}
