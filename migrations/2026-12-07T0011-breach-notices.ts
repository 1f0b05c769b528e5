import { type Kysely, sql } from 'kysely';

// Issue 14: a breach can be emailed to the assignee or a lead address. It goes through the
// outbox like every email we send (its row is written with the breach, its loop guard applies),
// as a kind of its own.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE outbox_emails DROP CONSTRAINT outbox_emails_kind_check`.execute(db);
  await sql`ALTER TABLE outbox_emails ADD CONSTRAINT outbox_emails_kind_check CHECK (kind IN ('ticket_ack', 'agent_reply', 'breach_notice'))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DELETE FROM outbox_emails WHERE kind = 'breach_notice'`.execute(db);
  await sql`ALTER TABLE outbox_emails DROP CONSTRAINT outbox_emails_kind_check`.execute(db);
  await sql`ALTER TABLE outbox_emails ADD CONSTRAINT outbox_emails_kind_check CHECK (kind IN ('ticket_ack', 'agent_reply'))`.execute(db);
}
