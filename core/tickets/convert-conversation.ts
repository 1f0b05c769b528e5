import { sql, type Kysely } from 'kysely';
import { upsertContact } from '../contacts/contacts.ts';
import { lockConversation } from '../chats/chat-lock.ts';
import type { Database, OutboxEmail, Ticket } from '../db/schema.ts';
import { InvalidStateError, NotFoundError, NotVisibleYetError } from '../errors.ts';
import { findItem } from '../inbox/find-item.ts';
import { formatItemRef } from '../inbox/item-ref.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { transactionThenJobs } from '../jobs/jobs-after-commit.ts';
import { queueTicketAcknowledgement } from '../mail/outbound/ticket-acknowledgement.ts';
import { appendMessage } from '../messages/append-message.ts';
import { createTicket } from './ticket-store.ts';
import { refreshResponseClocks } from '../responses/response-clock-store.ts';
import { updateConversation } from '../conversations/conversation-store.ts';

/** The ticket a conversation became, and whether this call made it. */
export interface Conversion {
  ticket: Ticket;
  created: boolean;
}

/**
 * Turns a conversation with a visitor email into a ticket, exactly once however often it is
 * asked (the conversation's lock plus the unique conversation_id of tickets): the contact is
 * found or made, the transcript copied into the ticket, the conversation closed and linked,
 * and the visitor's acknowledgement with the transcript written to the outbox, all in one
 * transaction.
 */
export async function convertConversation(
  db: Kysely<Database>,
  jobs: JobQueue,
  conversationId: string,
  options: { automatic?: boolean } = {},
): Promise<Conversion> {
  // The acknowledgement's send job is queued once the transaction has committed.
  return transactionThenJobs(db, jobs, async (trx, jobs) => {
    const locked = await lockConversation(trx, conversationId).catch((error: unknown) => {
      // The automatic job is queued in the transaction that makes the chat: it may look first.
      if (options.automatic && error instanceof NotFoundError) throw new NotVisibleYetError(error.message);
      throw error;
    });
    const { conversation, property } = locked;
    const ref = formatItemRef('conversation', conversation.id);
    const existing = await trx.selectFrom('tickets').selectAll().where('conversation_id', '=', conversation.id).executeTakeFirst();
    if (existing) return { ticket: existing, created: false };
    if (conversation.trashed_at) throw new InvalidStateError(`${ref} is in the trash; restore it before converting it`);
    if (!conversation.visitor_email) {
      // Queued with the address that the queueing transaction writes: not committed yet.
      if (options.automatic) throw new NotVisibleYetError(`${ref} has no visitor email yet`);
      throw new InvalidStateError(`${ref} has no visitor email, so it cannot become a ticket`);
    }

    const contact = await upsertContact(trx, property.id, { email: conversation.visitor_email, name: conversation.visitor_name });
    const messages = await trx
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversation.id)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const who = contact.name ?? contact.email;
    const subject = conversation.kind === 'offline' ? `Message from ${who}` : `Missed chat from ${who}`;
    const ticket = await createTicket(trx, {
      propertyId: property.id,
      subject,
      contact,
      conversationId: conversation.id,
      departmentId: conversation.department_id,
      agentId: conversation.agent_id,
      priority: conversation.priority,
      tagIds: conversation.tag_ids,
    });
    for (const m of messages) {
      await appendMessage(trx, {
        propertyId: property.id,
        target: { ticketId: ticket.id },
        sender: m.sender,
        body: m.body,
        agentId: m.agent_id,
        authorName: m.author_name,
        createdAt: m.created_at,
      });
    }
    await updateConversation(trx, conversation.id, {
      status: 'closed',
      status_changed_at: sql`now()`,
      updated_at: sql`now()`,
      contact_id: contact.id,
    });
    const acknowledgement = await queueTicketAcknowledgement(trx, jobs, property, ticket, contact, {
      // The visitor gets what was said to them: the team's internal notes stay with the ticket.
      transcript: messages
        .filter((m) => m.sender !== 'note')
        .map((m) => ({ sender: m.sender, author: m.author_name, body: m.body, createdAt: m.created_at })),
    });
    const mailed = mailedNote(acknowledgement, contact.email);
    await appendMessage(trx, {
      propertyId: property.id,
      target: { ticketId: ticket.id },
      sender: 'system',
      body: `Ticket created from ${conversation.kind === 'offline' ? 'offline message' : 'missed chat'} ${ref}; ${mailed}.`,
    });
    // The ticket's clocks count from the chat's start; the closed conversation's stop.
    await refreshResponseClocks(trx, jobs, [
      { kind: 'ticket', id: ticket.id },
      { kind: 'conversation', id: conversation.id },
    ]);
    return { ticket, created: true };
  });
}

/** Converts by public id within a property (the dashboard's and the CLI's action). */
export async function convertItem(db: Kysely<Database>, jobs: JobQueue, propertyId: string, ref: string): Promise<Conversion> {
  const item = await findItem(db, propertyId, ref);
  if (item.kind !== 'conversation') throw new InvalidStateError(`${item.ref} is already a ticket`);
  return convertConversation(db, jobs, item.id);
}

/**
 * What the ticket's note says of its acknowledgement: what happened, not what was hoped. It is
 * queued (a failed send adds its own note, send-outbox-email.ts), or held back by the outbox.
 */
function mailedNote(acknowledgement: Pick<OutboxEmail, 'status' | 'last_error'> | null | undefined, email: string): string {
  if (acknowledgement?.status === 'queued') return `an acknowledgement with the transcript is queued to ${email}`;
  if (acknowledgement) return `no acknowledgement was sent to ${email}: ${acknowledgement.last_error ?? acknowledgement.status}`;
  return 'no acknowledgement was written (the ticket has one already)';
}
