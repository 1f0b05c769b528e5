import { createHash } from 'node:crypto';
import { findBlankLine } from './raw-mime.ts';

// Relays prepend trace fields (Received, Delivered-To, ...) and delivery agents rewrite line
// endings, so the same message fetched over IMAP and received over SMTP differs in exactly
// those bytes. They are removed before hashing; everything the sender wrote is kept. This is
// how a message without a Message-ID is recognised when it is delivered twice.
const TRACE_FIELDS = new Set([
  'received',
  'delivered-to',
  'return-path',
  'x-original-to',
  // Added per hop by receiving servers, like Received.
  'x-received',
  'received-spf',
  'authentication-results',
  'arc-seal',
  'arc-message-signature',
  'arc-authentication-results',
]);
// The header block is looked for in this many leading bytes (mailparser's own header limit).
const HEAD_LIMIT = 1024 * 1024;

/** sha256 (hex) of the raw message without its trace header fields, line endings as LF. */
export function contentHash(raw: Buffer): string {
  const hash = createHash('sha256');
  // The header block is looked for in the leading bytes only; the body is hashed from the
  // buffer as it is, line by line (every message is hashed on arrival: no copy of it into a
  // string and back).
  const lead = raw.subarray(0, HEAD_LIMIT);
  // An mbox envelope line ("From sender date") is added by the delivery agent, not the sender.
  const headStart = lead.subarray(0, 5).toString('latin1') === 'From ' ? lead.indexOf(LF) + 1 : 0;
  const blank = findBlankLine(lead, headStart);
  const headEnd = blank ? blank.start : raw.length <= HEAD_LIMIT ? raw.length : headStart;
  const bodyStart = blank ? blank.end : headEnd;

  // latin1 maps each byte to one character and back, so non-UTF-8 bytes hash unchanged.
  hash.update(Buffer.from(withoutTraceFields(raw.subarray(headStart, headEnd).toString('latin1')), 'latin1'));
  hash.update('\n\n');
  // CRLF → LF: each CR that starts a CRLF is left out. The body goes through as Latin-1 text
  // in chunks, its CRLFs replaced natively: a hash update per line cost three times the
  // hashing itself. A CR that ends a chunk waits for the next one, which may start with LF.
  let carried = '';
  for (let at = bodyStart; at < raw.length; at += BODY_CHUNK) {
    const end = Math.min(raw.length, at + BODY_CHUNK);
    let text = carried + raw.toString('latin1', at, end);
    carried = '';
    if (end < raw.length && text.endsWith('\r')) {
      carried = '\r';
      text = text.slice(0, -1);
    }
    hash.update(text.replaceAll('\r\n', '\n'), 'latin1');
  }
  return hash.digest('hex');
}

const BODY_CHUNK = 64 * 1024;
const LF = 0x0a;

function withoutTraceFields(head: string): string {
  const kept: string[] = [];
  let skipping = false;
  for (const line of head.replace(/\r\n/g, '\n').split('\n')) {
    if (/^[ \t]/.test(line)) {
      if (!skipping) kept.push(line);
      continue;
    }
    const name = line
      .slice(0, Math.max(0, line.indexOf(':')))
      .trim()
      .toLowerCase();
    skipping = TRACE_FIELDS.has(name);
    if (!skipping) kept.push(line);
  }
  return kept.join('\n');
}
