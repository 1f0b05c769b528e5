import { sql, type Transaction } from 'kysely';
import type { Database, OutboxEmail } from '../../db/schema.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';

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
  const recent = input.automatic ? await lockAutomaticRecipients(trx, input.propertyId, [input.to]) : new Set<string>();
  const [row] = await writeOutboxEmails(trx, jobs, [input], recent);
  return row ?? null;
}

/**
 * Serialises automatic mail to these addresses with other writers until the transaction ends
 * (so two concurrent writers cannot both pass the window check), then returns those of them
 * that got an automatic email within the window. Locks are taken in one order (sorted), so
 * two transactions locking several addresses cannot deadlock on them.
 */
export async function lockAutomaticRecipients(trx: Transaction<Database>, propertyId: string, addresses: string[]): Promise<Set<string>> {
  const to = [...new Set(addresses.map((a) => a.toLowerCase()))].sort();
  if (to.length === 0) return new Set();
  const keys = to.map((a) => `auto-mail/${propertyId}/${a}`);
  // unnest yields in array order, so the locks are taken in the sorted order.
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${keys}::text[]) AS k`.execute(trx);
  // A statement of its own: its snapshot must be taken after the locks were granted.
  const recent = await trx
    .selectFrom('outbox_emails')
    .select('to_address')
    .distinct()
    .where('property_id', '=', propertyId)
    .where('to_address', 'in', to)
    .where('automatic', '=', true)
    .where('status', '!=', 'suppressed')
    .where('created_at', '>', sql<Date>`now() - ${automaticEmailWindowMinutes} * interval '1 minute'`)
    .execute();
  return new Set(recent.map((r) => r.to_address));
}

/**
 * Writes several emails to the outbox in one statement, in order, as writeOutboxEmail would one
 * by one: an automatic email is suppressed when its recipient is in `recentlyMailed` (from
 * lockAutomaticRecipients, whose locks the caller holds for every automatic recipient) or got
 * one earlier in the list. Returns each input's row, or null where the ticket had its
 * acknowledgement already (several inputs should then not share a recipient: the one that was
 * not written still counts as sent for the window). Queues the sending of queued rows.
 */
export async function writeOutboxEmails(
  trx: Transaction<Database>,
  jobs: JobQueue,
  inputs: OutboxInput[],
  recentlyMailed: Set<string>,
): Promise<(OutboxEmail | null)[]> {
  if (inputs.length === 0) return [];
  const values = inputs.map((input) => {
    const to = input.to.toLowerCase();
    const suppressed = Boolean(input.automatic) && recentlyMailed.has(to);
    if (input.automatic && !suppressed) recentlyMailed.add(to);
    return {
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
      status: suppressed ? ('suppressed' as const) : ('queued' as const),
      last_error: suppressed ? `an automatic email went to ${to} less than ${automaticEmailWindowMinutes} minutes ago` : null,
    };
  });
  const rows = await trx
    .insertInto('outbox_emails')
    .values(values)
    .onConflict((oc) => oc.column('ticket_id').where('kind', '=', 'ticket_ack').doNothing())
    .returningAll()
    .execute();
  const queued = rows.filter((r) => r.status === 'queued');
  if (queued.length) {
    await jobs.addBulk(queued.map((r) => ({ name: 'send-email' as const, data: { outboxId: r.id } }))).catch(() => {
      // The rows are what matter: with Redis away, an agent's reply is still saved, and
      // reconcile queues the sending of queued rows that have no job.
    });
  }
  const byMessageId = new Map(rows.map((r) => [r.message_id, r]));
  return inputs.map((input) => byMessageId.get(input.messageId) ?? null);
}
