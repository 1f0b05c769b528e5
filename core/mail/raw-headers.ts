import { createHash } from 'node:crypto';

// Reading a raw message's header block cheaply, before (and without) a full parse: enough to
// de-duplicate at the door. Relays add trace headers on the way, so the content hash skips
// them: the same message delivered twice, by two routes, hashes the same.

const traceHeaders = /^(received|delivered-to|return-path|x-original-to|x-received|arc-[a-z-]+|authentication-results|x-gm-message-state|dkim-signature|x-google-dkim-signature)$/i;

/** The unfolded header lines of a raw message (name, value), in order. */
export function readRawHeaders(raw: Buffer): { name: string; value: string }[] {
  const text = raw.subarray(0, Math.min(raw.length, 256 * 1024)).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end < 0 ? text : text.slice(0, end);
  const headers: { name: string; value: string }[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1]!.value += ` ${line.trim()}`;
    else {
      const colon = line.indexOf(':');
      if (colon > 0) headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
    }
  }
  return headers;
}

/** The message's Message-ID with its angle brackets, or null. */
export function rawMessageId(raw: Buffer): string | null {
  const value = readRawHeaders(raw).find((h) => h.name.toLowerCase() === 'message-id')?.value;
  const match = value ? /<[^<>\s]+>/.exec(value) ?? /^[^<>\s]+@[^<>\s]+$/.exec(value) : null;
  if (!match) return null;
  const id = match[0].startsWith('<') ? match[0] : `<${match[0]}>`;
  return id.length <= 998 ? id : null;
}

/** SHA-256 of the message without the trace headers relays add. */
export function contentHash(raw: Buffer): string {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? '' : text.slice(end);
  const kept = head.split(/\r?\n(?![ \t])/).filter((field) => !traceHeaders.test(field.slice(0, Math.max(0, field.indexOf(':'))).trim()));
  return createHash('sha256').update(kept.join('\n'), 'latin1').update(body.replace(/\r\n/g, '\n'), 'latin1').digest('hex');
}
