import { normalizeEmail } from '../../../../contacts/contacts.ts';
import type { Property } from '../../../../db/schema.ts';
import { searchWords } from '../../../../inbox/search-text.ts';
import { mailDomain } from '../../../message-id.ts';
import { findReplyTokens, type ReplyToken } from '../../../reply-address.ts';
import { classifyAutomatic, type AutomaticVerdict } from '../../content/auto-reply.ts';
import type { ParsedEmail } from '../../content/parse-email.ts';
import type { ClaimedEmail } from '../filing-types.ts';
import { subjectTag } from './find-thread.ts';

/** A claimed email filed as mail: a parsed message with a sender. */
export type MailEmail = ClaimedEmail & { mail: ParsedEmail & { from: NonNullable<ParsedEmail['from']> } };

/** What planning derives from a (well-formed) email alone: computed once per batch, whatever the passes. */
export interface Derived {
  verdict: AutomaticVerdict;
  /** The sender, normalised as contacts store it. */
  address: string;
  tokens: ReplyToken[];
  body: string;
  bodyWords: string;
}

const derivedCache = new WeakMap<ClaimedEmail, Derived>();

/** What planning derives from an email with a sender (memoised for the email object). */
export function derive(property: Property, email: MailEmail): Derived {
  let d = derivedCache.get(email);
  if (!d) {
    const { mail, row } = email;
    const body = mail.visibleText.trim() || mail.text.trim() || '(no text)';
    d = {
      verdict: classifyAutomatic(mail.headers, mail.from.address, [mailDomain(property)], mail.messageId, mail.references),
      address: normalizeEmail(mail.from.address),
      tokens: findReplyTokens(property, [...row.envelope_to, ...mail.to, ...mail.cc]),
      body,
      bodyWords: searchWords([body]),
    };
    derivedCache.set(email, d);
  }
  return d;
}

/** Filed as mail (not a bounce, not quarantined): the email has a parsed message with a sender. */
export function isMail(email: ClaimedEmail): email is MailEmail {
  return !email.bounce.bounced && Boolean(email.mail?.from);
}

/** The ticket numbers an email names (reply tokens, subject tag), to read those tickets beforehand. */
export function namedTicketNumbers(property: Property, email: ClaimedEmail): number[] {
  if (!isMail(email)) return [];
  const tag = subjectTag(email.mail.subject);
  return [...derive(property, email).tokens.map((t) => t.ticketNumber), ...(tag === null ? [] : [tag])];
}
