import { boundText, textBounds } from '../text/bounded-text.ts';

// The tag of find-thread's subjectTag: `[#` and up to nine digits.
const ticketTag = /\[#\d{1,9}\]/;
const replyPrefixes = /^\s*((re|aw|sv|fw|fwd|r|rif|tr)\s*:\s*)+/i;

/** A subject without any `[#n]` ticket tag (a tag names a ticket; the mail of a ticket carries its own alone). */
export function withoutTicketTags(subject: string): string {
  // Split, not a replace with the blanks around: linear on a stored title of any length.
  return subject
    .split(ticketTag)
    .map((part) => part.trim())
    .filter(Boolean)
    .join(' ');
}

/**
 * The subject of mail on a ticket: its tag, then its subject once, without stacked "Re:"s nor
 * another ticket's tag, within textBounds.subject whatever the stored title (cut at a word).
 */
export function ticketSubject(number: number, subject: string, reply: boolean): string {
  const prefix = `${reply ? 'Re: ' : ''}[#${number}] `;
  const bare = withoutTicketTags(subject.replace(replyPrefixes, '')).replace(replyPrefixes, '').trim();
  return `${prefix}${boundText(bare, textBounds.subject - prefix.length).text}`;
}
