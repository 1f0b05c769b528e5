import { type Kysely, sql } from 'kysely';

// Issue 14: a clock check takes along the other items of its property whose at-risk or due time
// has just come (core/responses/response-alerts.ts). Due times are found through the `due`
// index (property_id, due_at, id); this is the same for the earliest at-risk time.

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['conversations', 'tickets']) {
    await sql`CREATE INDEX ${sql.id(`${table}_at_risk`)} ON ${sql.table(table)} (property_id, at_risk_at) WHERE trashed_at IS NULL AND at_risk_at IS NOT NULL`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['conversations', 'tickets']) await sql`DROP INDEX ${sql.id(`${table}_at_risk`)}`.execute(db);
}
