import { type Kysely, sql } from 'kysely';

// The same message delivered twice is found by its Message-ID, or by its content hash when it
// has none (the two unique indexes of 0004). Hashing every stored message cost the ingress
// about a twentieth of its CPU per email (bench/mail) for a value only the messages without a
// Message-ID use: it is now written for those alone.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE inbound_emails ALTER COLUMN content_hash DROP NOT NULL`.execute(db);
  // NOT VALID: every existing row has its hash, and checking them would scan the table under
  // this migration's exclusive lock. New and updated rows are checked.
  await sql`ALTER TABLE inbound_emails ADD CONSTRAINT inbound_emails_identity CHECK (message_id IS NOT NULL OR content_hash IS NOT NULL) NOT VALID`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE inbound_emails DROP CONSTRAINT inbound_emails_identity`.execute(db);
  // Rows with a Message-ID never use their hash: a plain digest of the raw bytes fills the column.
  await sql`UPDATE inbound_emails SET content_hash = encode(sha256(raw), 'hex') WHERE content_hash IS NULL`.execute(db);
  await sql`ALTER TABLE inbound_emails ALTER COLUMN content_hash SET NOT NULL`.execute(db);
}
