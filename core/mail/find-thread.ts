import type { ParsedEmail } from './inbound/parse-email.ts';
import type { ReplyToken } from './reply-address.ts';

/** Where an inbound email points, and by which clue. */
export interface ThreadMatch<T> {
  ticket: T;
  via: 'reference' | 'reply-token' | 'subject-tag';
}

/** What the clues say: the ticket they name (if any), and whether a reply token failed to verify. */
export interface ThreadClues<T> {
  match: ThreadMatch<T> | null;
  forgedToken: string | null;
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
 * nothing and counts only when the sender is that ticket's contact. Deciding what to do
 * when the sender is not the contact of a referenced ticket is the caller's policy. Works on
 * what the caller read beforehand (core/mail/file-inbound-batch.ts reads a batch's at once);
 * `tokens` are findReplyTokens of the email's recipients (envelope, To, Cc).
 */
export function findThread<T extends { contactId: string }>(mail: ParsedEmail, tokens: ReplyToken[], senderContactId: string, lookup: ThreadLookup<T>): ThreadClues<T> {
  const hit = referencedIds(mail).find((id) => lookup.byMessageId(id) !== undefined);
  const referenced = hit ? lookup.byMessageId(hit) : null;
  if (referenced) return { match: { ticket: referenced, via: 'reference' }, forgedToken: null };
  const valid = tokens.find((t) => t.valid);
  if (valid) {
    const ticket = lookup.byNumber(valid.ticketNumber);
    if (ticket) return { match: { ticket, via: 'reply-token' }, forgedToken: null };
  }
  const forgedToken = tokens.find((t) => !t.valid)?.address ?? null;
  const tag = subjectTag(mail.subject);
  if (tag !== null) {
    const ticket = lookup.byNumber(tag);
    if (ticket && ticket.contactId === senderContactId) return { match: { ticket, via: 'subject-tag' }, forgedToken };
  }
  return { match: null, forgedToken };
}
