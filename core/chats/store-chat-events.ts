import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { chatIdOf, type ChatEvent } from './chat-event.ts';

/** What storing a request's events did: the new rows to process, and how many were repeats. */
export interface StoredEvents {
  newRowIds: string[];
  duplicates: number;
}

/**
 * Stores events of one property in one transaction, ignoring event ids already stored (the
 * sender's retries). Only after this returns may the sender be told yes.
 */
export async function storeChatEvents(
  db: Kysely<Database>,
  propertyId: string,
  events: ChatEvent[],
  source: 'api' | 'tawk' = 'api',
): Promise<StoredEvents> {
  const rows = await db
    .insertInto('chat_events')
    .values(
      events.map((event) => ({
        property_id: propertyId,
        event_id: event.id,
        type: event.type,
        chat_id: chatIdOf(event),
        occurred_at: event.at,
        payload: JSON.stringify(event),
        source,
      })),
    )
    .onConflict((oc) => oc.columns(['property_id', 'event_id']).doNothing())
    .returning('id')
    .execute();
  return { newRowIds: rows.map((r) => r.id), duplicates: events.length - rows.length };
}

/** True when the property has stored an event with this id (one look-up on the unique index). */
export async function chatEventStored(db: Kysely<Database>, propertyId: string, eventId: string): Promise<boolean> {
  const row = await db
    .selectFrom('chat_events')
    .select('id')
    .where('property_id', '=', propertyId)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  return row !== undefined;
}
