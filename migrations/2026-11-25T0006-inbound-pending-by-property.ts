import { type Kysely, sql } from 'kysely';

// The inbound-email job files its own email with other waiting ones of the same property, the
// oldest first (core/mail/file-inbound-batch.ts). This index holds only waiting mail, in that
// order, so taking a batch reads a few index entries however many emails were filed before.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX inbound_emails_waiting ON inbound_emails (property_id, id) WHERE processed_at IS NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX inbound_emails_waiting`.execute(db);
}
