import type { ThreadMatch } from './find-thread.ts';
import type { PlannedTicket } from './plan-types.ts';

// The stranger policy: a reference or a valid reply token names a ticket, but the sender is
// not that ticket's contact (a forward, a colleague in Cc, someone who guessed nothing but
// got the mail). Their mail never joins the ticket silently: it becomes a new ticket of the
// sender's own, and both tickets get a system note naming the other. A reply token that does
// not verify is ignored as a clue and noted (decide-thread.ts). See test/core/mail/mail-safety.test.ts.

/** Whether the mail joins the ticket its clues name (its sender is the ticket's contact), or that ticket is a stranger's (`stranger`). */
export function strangerPolicy(
  match: ThreadMatch<PlannedTicket> | null,
  senderContactId: string,
): { ticket: PlannedTicket | null; stranger: ThreadMatch<PlannedTicket> | null } {
  const ticket = match && match.ticket.contactId === senderContactId ? match.ticket : null;
  return { ticket, stranger: match && !ticket ? match : null };
}

/** The notes of a stranger's mail: on the email (filed as its own ticket `filedAs`), and on the ticket it referred to. */
export function strangerNotes(
  stranger: ThreadMatch<PlannedTicket>,
  fromAddress: string,
  filedAs: number,
): { emailNote: string; ticketNote: string } {
  return {
    emailNote:
      `it referred to T${stranger.ticket.number} (by ${stranger.via}) but ${fromAddress} is not that ticket's contact, ` +
      `so it was filed as T${filedAs}`,
    ticketNote:
      `An email from ${fromAddress}, who is not this ticket's contact, referred to this ticket (by ${stranger.via}); ` +
      `it was filed as its own ticket T${filedAs}.`,
  };
}
