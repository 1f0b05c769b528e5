import { sql, type Transaction } from 'kysely';
import type { Database, OutboxEmail } from '../db/schema.ts';
import type { JobQueue } from '../jobs/job-queue.ts';

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
  replyTo?: string | null;
  /** Written by the system, not a person: at most one per recipient per window. */
  automatic?: boolean;
}

/** How long an automatic email to one address holds back the next one. */
export const automaticEmailWindowMinutes = 60;

/**
 * Writes an email to the outbox in the caller's transaction, so it exists exactly when the
 * change that caused it does, and queues its sending (the job re-checks the row). A ticket's
 * acknowledgement exists at most once: a second write returns null. An automatic email to an
 * address that already got one within the window is kept as 'suppressed' and not sent, so two
 * auto-responders cannot keep each other busy.
 */
export async function writeOutboxEmail(trx: Transaction<Database>, jobs: JobQueue, input: OutboxInput): Promise<OutboxEmail | null> {
  const to = input.to.toLowerCase();
  let suppressed = false;
  if (input.automatic) {
    // Serialise automatic mail per recipient so two concurrent writers cannot both pass the check.
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`auto-mail/${input.propertyId}/${to}`}, 0))`.execute(trx);
    const recent = await trx
      .selectFrom('outbox_emails')
      .select('id')
      .where('property_id', '=', input.propertyId)
      .where('to_address', '=', to)
      .where('automatic', '=', true)
      .where('status', '!=', 'suppressed')
      .where('created_at', '>', sql<Date>`now() - ${automaticEmailWindowMinutes} * interval '1 minute'`)
      .executeTakeFirst();
    suppressed = recent !== undefined;
  }
  const row = await trx
    .insertInto('outbox_emails')
    .values({
      property_id: input.propertyId,
      ticket_id: input.ticketId,
      kind: input.kind,
      message_id: input.messageId,
      from_address: input.from,
      to_address: to,
      subject: input.subject,
      text_body: input.text,
      html_body: input.html ?? null,
      in_reply_to: input.inReplyTo ?? null,
      references: input.references ?? [],
      reply_to: input.replyTo ?? null,
      automatic: input.automatic ?? false,
      status: suppressed ? 'suppressed' : 'queued',
      last_error: suppressed ? `an automatic email went to ${to} less than ${automaticEmailWindowMinutes} minutes ago` : null,
    })
    .onConflict((oc) => oc.column('ticket_id').where('kind', '=', 'ticket_ack').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row && row.status === 'queued') {
    await jobs.add('send-email', { outboxId: row.id }).catch(() => {
      // The row is what matters: with Redis away, an agent's reply is still saved, and
      // reconcile queues the sending of queued rows that have no job.
    });
  }
  return row ?? null;
}
