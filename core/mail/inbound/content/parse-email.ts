import { simpleParser, type AddressObject, type EmailAddress, type ParsedMail } from 'mailparser';
import { normalizeEmail } from '../../../contacts/contacts.ts';
import { contentHash } from './content-hash.ts';
import { htmlToReadableText } from './html-to-readable-text.ts';
import { MailParseError } from './mail-parse-error.ts';
import { boundText, cutNote, textBounds } from '../../../text/bounded-text.ts';
import { firstMessageId, messageIdBounds, readMessageIds, trimReferences } from './message-ids.ts';
import { rawHeaderBlock } from './raw-mime.ts';
import { storableText } from './storable-text.ts';
import { trimReply } from './trim-reply.ts';

/** An attachment as kept: content is null (and skipped true) when it was over the size limit. */
export interface ParsedAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  content: Buffer | null;
  skipped: boolean;
}

/** What the rest of Switchboard needs from an inbound email: ids, addresses, texts, attachments. */
export interface ParsedEmail {
  /** Normalised `<id@domain>`; null when the message has none (or only an over-long one: see messageIdBounds). */
  messageId: string | null;
  inReplyTo: string | null;
  /** Normalised, oldest first as the sender wrote them; at most messageIdBounds.references (the first and the most recent). */
  references: string[];
  /** Cut to textBounds.subject at a word boundary; the whole header stays in the raw mail and in `headers`. */
  subject: string;
  /** Address lower-cased; null when there is no usable From. The name is cut to textBounds.displayName. */
  from: { address: string; name: string | null } | null;
  to: string[];
  cc: string[];
  replyTo: string | null;
  date: Date | null;
  /** The whole plain text, including quotes and signature (HTML converted when there is no text part). */
  text: string;
  /** The new text only, for display: quotes and signature trimmed by trimReply. */
  visibleText: string;
  /** Header values as sent (unfolded, encoded words not decoded) by lower-cased name; repeated fields joined with "\n". */
  headers: Record<string, string>;
  attachments: ParsedAttachment[];
  /** sha256 hex of the raw bytes without trace headers: equal for one message delivered twice. */
  contentHash: string;
  /** What bounding cut or left out (subject, sender's name, ids), each worded as the note the ticket gets; empty when nothing. */
  cuts: string[];
}

/** Limits applied while parsing. */
export interface ParseLimits {
  /** Attachments larger than this keep their metadata but not their content. */
  maxAttachmentBytes: number;
}

// Fields of which at least one appears in anything that was ever an email. Binary garbage or
// a text file has none of them (with a colon, at the start of a line, before the first blank line).
// Looked for in the header block's text itself (a field's name starts the text or follows a
// LF; a folded line starts with a blank), not in every field split out: mail is read this way
// on every filing.
const HEAD_SCAN_BYTES = 1024 * 1024;
const ENVELOPE_FIELD = /(?:^|\n)(?:from|sender|to|cc|subject|date|message-id|mime-version|received|return-path|delivered-to)[ \t]*:/i;
const FIRST_LINE_FIELD = /^[!-9;-~]+[ \t]*:/;

/** The options parseEmail hands simpleParser (bench/mail times simpleParser with them too). */
export const simpleParserOptions = {
  // Converted below with our own rules (links, quotes, no wrapping).
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true,
  // Report parts are attachments, not text: detectBounce reads them from the raw message.
  keepDeliveryStatus: true,
  checksumAlgo: false,
} as const;

/**
 * Parses a raw email into a ParsedEmail. Throws only MailParseError, for input that is not an
 * email (empty, no header block) or that the MIME parser rejects; a message that is merely
 * broken (no Message-ID, no From, an unclosed multipart) parses with nulls and empty values.
 */
