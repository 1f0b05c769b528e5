import { createHash } from 'node:crypto';

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
// The body is hashed in slices so a 25 MB attachment is never copied whole into a string.
const BODY_SLICE = 1024 * 1024;

/** sha256 (hex) of the raw message without its trace header fields, line endings as LF. */
export function contentHash(raw: Buffer): string {
  const hash = createHash('sha256');
  // latin1 maps each byte to one character and back, so string offsets are byte offsets and
  // non-UTF-8 bytes hash unchanged.
  const lead = raw.subarray(0, HEAD_LIMIT).toString('latin1');
  // An mbox envelope line ("From sender date") is added by the delivery agent, not the sender.
  const headStart = lead.startsWith('From ') ? lead.indexOf('\n') + 1 : 0;
  const blank = /\r?\n\r?\n/.exec(lead.slice(headStart));
  const headEnd = blank ? headStart + blank.index : raw.length <= HEAD_LIMIT ? raw.length : headStart;
  const bodyStart = blank ? headEnd + blank[0].length : headEnd;

  hash.update(Buffer.from(withoutTraceFields(lead.slice(headStart, headEnd)), 'latin1'));
  hash.update('\n\n');
  for (let from = bodyStart; from < raw.length; ) {
    let to = Math.min(raw.length, from + BODY_SLICE);
    // Never split a CRLF between two slices.
    if (to < raw.length && raw[to - 1] === 0x0d) to--;
    hash.update(Buffer.from(raw.subarray(from, to).toString('latin1').replace(/\r\n/g, '\n'), 'latin1'));
    from = to;
  }
  return hash.digest('hex');
}

function withoutTraceFields(head: string): string {
  const kept: string[] = [];
  let skipping = false;
  for (const line of head.replace(/\r\n/g, '\n').split('\n')) {
    if (/^[ \t]/.test(line)) {
      if (!skipping) kept.push(line);
      continue;
    }
    const name = line.slice(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase();
    skipping = TRACE_FIELDS.has(name);
    if (!skipping) kept.push(line);
  }
  return kept.join('\n');
}
