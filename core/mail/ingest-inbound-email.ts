import { sql, type Kysely, type Transaction } from 'kysely';
import { upsertContact } from '../contacts/contacts.ts';
import type { Database, InboundEmail, Property } from '../db/schema.ts';
import { NotVisibleYetError } from '../errors.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { appendMessage } from '../messages/append-message.ts';
import { createTicket } from '../tickets/ticket-store.ts';
import { findThread } from './find-thread.ts';
import { classifyAutomatic } from './inbound/auto-reply.ts';
import { detectBounce } from './inbound/bounce.ts';
import { MailParseError } from './inbound/mail-parse-error.ts';
import { parseEmail, type ParsedEmail } from './inbound/parse-email.ts';
import { mailDomain } from './message-id.ts';
import { queueTicketAcknowledgement } from './ticket-acknowledgement.ts';

/** Limits of inbound processing. */
export interface InboundLimits {
  maxAttachmentBytes: number;
}

/** What became of an inbound email. */
export interface IngestOutcome {
  status: InboundEmail['status'];
  /** False when an earlier run had filed it already: this one changed nothing. */
  filed: boolean;
  ticket: number | null;
  note: string | null;
}

// The stranger policy: a reference or a valid reply token names a ticket, but the sender is
// not that ticket's contact (a forward, a colleague in Cc, someone who guessed nothing but
// got the mail). Their mail never joins the ticket silently: it becomes a new ticket of the
// sender's own, and both tickets get a system note naming the other. A reply token that does
// not verify is ignored as a clue and noted. See test/mail/threading.test.ts.

/**
 * Parses, threads and files one stored inbound email, once: a bounce marks its outbound
 * email and address; anything else joins the ticket it replies to (reopening it) or starts a
 * new ticket of the sender's contact, with an acknowledgement unless the mail was automatic.
 * Mail that cannot be parsed or has no sender is quarantined with its reason.
 */
export async function ingestInboundEmail(db: Kysely<Database>, jobs: JobQueue, inboundEmailId: string, limits: InboundLimits): Promise<IngestOutcome> {
  const row = await db.selectFrom('inbound_emails').selectAll().where('id', '=', inboundEmailId).executeTakeFirst();
  if (!row) throw new NotVisibleYetError(`inbound email ${inboundEmailId} is not visible (yet)`);
  if (row.processed_at) return { status: row.status, filed: false, ticket: null, note: row.reason };
  let mail: ParsedEmail | null = null;
  let parseFailure: string | null = null;
  try {
    mail = await parseEmail(row.raw, limits);
  } catch (error) {
    if (!(error instanceof MailParseError)) throw error;
    parseFailure = error.message;
  }
  const bounce = detectBounce(row.raw);
  return db.transaction().execute(async (trx) => {
    // The raw message is durable already, and a filing lost in a crash is redone from it
    // (reconcile), so this commit need not wait for the disk.
    await sql`SET LOCAL synchronous_commit = off`.execute(trx);
    const locked = await trx.selectFrom('inbound_emails').select(['processed_at', 'status', 'reason']).where('id', '=', row.id).forUpdate().executeTakeFirstOrThrow();
    if (locked.processed_at) return { status: locked.status, filed: false, ticket: null, note: locked.reason };
    const property = await trx.selectFrom('properties').selectAll().where('id', '=', row.property_id).executeTakeFirstOrThrow();
    if (bounce.bounced) return fileBounce(trx, property, row, bounce);
    if (!mail) return quarantine(trx, row.id, `unparseable: ${parseFailure}`);
    if (!mail.from) return quarantine(trx, row.id, 'no usable sender address (From)');
    return fileMail(trx, jobs, property, row, mail, mail.from);
  });
}

async function quarantine(trx: Transaction<Database>, id: string, reason: string): Promise<IngestOutcome> {
  await trx.updateTable('inbound_emails').set({ status: 'quarantined', reason, processed_at: sql`now()` }).where('id', '=', id).execute();
  return { status: 'quarantined', filed: true, ticket: null, note: reason };
}

