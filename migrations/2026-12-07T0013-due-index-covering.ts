import { type Kysely, sql } from 'kysely';

// Tuning from bench/inbox at 1M conversations (issue 14's due filters and sort): the index of
// items with a running clock also carries the columns the inbox filters and sorts those items
// by, so that a due listing is read from the index alone instead of fetching each row to test
// it. It holds only the open items whose clocks run (tens of thousands, not the million), so
// carrying them is cheap; every carried column is already indexed elsewhere, so no update that
// could be HOT stops being so. Measured before the change: at-risk by due descending fetched
// 36,000 rows to keep 51 (72 ms); open + unassigned + breached in any other order fetched
// 19,000 to sort 10,000 (30-50 ms). An index-only scan needs the rows' pages marked
// all-visible (VACUUM, autovacuum); a page changed since reads the heap as before.

const covering = sql.raw('at_risk_at, waiting_since, status, agent_id, department_id, priority, created_at, updated_at, status_changed_at');

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['conversations', 'tickets']) {
    await sql`DROP INDEX ${sql.id(`${table}_due`)}`.execute(db);
    await sql`CREATE INDEX ${sql.id(`${table}_due`)} ON ${sql.table(table)} (property_id, due_at, id) INCLUDE (${covering})
      WHERE trashed_at IS NULL AND due_at IS NOT NULL`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['conversations', 'tickets']) {
    await sql`DROP INDEX ${sql.id(`${table}_due`)}`.execute(db);
    await sql`CREATE INDEX ${sql.id(`${table}_due`)} ON ${sql.table(table)} (property_id, due_at, id) WHERE trashed_at IS NULL AND due_at IS NOT NULL`.execute(
      db,
    );
  }
}
