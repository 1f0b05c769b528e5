import type { AutomaticVerdict } from '../../content/auto-reply.ts';
import type { MailEmail } from './derive.ts';
import type { BatchContact, PlannedAcknowledgement, PlannedTicket } from './plan-types.ts';

/** A reply reopens the ticket it joins when that is not open: it is waiting on us again. `opened`: the email opened the ticket. */
export function decideReopen(ticket: Pick<PlannedTicket, 'status'>, opened: boolean): boolean {
  return !opened && ticket.status !== 'open';
}

/**
 * The ticket an email opened is acknowledged to its sender, threaded under their email,
 * unless the mail was automatic (an auto-reply answered would answer back). Mail that joins
 * a ticket is not acknowledged.
 */
export function decideAcknowledgement(
  ticket: PlannedTicket,
  opened: boolean,
  verdict: AutomaticVerdict,
  contact: BatchContact,
  contactName: string | null,
  { mail }: MailEmail,
): PlannedAcknowledgement | null {
  if (!opened || verdict.automatic) return null;
  return {
    ticket,
    visitor: { email: contact.email, name: mail.from.name ?? contactName },
    email: { messageId: mail.messageId, references: mail.references },
  };
}
