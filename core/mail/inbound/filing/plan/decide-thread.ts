import type { Property } from '../../../../db/schema.ts';
import type { ReplyToken } from '../../../reply-address.ts';
import { senderStanding, type SenderStanding } from '../../../sender-trust.ts';
import type { MailEmail } from './derive.ts';
import { findThread, type ThreadLookup, type ThreadMatch } from './find-thread.ts';
import type { PlannedTicket } from './plan-types.ts';
import { strangerPolicy } from './stranger-policy.ts';

/** Which ticket a mail joins, and what its clues named that it may not join. */
export interface ThreadDecision {
  /** The ticket the mail joins; null: it opens a ticket of its sender's. */
  ticket: PlannedTicket | null;
  /** The ticket its clues named whose contact is not the sender (stranger-policy.ts). */
  stranger: ThreadMatch<PlannedTicket> | null;
  /** The ticket an unauthenticated sender's mail named but may not join: it gets a note, the mail its own ticket. */
  refused: ThreadMatch<PlannedTicket> | null;
  /** A reply address whose token did not verify, and the ticket number it carried. */
  forgedToken: string | null;
  forgedTokenTicket: number | null;
  /** How the sender counted; null when the property's sender-auth is off. */
  trust: SenderStanding | null;
  /** What the email's note says of an unauthenticated sender. */
  marks: string[];
}

/**
 * Threads a mail (findThread) under the sender-auth policy: threading that rests on the From
 * address alone (a reference, the subject tag) counts only for an authenticated sender; a
 * valid reply token still does; a sender whose domain publishes p=reject and whose DMARC
 * failed never joins a ticket. Then the stranger policy.
 */
export function decideThread(
  property: Pick<Property, 'sender_auth_mode' | 'arc_trusted_sealers'>,
  email: MailEmail,
  tokens: ReplyToken[],
  senderContactId: string,
  lookup: ThreadLookup<PlannedTicket>,
): ThreadDecision {
  const mode = property.sender_auth_mode;
  const trust = mode === 'off' ? null : senderStanding(email.row.sender_auth, property);
  const clues = findThread(email.mail, tokens, senderContactId, lookup, !trust || trust.standing === 'verified');
  let match = clues.match;
  let refused: ThreadMatch<PlannedTicket> | null = null;
  if (trust?.standing === 'rejected' && match) [refused, match] = [match, null];
  if (clues.unverified) {
    if (trust?.standing === 'rejected' || mode === 'enforce') refused = clues.unverified;
    else match = clues.unverified;
  }
  const { ticket, stranger } = strangerPolicy(match, senderContactId);
  const marks: string[] = [];
  if (trust && trust.standing !== 'verified' && match && ticket && match.via !== 'reply-token')
    marks.push(`sender not verified (${trust.why}); filed on T${ticket.number} by ${match.via}`);
  else if (trust && trust.standing !== 'verified') marks.push(`sender not verified (${trust.why})`);
  return { ticket, stranger, refused, forgedToken: clues.forgedToken, forgedTokenTicket: clues.forgedTokenTicket, trust, marks };
}

/** The note on the email of a forged reply token. */
export function forgedTokenNote(forgedToken: string): string {
  return `the reply address ${forgedToken} carried a token that does not verify; it was ignored`;
}

/** The system note on the ticket a forged token aimed at, when that is another ticket of the property. */
export function forgedTokenTicketNote(forgedToken: string, fromAddress: string, filedAs: number): string {
  return (
    `An email from ${fromAddress} was sent to ${forgedToken}, a reply address for this ticket whose token does not verify; ` +
    `it was not filed here but as T${filedAs}.`
  );
}

/** The notes of an unauthenticated sender's mail that named a ticket: on the email (filed as `filedAs`), and on that ticket. */
export function refusedNotes(
  refused: ThreadMatch<PlannedTicket>,
  trust: SenderStanding,
  fromAddress: string,
  filedAs: number,
): { emailNote: string; ticketNote: string } {
  return {
    emailNote:
      `it referred to T${refused.ticket.number} (by ${refused.via}) but its sender ${fromAddress} is not verified (${trust.why}), ` +
      `so it was filed as T${filedAs}`,
    ticketNote:
      `An email claiming to be from ${fromAddress}, whose sender could not be verified (${trust.why}), ` +
      `referred to this ticket (by ${refused.via}); it was filed as its own ticket T${filedAs}.`,
  };
}
