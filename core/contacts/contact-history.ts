import { type Kysely, sql } from 'kysely';
import type { Contact, Database } from '../db/schema.ts';
import { itemColumns, toInboxItem, type InboxItem, type ItemRow } from '../inbox/inbox-item.ts';
import { findContact } from './contacts.ts';

/** Every conversation and ticket of one contact, oldest first, across channels. */
export async function contactHistory(
  db: Kysely<Database>,
  propertyId: string,
  email: string,
): Promise<{ contact: Contact; items: InboxItem[] }> {
  const contact = await findContact(db, propertyId, email);
  const { rows } = await sql<ItemRow>`
    SELECT * FROM (
      SELECT ${itemColumns('conversation')} FROM conversations i WHERE i.contact_id = ${contact.id} AND i.trashed_at IS NULL
      UNION ALL
      SELECT ${itemColumns('ticket')} FROM tickets i WHERE i.contact_id = ${contact.id} AND i.trashed_at IS NULL
    ) h ORDER BY created_at, kind, id`.execute(db);
  return { contact, items: rows.map(toInboxItem) };
}
