import type { Kysely } from 'kysely';
import type { Database, OutboxEmail } from '../db/schema.ts';
import { refreshResponseClocks } from '../responses/response-clock-store.ts';
import { resolveAgent } from '../directory/agents.ts';
import { InvalidStateError, ValidationError } from '../errors.ts';
import { findItem } from '../inbox/find-item.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { transactionThenJobs } from '../jobs/jobs-after-commit.ts';
import { newMessageId, supportAddress } from '../mail/message-id.ts';
import { writeOutboxEmail } from '../mail/outbound/outbox.ts';
import { replyAddress } from '../mail/reply-address.ts';
import { threadReferences } from '../mail/outbound/thread-references.ts';
import { appendMessage } from '../messages/append-message.ts';
import { ticketSubject } from './ticket-subject.ts';
import { getPropertyById } from '../properties/property-store.ts';

/**
 * An agent's email reply on a ticket: the message and its outbox row are written in one
 * transaction, so the reply exists exactly when its email will go; the email carries the
 * thread's headers and the ticket's signed Reply-To.
 */
export async function replyToTicket(
  db: Kysely<Database>,
  jobs: JobQueue,
  propertyId: string,
  ref: string,
  input: { body: string; agent?: string | null },
): Promise<{ outbox: OutboxEmail }> {
  const body = input.body.replace(/\r\n/g, '\n').trim();
  if (!body) throw new ValidationError('the reply is empty');
  if (body.length > 100_000) throw new ValidationError('the reply is longer than 100,000 characters');
  const item = await findItem(db, propertyId, ref);
  if (item.kind !== 'ticket') throw new InvalidStateError(`${item.ref} is a conversation: convert it to a ticket to answer by email`);
  if (item.trashedAt) throw new InvalidStateError(`${item.ref} is in the trash; restore it first`);
  const agent = input.agent ? await resolveAgent(db, propertyId, input.agent) : null;
  // The reply's send job is queued once the transaction has committed.
  return transactionThenJobs(db, jobs, async (trx, jobs) => {
    const ticket = await trx.selectFrom('tickets').selectAll().where('id', '=', item.id).forUpdate().executeTakeFirstOrThrow();
    const property = await getPropertyById(trx, propertyId);
    const contact = await trx.selectFrom('contacts').selectAll().where('id', '=', ticket.contact_id).executeTakeFirstOrThrow();
    const thread = await threadReferences(trx, ticket.id);
    const outbox = await writeOutboxEmail(trx, jobs, {
      propertyId,
      ticketId: ticket.id,
      kind: 'agent_reply',
      messageId: newMessageId(property, `ticket-${ticket.number}`),
      from: supportAddress(property),
      to: contact.email,
      subject: ticketSubject(ticket.number, ticket.subject, true),
      text: agent ? `${body}\n\n${agent.name}\n${property.name}` : `${body}\n\n${property.name}`,
      inReplyTo: thread.inReplyTo,
      references: thread.references,
      replyTo: replyAddress(property, ticket.number),
    });
    await appendMessage(trx, {
      propertyId,
      target: { ticketId: ticket.id },
      sender: 'agent',
      body,
      agentId: agent?.id ?? null,
      authorName: agent?.name ?? null,
      outboxEmailId: outbox!.id,
    });
    await refreshResponseClocks(trx, jobs, [{ kind: 'ticket', id: ticket.id }]);
    return { outbox: outbox! };
  });
}
