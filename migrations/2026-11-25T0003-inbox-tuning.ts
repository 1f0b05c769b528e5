import { type Kysely, sql } from 'kysely';

// Tuning from bench/inbox at 1M conversations:
// - Updates and status changes never precede creation. Stated as constraints, the inbox may
//   bound an updated/status-changed walk by a created-date range (list-inbox.ts).
// - The created-date index also carries the other sort keys, so a date range listed in
//   another order is answered from the index alone, then sorted.

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['conversations', 'tickets']) {
    const t = sql.raw(table);
    await sql`ALTER TABLE ${t} ADD CONSTRAINT ${sql.raw(`${table}_times_after_creation`)}
      CHECK (updated_at >= created_at AND status_changed_at >= created_at) NOT VALID`.execute(db);
    await sql`ALTER TABLE ${t} VALIDATE CONSTRAINT ${sql.raw(`${table}_times_after_creation`)}`.execute(db);
    await sql`DROP INDEX ${sql.raw(`${table}_inbox_created_at`)}`.execute(db);
    await sql`CREATE INDEX ${sql.raw(`${table}_inbox_created_at`)} ON ${t} (property_id, created_at, id)
      INCLUDE (updated_at, status_changed_at, priority) WHERE trashed_at IS NULL`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['conversations', 'tickets']) {
    const t = sql.raw(table);
    await sql`DROP INDEX ${sql.raw(`${table}_inbox_created_at`)}`.execute(db);
    await sql`CREATE INDEX ${sql.raw(`${table}_inbox_created_at`)} ON ${t} (property_id, created_at, id) WHERE trashed_at IS NULL`.execute(
      db,
    );
    await sql`ALTER TABLE ${t} DROP CONSTRAINT ${sql.raw(`${table}_times_after_creation`)}`.execute(db);
  }
}
