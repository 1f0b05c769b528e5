import type { ParsedEmail } from '../../content/parse-email.ts';
import type { ReplyToken } from '../../../reply-address.ts';

/** Where an inbound email points, and by which clue. */
export interface ThreadMatch<T> {
  ticket: T;
  via: 'reference' | 'reply-token' | 'subject-tag';
}

/**
 * What the clues say: the ticket they name (if any), whether a reply token failed to verify
 * (its address and the ticket it aimed at), and, when the sender is not authenticated, the
 * ticket that a reference or subject tag alone would have named (which then does not count
 * as a match: the caller's sender-auth policy decides what it may do).
 */
export interface ThreadClues<T> {
  match: ThreadMatch<T> | null;
  forgedToken: string | null;
  forgedTokenTicket: number | null;
  unverified: ThreadMatch<T> | null;
}

/** What threading may look up: tickets by a Message-ID on them (sent or received; undefined when no ticket has it), by number. */
export interface ThreadLookup<T> {
  byMessageId(messageId: string): T | null | undefined;
  byNumber(ticketNumber: number): T | null | undefined;
}

/** The Message-IDs an email replies to, most recent first (In-Reply-To, then References backwards), at most 50. */
export function referencedIds(mail: ParsedEmail): string[] {
  return [...new Set([mail.inReplyTo, ...[...mail.references].reverse()].filter((v): v is string => Boolean(v)))].slice(0, 50);
}

/** The ticket number of a `[#123]` subject tag. */
export function subjectTag(subject: string): number | null {
  const tag = /\[#(\d{1,9})\]/.exec(subject);
  return tag ? Number(tag[1]) : null;
}

/**
 * Finds the ticket an inbound email replies to, in order of trust: its In-Reply-To and
 * References (a Message-ID we sent or stored on a ticket; the most recent first), then a
 * signed reply token among its recipients, then a `[#123]` subject tag, which alone proves
 * nothing and counts only when the sender is that ticket's contact. References and the tag
 * rest on the From address: when the sender is not authenticated (`fromTrusted` false) they
 * are reported as `unverified` instead of matching, and only a valid token matches. Deciding
 * what to do when the sender is not the contact of a referenced ticket, or is not
 * authenticated, is the caller's policy. Works on
 * what the caller read beforehand (../read-filing-state.ts reads a batch's at once);
 * `tokens` are findReplyTokens of the email's recipients (envelope, To, Cc).
 */
export function findThread<T extends { contactId: string }>(
  mail: ParsedEmail,
  tokens: ReplyToken[],
  senderContactId: string,
  lookup: ThreadLookup<T>,
  fromTrusted = true,
): ThreadClues<T> {
  const forged = tokens.find((t) => !t.valid);
  // A forged token is worth a note unless a stronger clue (a reference, a valid token) matched.
  const clues = (match: ThreadMatch<T> | null, unverified: ThreadMatch<T> | null = null): ThreadClues<T> => {
    const noted = match?.via === 'reference' || match?.via === 'reply-token' ? undefined : forged;
    return { match, forgedToken: noted?.address ?? null, forgedTokenTicket: noted?.ticketNumber ?? null, unverified };
  };
  // References and the subject tag rest on the From address alone; a signed token does not.
  const hit = referencedIds(mail).find((id) => lookup.byMessageId(id) !== undefined);
  const referenced = hit ? lookup.byMessageId(hit) : null;
  const byReference = referenced ? { ticket: referenced, via: 'reference' as const } : null;
  if (byReference && fromTrusted) return clues(byReference);
  const valid = tokens.find((t) => t.valid);
  if (valid) {
    const ticket = lookup.byNumber(valid.ticketNumber);
    if (ticket) return clues({ ticket, via: 'reply-token' });
  }
  const tag = subjectTag(mail.subject);
  const tagged = tag === null ? null : lookup.byNumber(tag);
  const byTag = tagged && tagged.contactId === senderContactId ? { ticket: tagged, via: 'subject-tag' as const } : null;
  if (fromTrusted) return clues(byTag);
  return clues(null, byReference ?? byTag);
}