async function fileBounce(trx: Transaction<Database>, property: Property, row: InboundEmail, bounce: ReturnType<typeof detectBounce>): Promise<IngestOutcome> {
  const reason = bounce.reason ?? 'delivery failed';
  const outbound = bounce.originalMessageId
    ? await trx
        .updateTable('outbox_emails')
        .set({ status: 'bounced', last_error: reason })
        .where('property_id', '=', property.id)
        .where('message_id', '=', bounce.originalMessageId)
        .returning(['ticket_id', 'to_address'])
        .executeTakeFirst()
    : undefined;
  const addresses = [...new Set([...bounce.failedRecipients, ...(outbound ? [outbound.to_address] : [])])];
  if (addresses.length) {
    await trx.updateTable('contacts').set({ bouncing: true }).where('property_id', '=', property.id).where('email', 'in', addresses).execute();
  }
  const ticketId = outbound?.ticket_id ?? null;
  if (ticketId) {
    await appendMessage(trx, { propertyId: property.id, target: { ticketId }, sender: 'system', body: `Email to ${addresses.join(', ')} bounced: ${reason}`, inboundEmailId: row.id });
  }
  await trx
    .updateTable('inbound_emails')
    .set({ status: 'bounce', reason, automatic: true, ticket_id: ticketId, processed_at: sql`now()` })
    .where('id', '=', row.id)
    .execute();
  const number = ticketId ? (await trx.selectFrom('tickets').select('number').where('id', '=', ticketId).executeTakeFirst())?.number ?? null : null;
  return { status: 'bounce', filed: true, ticket: number, note: reason };
}

async function fileMail(
  trx: Transaction<Database>,
  jobs: JobQueue,
  property: Property,
  row: InboundEmail,
  mail: ParsedEmail,
  from: { address: string; name: string | null },
): Promise<IngestOutcome> {
  const verdict = classifyAutomatic(mail.headers, from.address, [mailDomain(property)], mail.messageId, mail.references);
  const contact = await upsertContact(trx, property.id, { email: from.address, name: from.name });
  const clues = await findThread(trx, property, mail, [...row.envelope_to, ...mail.to, ...mail.cc], contact.id);
  const notes: string[] = [];
  if (clues.forgedToken) notes.push(`the reply address ${clues.forgedToken} carried a token that does not verify; it was ignored`);

  let ticket = clues.match && clues.match.ticket.contact_id === contact.id ? clues.match.ticket : null;
  const stranger = clues.match && !ticket ? clues.match : null;
  const isNew = ticket === null;
  if (!ticket) {
    ticket = await createTicket(trx, { propertyId: property.id, subject: mail.subject.trim() || '(no subject)', contact });
  }
  const body = mail.visibleText.trim() || mail.text.trim() || '(no text)';
  await appendMessage(trx, { propertyId: property.id, target: { ticketId: ticket.id }, sender: 'visitor', body, authorName: from.name ?? from.address, inboundEmailId: row.id });
  if (stranger) {
    const original = stranger.ticket;
    notes.push(`it referred to T${original.number} (by ${stranger.via}) but ${from.address} is not that ticket's contact, so it was filed as T${ticket.number}`);
    await appendMessage(trx, {
      propertyId: property.id,
      target: { ticketId: original.id },
      sender: 'system',
      body: `An email from ${from.address}, who is not this ticket's contact, referred to this ticket (by ${stranger.via}); it was filed as its own ticket T${ticket.number}.`,
    });
  }
  if (notes.length) {
    await appendMessage(trx, { propertyId: property.id, target: { ticketId: ticket.id }, sender: 'system', body: `Note on the email above: ${notes.join('; ')}.` });
  }
  if (!isNew && ticket.status !== 'open') {
    // A reply reopens the ticket: it is waiting on us again.
    await trx.updateTable('tickets').set({ status: 'open', status_changed_at: sql`now()` }).where('id', '=', ticket.id).execute();
  }
  for (const a of mail.attachments) {
    await trx
      .insertInto('email_attachments')
      .values({ inbound_email_id: row.id, filename: a.filename, content_type: a.contentType, size: a.size, content: a.content, skipped: a.skipped })
      .execute();
  }
  if (isNew && !verdict.automatic) {
    await queueTicketAcknowledgement(trx, jobs, property, ticket, { email: contact.email, name: from.name ?? contact.name }, {
      email: { messageId: mail.messageId, references: mail.references },
    });
  }
  const note = [verdict.automatic ? `automatic: ${verdict.reason}` : null, ...notes].filter(Boolean).join('; ') || null;
  await trx
    .updateTable('inbound_emails')
    .set({ status: 'threaded', ticket_id: ticket.id, automatic: verdict.automatic, reason: note, from_address: from.address, subject: mail.subject, processed_at: sql`now()` })
    .where('id', '=', row.id)
    .execute();
  return { status: 'threaded', filed: true, ticket: ticket.number, note };
}
