// A small reader for the raw MIME structure, used where mailparser's view is not enough:
// the content hash needs the header block byte for byte, and bounce detection needs the
// report parts (message/delivery-status, text/rfc822-headers) that mailparser files under
// attachments, possibly dropped by the attachment size limit. Text is handled as latin1 so
// every byte maps to one character and back; headers are ASCII by standard anyway.

/** One header field: lower-cased name and unfolded value. */
export interface HeaderField {
  name: string;
  value: string;
}

/** A MIME entity: its header fields and its body, still transfer-encoded. */
export interface RawPart {
  headers: HeaderField[];
  body: string;
}

const FIELD_LINE = /^([!-9;-~]+)[ \t]*:(.*)$/;
const MAX_DEPTH = 8;
const MAX_PARTS = 200;

const CR = 0x0d;
const LF = 0x0a;

/**
 * The first empty line in raw bytes at or after `from` (a line break, then CRLF or LF), as
 * /\r?\n\r?\n/ finds it in their text: where the header block ends and the body starts.
 */
export function findBlankLine(raw: Buffer, from = 0): { start: number; end: number } | null {
  for (let lf = raw.indexOf(LF, from); lf !== -1; lf = raw.indexOf(LF, lf + 1)) {
    const next = raw[lf + 1] === LF ? lf + 2 : raw[lf + 1] === CR && raw[lf + 2] === LF ? lf + 3 : -1;
    if (next === -1) continue;
    return { start: lf > from && raw[lf - 1] === CR ? lf - 1 : lf, end: next };
  }
  return null;
}

/**
 * The header block of raw bytes [from, end) as text: what splitHeaderBlock gives for their
 * text, without turning the body into a string (every message is read this way on arrival).
 */
export function rawHeaderBlock(raw: Buffer, from: number, end: number): string {
  const lead = raw.subarray(0, Math.min(raw.length, end));
  return lead.subarray(from, findBlankLine(lead, from)?.start ?? lead.length).toString('latin1');
}

/** Splits raw text at the first empty line into header block and body (either may be empty). */
export function splitHeaderBlock(text: string): { head: string; body: string } {
  const match = /\r?\n\r?\n/.exec(text);
  if (!match) return { head: text, body: '' };
  return { head: text.slice(0, match.index), body: text.slice(match.index + match[0].length) };
}

/**
 * The header fields of a header block, unfolded, in order; lines that are not fields are skipped (firstFieldValue reads one the
 * same way).
 */
export function parseHeaderFields(head: string): HeaderField[] {
  // A field's lines are collected and joined once at the end: appending each folded line to
  // the value so far copies the value every time, and a hostile field of 20,000 folded lines
  // (a few hundred KB) then took seconds per read.
  const fields: { name: string; pieces: string[] }[] = [];
  for (const line of head.split(/\r?\n/)) {
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.pieces.push(line.trim());
      continue;
    }
    const match = FIELD_LINE.exec(line);
    if (match) fields.push({ name: (match[1] ?? '').toLowerCase(), pieces: [(match[2] ?? '').trim()] });
  }
  return fields.map((f) => ({ name: f.name, value: f.pieces.filter((p) => p !== '').join(' ') }));
}

/**
 * headerValue(parseHeaderFields(head), name) for one field (`name` lower-cased), without
 * splitting out every field: the store reads the Message-ID of every message this way. The
 * unfolding rules are parseHeaderFields's (test/core/mail/inbound/content/raw-mime.test.ts holds them equal).
 */
export function firstFieldValue(head: string, name: string): string | null {
  let pieces: string[] | null = null;
  for (let start = 0; start <= head.length;) {
    const lf = head.indexOf('\n', start);
    const end = lf === -1 ? head.length : lf;
    const line = head.slice(start, end > start && head[end - 1] === '\r' && lf !== -1 ? end - 1 : end);
    start = end + 1;
    if (pieces && /^[ \t]/.test(line)) {
      pieces.push(line.trim());
      continue;
    }
    const match = FIELD_LINE.exec(line);
    if (!match) continue;
    // The field after ours ends it.
    if (pieces) break;
    if ((match[1] ?? '').toLowerCase() === name) pieces = [(match[2] ?? '').trim()];
  }
  return pieces && pieces.filter((p) => p !== '').join(' ');
}

/** The first value of a header field, or null. */
export function headerValue(headers: HeaderField[], name: string): string | null {
  return headers.find((h) => h.name === name)?.value ?? null;
}

/** The media type (lower-cased) and parameters (names lower-cased, quotes removed) of a Content-Type. */
export function parseContentType(value: string | null): { type: string; params: Record<string, string> } {
  if (!value) return { type: 'text/plain', params: {} };
  const [type = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const param of rest) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    const name = param.slice(0, eq).trim().toLowerCase();
    params[name] = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { type: type.trim().toLowerCase() || 'text/plain', params };
}

/**
 * Every leaf part of a raw message, depth first. Descends into multipart/* only: an attached
 * message/rfc822 is a leaf, so a forwarded bounce is not mistaken for one addressed to us.
 * A missing closing boundary ends the last part at the end of the input.
 */
export function leafParts(raw: string): RawPart[] {
  const parts: RawPart[] = [];
  const walk = (text: string, depth: number): void => {
    if (parts.length >= MAX_PARTS) return;
    const { head, body } = splitHeaderBlock(text);
    const headers = parseHeaderFields(head);
    const { type, params } = parseContentType(headerValue(headers, 'content-type'));
    const boundary = params.boundary;
    if (!type.startsWith('multipart/') || !boundary || depth >= MAX_DEPTH) {
      parts.push({ headers, body });
      return;
    }
    for (const child of splitMultipart(body, boundary)) walk(child, depth + 1);
  };
  walk(raw, 0);
  return parts;
}

function splitMultipart(body: string, boundary: string): string[] {
  const children: string[] = [];
  const delimiter = `--${boundary}`;
  let current: string[] | null = null;
  for (const line of body.split(/\r?\n/)) {
    if (line.startsWith(delimiter)) {
      const closing = line.slice(delimiter.length).startsWith('--');
      if (current) children.push(current.join('\n'));
      current = closing ? null : [];
      if (closing) break;
      continue;
    }
    current?.push(line);
  }
  if (current) children.push(current.join('\n'));
  return children;
}

/** The body of a part with its Content-Transfer-Encoding undone, as latin1 text. */
export function decodedBody(part: RawPart): string {
  const encoding = (headerValue(part.headers, 'content-transfer-encoding') ?? '').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
  if (encoding === 'quoted-printable') {
    return part.body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return part.body;
}
