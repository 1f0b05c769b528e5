import type { Property, Ticket } from '../db/schema.ts';
import type { ItemMessage } from '../inbox/item-detail.ts';

/** The text of the email that tells a visitor their chat became a ticket, with the transcript. */
export function ticketAcknowledgement(property: Property, ticket: Ticket, visitorName: string | null, transcript: Pick<ItemMessage, 'sender' | 'author' | 'body' | 'createdAt'>[]) {
  const subject = `[#${ticket.number}] ${ticket.subject}`;
  const lines = [
    `Hello${visitorName ? ` ${visitorName}` : ''},`,
    '',
    `thank you for contacting ${property.name}. We could not answer you right away, so we opened ticket #${ticket.number} for you: we will reply to this address as soon as possible. To add anything, just reply to this email.`,
    '',
    '--- Your conversation ---',
    ...transcript.map((m) => `[${m.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC] ${m.sender === 'visitor' ? 'You' : (m.author ?? property.name)}: ${m.body}`),
  ];
  return { subject, text: lines.join('\n') };
}
