import { type Kysely, sql } from 'kysely';

// Issue 14: response-time targets in business hours. A property has business hours and
// targets (jsonb, validated by core/hours and core/responses). Each item stores when each of
// its clocks is due, recomputed in the transaction of whatever changed it, and the earliest
// of them (due_at, at_risk_at) for the inbox's filters and its `due` sort; waiting_since is
// when the visitor's unanswered wait began. paused_since and paused_ms are the business time
// an item spent pending or closed (the resolution clock does not run then); a move back to
// open is seen by the next recomputation, whoever made it. response_alerts records
// each at-risk and breach once: its unique key (the item, the clock, the clock's start, the
// kind) is what makes a timer fire exactly once however often its job runs; clocks_checked_at
// is when a check last looked, so reconcile asks again only for times no check has seen.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE properties ADD COLUMN business_hours jsonb, ADD COLUMN response_targets jsonb`.execute(db);
  for (const table of ['conversations', 'tickets']) {
    await sql`ALTER TABLE ${sql.table(table)}
      ADD COLUMN waiting_since timestamptz,
      ADD COLUMN first_due_at timestamptz,
      ADD COLUMN next_due_at timestamptz,
      ADD COLUMN due_at timestamptz,
      ADD COLUMN at_risk_at timestamptz,
      ADD COLUMN paused_since timestamptz,
      ADD COLUMN paused_ms bigint NOT NULL DEFAULT 0,
      ADD COLUMN clocks_checked_at timestamptz`.execute(db);
    // The `due` sort and the --due filters walk this index; items with no clock running are not in it.
    await sql`CREATE INDEX ${sql.id(`${table}_due`)} ON ${sql.table(table)} (property_id, due_at, id) WHERE trashed_at IS NULL AND due_at IS NOT NULL`.execute(
      db,
    );
    await sql`CREATE INDEX ${sql.id(`${table}_waiting`)} ON ${sql.table(table)} (property_id, waiting_since, id) WHERE trashed_at IS NULL AND waiting_since IS NOT NULL`.execute(
      db,
    );
  }
  await sql`ALTER TABLE tickets ADD COLUMN resolution_due_at timestamptz`.execute(db);
  await sql`
    CREATE TABLE response_alerts (
      id bigserial PRIMARY KEY,
      property_id bigint NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
      conversation_id bigint REFERENCES conversations (id) ON DELETE CASCADE,
      ticket_id bigint REFERENCES tickets (id) ON DELETE CASCADE,
      clock text NOT NULL CHECK (clock IN ('first', 'next', 'resolution')),
      kind text NOT NULL CHECK (kind IN ('at_risk', 'breach')),
      started_at timestamptz NOT NULL,
      due_at timestamptz NOT NULL,
      fired_at timestamptz NOT NULL DEFAULT now(),
      agent_id bigint,
      department_id bigint,
      priority int NOT NULL,
      CHECK ((conversation_id IS NULL) <> (ticket_id IS NULL)),
      UNIQUE NULLS NOT DISTINCT (conversation_id, ticket_id, clock, started_at, kind)
    )`.execute(db);
  await sql`CREATE INDEX response_alerts_property ON response_alerts (property_id, fired_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE response_alerts`.execute(db);
  await sql`ALTER TABLE tickets DROP COLUMN resolution_due_at`.execute(db);
  for (const table of ['conversations', 'tickets']) {
    await sql`ALTER TABLE ${sql.table(table)} DROP COLUMN waiting_since, DROP COLUMN first_due_at, DROP COLUMN next_due_at, DROP COLUMN due_at, DROP COLUMN at_risk_at, DROP COLUMN paused_since, DROP COLUMN paused_ms, DROP COLUMN clocks_checked_at`.execute(
      db,
    );
  }
  await sql`ALTER TABLE properties DROP COLUMN business_hours, DROP COLUMN response_targets`.execute(db);
}
