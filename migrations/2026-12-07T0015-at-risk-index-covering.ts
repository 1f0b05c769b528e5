import { type Kysely, sql } from 'kysely';

// Tuning from bench/inbox at 1M conversations: `--due at-risk` in any order but due. At risk is
// a window (at_risk_at <= now < due_at); through the due index Postgres read every clock not
// yet due (52,000 entries) to keep the 11,000 at risk, then sorted them. Through the at-risk
// index it reads only the clocks whose at-risk time has come (at risk or breached), and, as
// the due index does since 0013, from the index alone: it carries the columns the inbox filters
// and sorts by, and the check time a clock check's batch tests (core/responses/response-alerts.ts).
// Every carried column but clocks_checked_at is indexed elsewhere, and that one is written in
// the same update as due_at, so no update that could be HOT stops being so.

const covering = sql.raw(
  'due_at, clocks_checked_at, waiting_since, status, agent_id, department_id, priority, created_at, updated_at, status_changed_at',
);

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['conversations', 'tickets']) {
    await sql`DROP INDEX ${sql.id(`${table}_at_risk`)}`.execute(db);
    await sql`CREATE INDEX ${sql.id(`${table}_at_risk`)} ON ${sql.table(table)} (property_id, at_risk_at, id) INCLUDE (${covering})
      WHERE trashed_at IS NULL AND at_risk_at IS NOT NULL`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['conversations', 'tickets']) {
    await sql`DROP INDEX ${sql.id(`${table}_at_risk`)}`.execute(db);
    await sql`CREATE INDEX ${sql.id(`${table}_at_risk`)} ON ${sql.table(table)} (property_id, at_risk_at) WHERE trashed_at IS NULL AND at_risk_at IS NOT NULL`.execute(
      db,
    );
  }
}
