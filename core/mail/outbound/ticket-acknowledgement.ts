import type { Transaction } from 'kysely';
import type { Database, MessageSender, OutboxEmail, Property, Ticket } from '../../db/schema.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { ticketSubject } from '../../tickets/ticket-subject.ts';
import { newMessageId, supportAddress } from '../message-id.ts';
import { trimReferences } from '../inbound/content/message-ids.ts';
import { writeOutboxEmail, type OutboxInput } from './outbox.ts';
import { replyAddress } from '../reply-address.ts';
import { maxReferences } from './thread-references.ts';

/** A line of the transcript an acknowledgement carries. */
export interface TranscriptLine {
  sender: MessageSender;
  author: string | null;
  body: string;
  createdAt: Date;
}

/**
 * Queues the email that tells a visitor a ticket was opened for them: after a missed chat
 * (with its transcript) or after their first email (in reply to it). Automatic mail: at most
 * one per ticket, and the per-recipient window of the outbox applies.
 */
export async function queueTicketAcknowledgement(
  trx: Transaction<Database>,
  jobs: JobQueue,
  property: Property,
  ticket: Ticket,
  visitor: { email: string; name: string | null },
  origin: AcknowledgementOrigin,
): Promise<OutboxEmail | null> {
  return writeOutboxEmail(trx, jobs, ticketAcknowledgement(property, ticket, visitor, origin));
}

/** What a ticket's acknowledgement answers: a chat's transcript, or the visitor's first email. */
export type AcknowledgementOrigin = { transcript: TranscriptLine[] } | { email: { messageId: string | null; references: string[] } };

/** The acknowledgement of a ticket as an outbox email (written by the caller, alone or with others). */
export function ticketAcknowledgement(
  property: Property,
  ticket: Pick<Ticket, 'id' | 'number' | 'subject'>,
  visitor: { email: string; name: string | null },
  origin: AcknowledgementOrigin,
): OutboxInput {
  const hello = `Hello${visitor.name ? ` ${visitor.name}` : ''},`;
  const fromChat = 'transcript' in origin;
  const text = fromChat
    ? [
        hello,
        '',
        `thank you for contacting ${property.name}. We could not answer you right away, so we opened ticket #${ticket.number} for you: ` +
          'we will reply to this address as soon as possible. To add anything, just reply to this email.',
        '',
        '--- Your conversation ---',
        ...origin.transcript.map((m) => {
          const at = m.createdAt.toISOString().slice(0, 16).replace('T', ' ');
          return `[${at} UTC] ${m.sender === 'visitor' ? 'You' : (m.author ?? property.name)}: ${m.body}`;
        }),
      ].join('\n')
    : `${hello}\n\nwe received your email and opened ticket #${ticket.number}; we will answer as soon as possible. ` +
      `To add anything, just reply to this email.\n\n${property.name}`;
  const inReplyTo = fromChat ? null : origin.email.messageId;
  return {
    propertyId: property.id,
    ticketId: ticket.id,
    kind: 'ticket_ack',
    messageId: newMessageId(property, `ticket-${ticket.number}`),
    from: supportAddress(property),
    to: visitor.email,
    subject: ticketSubject(ticket.number, ticket.subject, !fromChat),
    text,
    inReplyTo,
    // Bounded as every reply's: the first email's References are the sender's, of any length.
    references: fromChat
      ? []
      : trimReferences(inReplyTo ? [...origin.email.references, inReplyTo] : origin.email.references, maxReferences),
    replyTo: replyAddress(property, ticket.number),
    automatic: true,
  };
}
