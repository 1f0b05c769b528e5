import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { trimReferences } from '../inbound/content/message-ids.ts';

/** How many ids the References of mail we send carry at most. */
export const maxReferences = 20;

/**
 * The Message-IDs of a ticket's email thread, oldest first: what we sent and what we
 * received. A new message replies to the last and references the chain (bounded, keeping
 * the first and the most recent, as RFC 5322 suggests for long threads).
 */
export async function threadReferences(
  trx: Transaction<Database>,
  ticketId: string,
): Promise<{ inReplyTo: string | null; references: string[] }> {
  const sent = await trx
    .selectFrom('outbox_emails')
    .select(['message_id', 'created_at as at'])
    .where('ticket_id', '=', ticketId)
    .where('status', 'in', ['queued', 'sent'])
    .execute();
  const received = await trx
    .selectFrom('inbound_emails')
    .select(['message_id', 'received_at as at'])
    .where('ticket_id', '=', ticketId)
    .where('message_id', 'is not', null)
    .execute();
  const chain = [...sent, ...received].sort((a, b) => a.at.getTime() - b.at.getTime()).map((r) => r.message_id!);
  const references = trimReferences(chain, maxReferences);
  return { inReplyTo: chain[chain.length - 1] ?? null, references };
}
