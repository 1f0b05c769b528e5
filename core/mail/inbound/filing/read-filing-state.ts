import { sql, type Transaction } from 'kysely';
import { upsertContacts } from '../../../contacts/contacts.ts';
import type { Database, Property, Ticket } from '../../../db/schema.ts';
import type { ClaimedEmail } from './filing-types.ts';
import { isMail, namedTicketNumbers } from './plan/derive.ts';
import { referencedIds } from './plan/find-thread.ts';
import type { FilingState } from './plan/plan-types.ts';

/**
 * Reads what the batch's emails refer to, a few statements for all of them: their senders'
 * contacts (upserted), the outbound emails their bounces report (marked bounced), the tickets
 * of the Message-IDs they reply to, and the tickets they may name (locked).
 */
export async function readFilingState(trx: Transaction<Database>, property: Property, claimed: ClaimedEmail[]): Promise<FilingState> {
  const propertyId = property.id;
  const mails = claimed.filter(isMail);
  const contacts = await upsertContacts(
    trx,
    propertyId,
    mails.map(({ mail }) => ({ email: mail.from.address, name: mail.from.name })),
  );

  const bounces = new Map<string, string>();
  for (const c of claimed)
    if (c.bounce.bounced && c.bounce.originalMessageId) bounces.set(c.bounce.originalMessageId, c.bounce.reason ?? 'delivery failed');
  const bouncedOutbound = new Map<string, { ticket_id: string | null; to_address: string }>();
  if (bounces.size) {
    const ids = [...bounces.keys()].sort();
    const { rows } = await sql<{ message_id: string; ticket_id: string | null; to_address: string }>`
      UPDATE outbox_emails o SET status = 'bounced', last_error = v.reason
      FROM unnest(${ids}::text[], ${ids.map((id) => bounces.get(id)!)}::text[]) AS v(message_id, reason)
      WHERE o.property_id = ${propertyId}::bigint AND o.message_id = v.message_id
      RETURNING o.message_id, o.ticket_id, o.to_address`.execute(trx);
    for (const r of rows) bouncedOutbound.set(r.message_id, { ticket_id: r.ticket_id, to_address: r.to_address });
  }

  const referenced = [...new Set(mails.flatMap(({ mail }) => referencedIds(mail)))];
  const ticketByMessageId = new Map<string, string>();
  if (referenced.length) {
    const { rows } = await sql<{ message_id: string; ticket_id: string }>`
      SELECT message_id, ticket_id, 1 AS source FROM outbox_emails
        WHERE property_id = ${propertyId}::bigint AND message_id = ANY(${referenced}::text[]) AND ticket_id IS NOT NULL
      UNION ALL
      SELECT message_id, ticket_id, 2 FROM inbound_emails
        WHERE property_id = ${propertyId}::bigint AND message_id = ANY(${referenced}::text[]) AND ticket_id IS NOT NULL
      ORDER BY source`.execute(trx);
    // What we received wins over what we sent, as in findThread.
    for (const r of rows) ticketByMessageId.set(r.message_id, r.ticket_id);
  }

  const ticketIds = [
    ...new Set([...ticketByMessageId.values(), ...[...bouncedOutbound.values()].flatMap((o) => (o.ticket_id ? [o.ticket_id] : []))]),
  ];
  const numbers = [...new Set(mails.flatMap((email) => namedTicketNumbers(property, email)))];
  // Locked in id order (the batch writes to most of them), so two batches cannot deadlock here.
  const tickets: Ticket[] =
    ticketIds.length || numbers.length
      ? await trx
          .selectFrom('tickets')
          .selectAll()
          .where((eb) =>
            eb.or([
              ...(ticketIds.length ? [eb('id', 'in', ticketIds)] : []),
              ...(numbers.length ? [eb.and([eb('property_id', '=', propertyId), eb('number', 'in', numbers)])] : []),
            ]),
          )
          .orderBy('id')
          .forNoKeyUpdate()
          .execute()
      : [];

  return {
    property,
    ticketByMessageId,
    tickets: new Map(tickets.map((t) => [t.id, t])),
    contacts: new Map([...contacts].map(([email, c]) => [email, { id: c.id, email: c.email, nameBefore: c.name_before }])),
    bouncedOutbound,
  };
}
