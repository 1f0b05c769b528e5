import { type Kysely, sql } from 'kysely';

// Issue 14: an agent's internal note is a message of the item that the visitor never sees: it
// is not emailed, not posted to the chat, not in a transcript sent out, and not a response
// (core/responses). It is a sender of its own, so every reader that counts or sends agents'
// messages leaves it out without a second column to remember.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE messages DROP CONSTRAINT messages_sender_check`.execute(db);
  await sql`ALTER TABLE messages ADD CONSTRAINT messages_sender_check CHECK (sender IN ('visitor', 'agent', 'system', 'trigger', 'note'))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DELETE FROM messages WHERE sender = 'note'`.execute(db);
  await sql`ALTER TABLE messages DROP CONSTRAINT messages_sender_check`.execute(db);
  await sql`ALTER TABLE messages ADD CONSTRAINT messages_sender_check CHECK (sender IN ('visitor', 'agent', 'system', 'trigger'))`.execute(
    db,
  );
}
