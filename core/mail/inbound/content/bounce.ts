import { firstMessageId } from './message-ids.ts';
import {
  decodedBody,
  headerValue,
  leafParts,
  parseContentType,
  parseHeaderFields,
  rawHeaderBlock,
  splitHeaderBlock,
  type RawPart,
} from './raw-mime.ts';
import { boundText, textBounds } from '../../../text/bounded-text.ts';
import { storableText } from './storable-text.ts';

// Bounce detection reads the raw message rather than mailparser's result: mailparser files the
// report parts under attachments (where the size limit may drop them) and parses an attached
// message/rfc822 as a nested mail. Recognised:
// - a delivery status notification (RFC 3464): multipart/report; report-type=delivery-status with
//   a message/delivery-status part (message/global-delivery-status for SMTPUTF8, RFC 6533).
//   A recipient failed when its Action is "failed" or its Status is 5.x.x; a report with only
//   "delayed" or "delivered" recipients is not a bounce.
// - an X-Failed-Recipients header (Exim and others, also on plain-text bounces).
// The original Message-ID comes from the returned message/rfc822 or text/rfc822-headers part;
// failing that, from the first Message-ID line in the body of a non-MIME bounce, which quotes the
// original headers below its explanation (the bounce's own Message-ID is in its header block).

/** What a bounce says: who failed, which of our messages it was, and why. */
export interface BounceReport {
  bounced: boolean;
  /** Lower-cased addresses, in report order, without duplicates. */
  failedRecipients: string[];
  /** Normalised Message-ID of the message that bounced, when the report carries it. */
  originalMessageId: string | null;
  /** The first failed recipient's Diagnostic-Code (or Status), or the X-Failed-Recipients header. */
  reason: string | null;
}

const STATUS_PARTS = new Set(['message/delivery-status', 'message/global-delivery-status']);
const MAYBE_BOUNCE = /multipart\/report|x-failed-recipients/i;
const ORIGINAL_PARTS = new Set(['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers']);

/** Detects a delivery failure report in a raw message and extracts what the outbox needs. */
export function detectBounce(raw: Buffer): BounceReport {
  // Most mail is no report: decide from the top headers before reading (and copying) a body
  // that may be tens of megabytes.
  const head = rawHeaderBlock(raw, 0, 256 * 1024);
  // Neither a report's Content-Type nor the header can be there without these words.
  if (!MAYBE_BOUNCE.test(head)) return notBounced();
  const top = parseHeaderFields(head);
  const { type, params } = parseContentType(headerValue(top, 'content-type'));
  const isReport = type === 'multipart/report' && (params['report-type'] ?? '').toLowerCase() === 'delivery-status';
  const header = top.filter((h) => h.name === 'x-failed-recipients').map((h) => h.value);
  if (!isReport && header.length === 0) return notBounced();
  const text = raw.toString('latin1');
  const parts = type.startsWith('multipart/') ? leafParts(text) : [];

  const failed: string[] = [];
  let reason: string | null = null;
  const statusPart = isReport ? parts.find((p) => STATUS_PARTS.has(partType(p))) : undefined;
  if (statusPart) {
    for (const recipient of recipientFields(decodedBody(statusPart))) {
      const action = (headerValue(recipient, 'action') ?? '').toLowerCase();
      const status = headerValue(recipient, 'status') ?? '';
      if (action !== 'failed' && !/^5\.\d{1,3}\.\d{1,3}/.test(status)) continue;
      const address = addressOf(headerValue(recipient, 'final-recipient') ?? headerValue(recipient, 'original-recipient'));
      if (address) failed.push(address);
      reason ??= diagnostic(headerValue(recipient, 'diagnostic-code')) ?? (status ? `Status: ${status}` : null);
    }
  }
  for (const value of header)
    failed.push(
      ...value
        .split(',')
        .map((a) => addressOf(a))
        .filter((a): a is string => a !== null),
    );
  if (header.length > 0) reason ??= `X-Failed-Recipients: ${header.join(', ')}`;

  // The report is read from raw bytes, where a NUL may sit anywhere; these strings are stored.
  const failedRecipients = [...new Set(failed.map(storableText))];
  const bounced = failedRecipients.length > 0 || (statusPart !== undefined && reason !== null);
  // The reason is a server's words, stored and shown on the ticket: bounded like any outside field (the report stays in the raw mail).
  const shownReason = bounced && reason !== null ? boundText(storableText(reason), textBounds.field).text : null;
  return { bounced, failedRecipients, originalMessageId: bounced ? originalMessageId(text, parts) : null, reason: shownReason };
}

function notBounced(): BounceReport {
  return { bounced: false, failedRecipients: [], originalMessageId: null, reason: null };
}

function partType(part: RawPart): string {
  return parseContentType(headerValue(part.headers, 'content-type')).type;
}

/** The per-recipient field groups of a delivery-status body: the groups after the per-message one. */
function recipientFields(body: string) {
  const groups = body
    .replace(/\r\n/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((group) => parseHeaderFields(group.trim()))
    .filter((fields) => fields.length > 0);
  return groups.filter((fields) =>
    fields.some((f) => f.name === 'final-recipient' || f.name === 'original-recipient' || f.name === 'action'),
  );
}

/** "rfc822; Anna@Example.com" or "<anna@example.com>" → "anna@example.com". */
function addressOf(value: string | null): string | null {
  if (!value) return null;
  const address = value
    .replace(/^[^;@]*;/, '')
    .trim()
    .replace(/^<|>$/g, '')
    .trim()
    .toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(address) ? address : null;
}

/** "smtp; 550 5.1.1 ... User unknown" → "550 5.1.1 ... User unknown". */
function diagnostic(value: string | null): string | null {
  if (!value) return null;
  return value.replace(/^[a-z-]+;\s*/i, '').trim() || null;
}

function originalMessageId(text: string, parts: RawPart[]): string | null {
  for (const part of parts) {
    if (!ORIGINAL_PARTS.has(partType(part))) continue;
    const id = firstMessageId(headerValue(parseHeaderFields(splitHeaderBlock(decodedBody(part)).head), 'message-id'));
    if (id) return id;
  }
  const body = splitHeaderBlock(text).body;
  const line = /^message-id:[ \t]*(.*)$/im.exec(body);
  return firstMessageId(line?.[1]);
}
