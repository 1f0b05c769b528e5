import { createHash } from 'node:crypto';
import { splitHeaderBlock } from './raw-mime.ts';

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

/** sha256 (hex) of the raw message without its trace header fields, line endings as LF. */
export function contentHash(raw: Buffer): string {
  // latin1 maps each byte to one character and back, so non-UTF-8 bodies hash unchanged.
  let text = raw.toString('latin1').replace(/\r\n/g, '\n');
  // An mbox envelope line ("From sender date") is added by the delivery agent, not the sender.
  if (text.startsWith('From ')) text = text.slice(text.indexOf('\n') + 1);
  const { head, body } = splitHeaderBlock(text);
  const kept: string[] = [];
  let skipping = false;
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line)) {
      if (!skipping) kept.push(line);
      continue;
    }
    const name = line.slice(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase();
    skipping = TRACE_FIELDS.has(name);
    if (!skipping) kept.push(line);
  }
  const normalised = `${kept.join('\n')}\n\n${body}`;
  return createHash('sha256').update(Buffer.from(normalised, 'latin1')).digest('hex');
}
