import type { Transaction } from 'kysely';
import type { Database, Property, Ticket } from '../db/schema.ts';
import type { ParsedEmail } from './inbound/parse-email.ts';
import { findReplyTokens } from './reply-address.ts';

/** Where an inbound email points, and by which clue. */
export interface ThreadMatch {
  ticket: Ticket;
  via: 'reference' | 'reply-token' | 'subject-tag';
}

/** What the clues say: the ticket they name (if any), and whether a reply token failed to verify. */
export interface ThreadClues {
  match: ThreadMatch | null;
  forgedToken: string | null;
}

/**
 * Finds the ticket an inbound email replies to, in order of trust: its In-Reply-To and
 * References (a Message-ID we sent or stored on a ticket; the most recent first), then a
 * signed reply token among its recipients, then a `[#123]` subject tag, which alone proves
 * nothing and counts only when the sender is that ticket's contact. Deciding what to do
 * when the sender is not the contact of a referenced ticket is the caller's policy.
 */
export async function findThread(
  trx: Transaction<Database>,
  property: Property,
  mail: ParsedEmail,
  recipients: string[],
  senderContactId: string,
): Promise<ThreadClues> {
  const ids = [...new Set([mail.inReplyTo, ...[...mail.references].reverse()].filter((v): v is string => Boolean(v)))].slice(0, 50);
  if (ids.length) {
    const sent = await trx.selectFrom('outbox_emails').select(['message_id', 'ticket_id']).where('property_id', '=', property.id).where('message_id', 'in', ids).where('ticket_id', 'is not', null).execute();
    const received = await trx.selectFrom('inbound_emails').select(['message_id', 'ticket_id']).where('property_id', '=', property.id).where('message_id', 'in', ids).where('ticket_id', 'is not', null).execute();
    const byId = new Map([...sent, ...received].map((r) => [r.message_id!, r.ticket_id!]));
    const hit = ids.find((id) => byId.has(id));
    if (hit) {
      const ticket = await trx.selectFrom('tickets').selectAll().where('id', '=', byId.get(hit)!).executeTakeFirst();
      if (ticket) return { match: { ticket, via: 'reference' }, forgedToken: null };
    }
  }
  const tokens = findReplyTokens(property, recipients);
  const valid = tokens.find((t) => t.valid);
  if (valid) {
    const ticket = await trx.selectFrom('tickets').selectAll().where('property_id', '=', property.id).where('number', '=', valid.ticketNumber).executeTakeFirst();
    if (ticket) return { match: { ticket, via: 'reply-token' }, forgedToken: null };
  }
  const forgedToken = tokens.find((t) => !t.valid)?.address ?? null;
  const tag = /\[#(\d{1,9})\]/.exec(mail.subject);
  if (tag) {
    const ticket = await trx.selectFrom('tickets').selectAll().where('property_id', '=', property.id).where('number', '=', Number(tag[1])).executeTakeFirst();
    if (ticket && ticket.contact_id === senderContactId) return { match: { ticket, via: 'subject-tag' }, forgedToken };
  }
  return { match: null, forgedToken };
}
