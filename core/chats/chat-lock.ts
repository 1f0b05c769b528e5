import { sql, type Transaction } from 'kysely';
import type { Database, Conversation, Property } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import { getPropertyById } from '../properties/property-store.ts';

/**
 * Locks a conversation row and reads it with its property, for the rest of the transaction.
 * Every writer of a conversation's chat state (events, trigger, inactivity, conversion)
 * goes through this lock, so their checks and updates never interleave.
 */
export async function lockConversation(
  trx: Transaction<Database>,
  conversationId: string,
): Promise<{ conversation: Conversation; property: Property }> {
  const conversation = await trx.selectFrom('conversations').selectAll().where('id', '=', conversationId).forUpdate().executeTakeFirst();
  if (!conversation) throw new NotFoundError(`no conversation ${conversationId}`);
  const property = await getPropertyById(trx, conversation.property_id);
  return { conversation, property };
}

/** Serialises the processing of one chat's events across all workers until the transaction ends. */
export async function lockChat(trx: Transaction<Database>, propertyId: string, chatKey: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${propertyId}/${chatKey}`}, 0))`.execute(trx);
}