export async function parseEmail(raw: Buffer, limits: ParseLimits): Promise<ParsedEmail> {
  assertLooksLikeEmail(raw);
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, simpleParserOptions);
  } catch (error) {
    throw new MailParseError(`the MIME parser rejected the message: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }

  try {
    return toParsedEmail(raw, mail, limits);
  } catch (error) {
    // Our own reading of a parsed message should not fail; if hostile input makes it, the
    // caller still gets the one error it quarantines on.
    throw new MailParseError(`the message could not be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function toParsedEmail(raw: Buffer, mail: ParsedMail, limits: ParseLimits): ParsedEmail {
  const headers = headerRecord(mail);
  const text = plainText(mail);
  const cuts: string[] = [];
  const subject = boundText(storableText(mail.subject ?? '').trim(), textBounds.subject);
  if (subject.cut) cuts.push(`${cutNote('the subject', subject)} (the whole header is kept in the raw mail)`);
  const from = firstAddress(mail.from);
  if (from?.name) {
    const name = boundText(from.name, textBounds.displayName);
    if (name.cut) cuts.push(cutNote("the sender's name", name));
    from.name = name.text;
  }
  return {
    messageId: boundedMessageId(headers['message-id'], cuts),
    inReplyTo: firstMessageId(headers['in-reply-to']),
    references: boundedReferences(headers.references, cuts),
    subject: subject.text,
    from,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    replyTo: firstAddress(mail.replyTo)?.address ?? null,
    date: mail.date && headers.date !== undefined && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
    text,
    visibleText: trimReply(text),
    headers,
    attachments: mail.attachments.map((a) => {
      const skipped = a.size > limits.maxAttachmentBytes;
      const filename = a.filename === undefined ? null : boundText(storableText(a.filename), textBounds.field);
      if (filename?.cut) cuts.push(cutNote("an attachment's file name", filename));
      // A media type is short (RFC 6838: 127 characters a side); a longer one is noise, cut without a note.
      return {
        filename: filename?.text ?? null,
        contentType: boundText(storableText(a.contentType), textBounds.field).text,
        size: a.size,
        content: skipped ? null : a.content,
        skipped,
      };
    }),
    // Computed when read: filing never needs it (storing hashed the raw message already),
    // and hashing costs as much as a tenth of the parse.
    get contentHash() {
      const value = contentHash(raw);
      Object.defineProperty(this, 'contentHash', { value, enumerable: true });
      return value;
    },
    cuts,
  };
}

/** The message's own id; an over-long one is no id (the store tells the message apart by its content), and the note says so. */
function boundedMessageId(value: string | undefined, cuts: string[]): string | null {
  const id = firstMessageId(value);
  if (id === null) {
    const { overLong, longest } = readMessageIds(value);
    if (overLong > 0)
      cuts.push(
        `its Message-ID was ${longest.toLocaleString('en-US')} characters long ` +
          `(over the ${messageIdBounds.length} of a mail header line) and was ignored: the email is told apart by its content`,
      );
  }
  return id;
}

/** References within the bounds of count and length, with a note when some were left out. */
function boundedReferences(value: string | undefined, cuts: string[]): string[] {
  const { ids, overLong } = readMessageIds(value);
  const references = trimReferences(ids);
  const dropped = ids.length - references.length;
  if (overLong > 0)
    cuts.push(
      `${overLong.toLocaleString('en-US')} of its References ${overLong === 1 ? 'was' : 'were'} ` +
        `over ${messageIdBounds.length} characters long and ignored`,
    );
  if (dropped > 0)
    cuts.push(
      `its References named ${ids.length.toLocaleString('en-US')} emails; the first and the ${references.length - 1} most recent were kept`,
    );
  return references;
}

function assertLooksLikeEmail(raw: Buffer): void {
  // Only the start is read: the header block is at most mailparser's 1 MB limit anyway.
  let start = 0;
  while (start < raw.length && [0x20, 0x09, 0x0d, 0x0a].includes(raw[start] ?? 0)) start++;
  if (start === raw.length) throw new MailParseError('the message is empty');
  const end = start + HEAD_SCAN_BYTES;
  // An mbox envelope line ("From sender date") may come before the header block.
  const envelopeLine = raw.subarray(start, start + 5).toString('latin1') === 'From ' ? raw.indexOf(0x0a, start) : -1;
  const head = rawHeaderBlock(raw, envelopeLine !== -1 && envelopeLine < end ? envelopeLine + 1 : start, end);
  if (head.includes('\u0000')) throw new MailParseError('the message has binary data where its header block should be');
  if (!FIRST_LINE_FIELD.test(head) || !ENVELOPE_FIELD.test(head)) {
    throw new MailParseError('the message has no header block (no From, To, Subject, Date or Message-ID field)');
  }
}

function headerRecord(mail: ParsedMail): Record<string, string> {
  const record: Record<string, string> = {};
  for (const { key, line } of mail.headerLines) {
    if (!key) continue;
    const colon = line.indexOf(':');
    const value = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    const name = storableText(key.toLowerCase());
    record[name] = record[name] === undefined ? storableText(value) : `${record[name]}\n${storableText(value)}`;
  }
  return record;
}

function plainText(mail: ParsedMail): string {
  const text = storableText(mail.text ?? '').replace(/\r\n/g, '\n');
  if (text.trim() !== '') return text.trim();
  return typeof mail.html === 'string' ? htmlToReadableText(storableText(mail.html)) : '';
}

function flatten(field: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  if (!field) return [];
  const objects = Array.isArray(field) ? field : [field];
  // Group syntax ("Team: a@x, b@y;") nests the members.
  return objects.flatMap((o) => o.value).flatMap((a) => (a.group ? a.group : [a]));
}

// RFC 5321 caps a path at 256 octets with its brackets; a longer "address" cannot be answered,
// and would not fit the contacts' unique index either.
const MAX_ADDRESS_LENGTH = 254;

/** The address as contacts store it, or null when it is not one (garbage, "@", a byte flipped into U+FFFD). */
function usableAddress(address: string | undefined): string | null {
  const value = storableText(address ?? '').trim();
  if (value.length === 0 || value.length > MAX_ADDRESS_LENGTH) return null;
  try {
    return normalizeEmail(value);
  } catch {
    return null;
  }
}

function firstAddress(field: AddressObject | AddressObject[] | undefined): { address: string; name: string | null } | null {
  for (const a of flatten(field)) {
    const address = usableAddress(a.address);
    if (address) return { address, name: storableText(a.name).trim() || null };
  }
  return null;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  return flatten(field)
    .map((a) => storableText(a.address?.toLowerCase() ?? ''))
    .filter((a) => a.includes('@'));
}
