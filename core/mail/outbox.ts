import type { Transaction } from 'kysely';
import type { Database, OutboxEmail } from '../db/schema.ts';

/** An email to write to the outbox. */
export interface OutboxInput {
  propertyId: string;
  ticketId: string | null;
  kind: OutboxEmail['kind'];
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  inReplyTo?: string | null;
  references?: string[];
}

/**
 * Writes an email to the outbox, in the caller's transaction, so it exists exactly when the
 * change that caused it does. A ticket's acknowledgement exists at most once (unique index):
 * a second write returns null and sends nothing.
 */
export async function writeOutboxEmail(trx: Transaction<Database>, input: OutboxInput): Promise<OutboxEmail | null> {
  const row = await trx
    .insertInto('outbox_emails')
    .values({
      property_id: input.propertyId,
      ticket_id: input.ticketId,
      kind: input.kind,
      message_id: input.messageId,
      from_address: input.from,
      to_address: input.to,
      subject: input.subject,
      text_body: input.text,
      html_body: input.html ?? null,
      in_reply_to: input.inReplyTo ?? null,
      references: input.references ?? [],
    })
    .onConflict((oc) => oc.column('ticket_id').where('kind', '=', 'ticket_ack').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}
