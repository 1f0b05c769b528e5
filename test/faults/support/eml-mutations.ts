// The email fuzz corpus: the real .eml fixtures (test/fixtures/eml) and a few generated forms
// of the mail benchmark, each case one fixture with one chosen mutation (sometimes a second
// one on top). Everything is byte-wise: a message is handled as a latin1 string, where each
// character is one byte, so cuts, flips and inserted garbage land exactly where intended and
// the result goes back to bytes unchanged. Cases are derived from (seed, index) alone.
import { readdirSync, readFileSync } from 'node:fs';
import { buildCorpus } from '../../../bench/mail/corpus.ts';
import { caseRng, type Rng } from './seeded-random.ts';

/** One raw message to push through the inbound path, and what was done to it. */
export interface EmlCase {
  index: number;
  /** e.g. "gmail-reply-with-quote.eml: truncate-mid-boundary(at 1734) + nul-bytes(3)" */
  name: string;
  /** The primary mutation: the summary groups by it. */
  kind: MutationKind;
  raw: Buffer;
}

/** A base message: a fixture by file name, or a generated one. */
export interface BaseEmail {
  name: string;
  text: string;
}

type Mutated = { s: string; detail?: string };
type Mutation = (s: string, r: Rng, ctx: MutationContext) => Mutated;

/** What mutations may refer to: the run's other messages and an existing thread to reply to. */
export interface MutationContext {
  index: number;
  seed: number;
  /** A Message-ID some other case uses too (the dedupe path). */
  sharedMessageId: string;
  /** A ticket to reply to: the Message-ID of its acknowledgement and its contact's address. */
  thread?: { messageId: string; contact: string };
}

// ---- byte-level helpers (latin1 strings) ----

const BLANK = /\r?\n\r?\n/;

function headEnd(s: string): number {
  const m = BLANK.exec(s);
  return m ? m.index : s.length;
}

function eolOf(s: string): string {
  return s.includes('\r\n') ? '\r\n' : '\n';
}

/** Every boundary parameter in the message, in order, without duplicates. */
function boundariesIn(s: string): string[] {
  // Up to 4 KB (RFC 2046 allows 70 characters): a boundary an earlier mutation of a pile-up
  // blew up to megabytes would make the regular expressions built from it here too large for
  // V8 (a SyntaxError in the generator, not a finding about Switchboard).
  return [...new Set([...s.matchAll(/boundary\s*=\s*"?([^";\r\n]+)"?/gi)].map((m) => m[1]!.trim()))].filter((b) => b.length <= 4096);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The header block with `name` replaced (all occurrences and their folded lines) by `value`, or added on top. */
function setHeader(s: string, name: string, value: string | null): string {
  const end = headEnd(s);
  const eol = eolOf(s);
  const head = s.slice(0, end);
  const field = new RegExp(`^${escapeRegExp(name)}[ \\t]*:.*(?:\\r?\\n[ \\t].*)*(?:\\r?\\n)?`, 'gim');
  let replaced = false;
  let newHead = head.replace(field, (match) => {
    if (replaced || value === null) return '';
    replaced = true;
    return `${name}: ${value}${/\r?\n$/.test(match) ? eol : ''}`;
  });
  if (!replaced && value !== null) newHead = `${name}: ${value}${eol}${newHead}`;
  return newHead + s.slice(end);
}

function headerOf(s: string, name: string): string | null {
  const m = new RegExp(`^${escapeRegExp(name)}[ \\t]*:(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(s.slice(0, headEnd(s)));
  return m ? m[1]!.trim() : null;
}

function insertAt(s: string, at: number, text: string): string {
  return s.slice(0, at) + text + s.slice(at);
}

function garbage(r: Rng, n: number): string {
  return r.bytes(n).toString('latin1');
}

function words(r: Rng, bytes: number): string {
  const pool = ['order', 'refund', 'Größe', 'café', 'parcel', 'ticket', '[#12]', 'Re:', 'Fwd:', '=?utf-8?q?x?=', 'ünïcødé', '\u00ff'];
  const out: string[] = [];
  let size = 0;
  while (size < bytes) {
    const w = r.pick(pool);
    out.push(w);
    size += w.length + 1;
  }
  return out.join(' ');
}

/** A random position inside a header value (after a colon) of the header block, or in it anywhere. */
function headerPosition(s: string, r: Rng): number {
  const end = headEnd(s);
  const colons = [...s.slice(0, end).matchAll(/:/g)].map((m) => m.index! + 1);
  return colons.length ? r.pick(colons) + r.int(0, 8) : r.int(0, end);
}

function bodyStart(s: string): number {
  const m = BLANK.exec(s);
  return m ? m.index + m[0].length : s.length;
}

const bogusCharsets = [
  'x-unknown-charset',
  'utf-7',
  'utf-16',
  'utf-32le',
  'ebcdic-cp-us',
  'iso-2022-jp',
  'gb18030',
  'koi8-r',
  '',
  '"',
  'utf8"; charset="latin1',
  'x'.repeat(2000),
  'UTF-8\u00ff',
  'us-ascii\u0000',
  'windows-99999',
  '../../etc/passwd',
  'iso-8859-1; format=flowed; delsp=yes; charset=utf-8',
];
const bogusEncodings = [
  'x-uuencode',
  'base64x',
  '7bit8bit',
  'binary',
  '',
  'quoted-printable; junk',
  'BASE64',
  'base-64',
  'x-gzip64',
  'uuencode',
  '8bit\u0000',
];

// ---- the mutations, one per kind ----

const mutations = {
  // Truncation
  'truncate-random': (s, r) => {
    const at = r.int(0, s.length);
    return { s: s.slice(0, at), detail: `at ${at}` };
  },
  'truncate-mid-header': (s, r) => {
    const at = r.int(1, Math.max(1, headEnd(s)));
    return { s: s.slice(0, at), detail: `at ${at}` };
  },
  'truncate-mid-boundary': (s, r): Mutated => {
    const b = boundariesIn(s);
    const hits = b.flatMap((x) =>
      [...s.matchAll(new RegExp(`--${escapeRegExp(x)}`, 'g'))].map((m) => ({ at: m.index!, len: x.length + 4 })),
    );
    if (!hits.length) return mutations['truncate-random'](s, r);
    const hit = r.pick(hits);
    const at = hit.at + r.int(1, hit.len);
    return { s: s.slice(0, at), detail: `at ${at}` };
  },
  'truncate-mid-base64': (s, r): Mutated => {
    const m = [...s.matchAll(/content-transfer-encoding:\s*base64[^\n]*\n(?:[^\r\n].*\r?\n)*\r?\n/gi)];
    if (!m.length) return mutations['truncate-random'](s, r);
    const hit = r.pick(m);
    const start = hit.index! + hit[0].length;
    const at = Math.min(s.length, start + r.int(1, 400));
    return { s: s.slice(0, at), detail: `at ${at}` };
  },
  'truncate-after-headers': (s) => ({ s: s.slice(0, headEnd(s)) }),

  // MIME boundaries
  'boundary-drop-closing': (s) => {
    let out = s;
    for (const b of boundariesIn(s)) out = out.replace(new RegExp(`^--${escapeRegExp(b)}--[ \\t]*\\r?\\n?`, 'gm'), '');
    return { s: out };
  },
  'boundary-mismatch': (s, r) => {
    const b = boundariesIn(s);
    if (!b.length)
      return { s: setHeader(s, 'Content-Type', `multipart/mixed; boundary="nowhere-${r.int(0, 1e6)}"`), detail: 'made multipart' };
    const victim = r.pick(b);
    return { s: s.replace(new RegExp(`boundary\\s*=\\s*"?${escapeRegExp(victim)}"?`, 'i'), `boundary="${victim}X"`), detail: victim };
  },
  'boundary-missing-param': (s) => ({ s: s.replace(/;\s*boundary\s*=\s*"?[^";\r\n]+"?/gi, '') }),
  'boundary-mangle-delimiters': (s, r) => {
    let n = 0;
    const out = s.replace(/^--[^\r\n]+$/gm, (line) => {
      if (!r.chance(0.6)) return line;
      n++;
      return r.pick([
        line.slice(1),
        `${line} trailing`,
        ` ${line}`,
        line.slice(0, -1),
        line.replace(/-/g, '_'),
        `${line}--`,
        line.toUpperCase(),
      ]);
    });
    return { s: out, detail: `${n} lines` };
  },
  'boundary-empty': (s) => ({ s: s.replace(/boundary\s*=\s*"?[^";\r\n]+"?/gi, 'boundary=""') }),
  'boundary-huge': (s, r) => {
    const b = boundariesIn(s)[0];
    const huge = 'b'.repeat(r.int(71, 20_000));
    if (!b) return { s: setHeader(s, 'Content-Type', `multipart/mixed; boundary="${huge}"`) };
    // Only the parameter and the delimiter lines: a short boundary ("w") also occurs in text.
    const line = new RegExp(`^--${escapeRegExp(b)}`, 'gm');
    const param = new RegExp(`boundary\\s*=\\s*"?${escapeRegExp(b)}"?`, 'gi');
    return { s: s.replace(param, `boundary="${huge}"`).replace(line, `--${huge}`), detail: `${huge.length} chars` };
  },

  // Charsets and transfer encodings
  'charset-bogus': (s, r) => {
    const cs = r.pick(bogusCharsets);
    const out = /charset\s*=/i.test(s)
      ? s.replace(/charset\s*=\s*"?[^";\r\n]*"?/gi, `charset="${cs}"`)
      : setHeader(s, 'Content-Type', `text/plain; charset="${cs}"`);
    return { s: out, detail: JSON.stringify(cs.slice(0, 30)) };
  },
  'encoding-bogus': (s, r) => {
    const enc = r.pick(bogusEncodings);
    const out = /content-transfer-encoding\s*:/i.test(s)
      ? s.replace(/(content-transfer-encoding\s*:)[^\r\n]*/gi, `$1 ${enc}`)
      : setHeader(s, 'Content-Transfer-Encoding', enc);
    return { s: out, detail: JSON.stringify(enc) };
  },
  'encoding-base64-not-base64': (s, r) => {
    let out = setHeader(s, 'Content-Transfer-Encoding', 'base64');
    out = out.replace(/(content-transfer-encoding\s*:)[^\r\n]*/gi, '$1 base64');
    const at = bodyStart(out);
    return { s: insertAt(out, at, `${r.pick(['!!!!', '====', 'QUJD=RE', '\u00ff\u00fe', 'a'])}${eolOf(s)}`) };
  },
  'encoding-qp-broken': (s, r) => {
    let out = s.replace(/(content-transfer-encoding\s*:)[^\r\n]*/gi, '$1 quoted-printable');
    if (out === s) out = setHeader(s, 'Content-Transfer-Encoding', 'quoted-printable');
    const start = bodyStart(out);
    for (let i = 0; i < r.int(1, 20); i++)
      out = insertAt(out, r.int(start, out.length), r.pick(['=Z9', '=', '=\r\n=', '=0', '=\n', '=FF=FE', '=00', '=\r']));
    return { s: out };
  },
  'encoded-word-broken': (s, r) => {
    const word = r.pick([
      '=?utf-8?B?!!!?=',
      '=?bogus-charset?Q?caf=E9?=',
      '=?utf-8?X?abc?=',
      '=?utf-8?B?',
      '=?utf-8?Q?=FF=FE=00?=',
      '=??Q?x?=',
      Array.from({ length: 2000 }, () => '=?utf-8?B?w6k=?=').join(' '),
      '=?utf-8*fr?Q?caf=C3=A9?=',
      '=?utf-16?B?2D3eAA==?=',
    ]);
    const field = r.pick(['Subject', 'From', 'To']);
    const current = headerOf(s, field) ?? '';
    const value = field === 'Subject' ? word : `${word} ${current.replace(/^.*?</, '<') || '<someone@example.com>'}`;
    return { s: setHeader(s, field, value), detail: `${field} ${JSON.stringify(word.slice(0, 24))}` };
  },
  'raw-8bit-headers': (s, r) => {
    const bad = r.pick(['\u00ff\u00fe', '\u00c3\u0028', '\u0080\u0081', '\u00e9t\u00e9', '\u00ed\u00a0\u0080', '\u00f0\u0090\u0080']);
    const field = r.pick(['Subject', 'From', 'To', 'Content-Type', 'Content-Disposition']);
    const current = headerOf(s, field) ?? 'x';
    return { s: setHeader(s, field, insertAt(current, r.int(0, current.length), bad)), detail: field };
  },

  // Huge headers
  'huge-subject': (s, r) => {
    const size = r.int(100_000, 220_000);
    const folded = r.chance(0.5);
    let subject = words(r, size);
    if (folded) subject = subject.replace(/(.{70}) /g, `$1${eolOf(s)} `);
    return { s: setHeader(s, 'Subject', subject), detail: `${Math.round(size / 1024)} KB${folded ? ' folded' : ''}` };
  },
  'huge-received': (s, r) => {
    const n = r.int(2_000, 5_000);
    const eol = eolOf(s);
    const lines = Array.from(
      { length: n },
      (_, i) =>
        `Received: from relay${i}.example (relay${i}.example [192.0.2.${i % 255}])${eol}\tby mx${i}.example with ESMTP id ${i}; Tue, 3 Mar 2026 15:22:08 +0000`,
    ).join(eol);
    return { s: `${lines}${eol}${s}`, detail: `${n} lines` };
  },
  'huge-folded-header': (s, r) => {
    const n = r.int(5_000, 20_000);
    const eol = eolOf(s);
    const value = Array.from({ length: n }, (_, i) => `part${i}`).join(`${eol}\t`);
    return { s: setHeader(s, r.pick(['X-Folded', 'Subject', 'References', 'To']), value), detail: `${n} folds` };
  },
  'huge-header-count': (s, r) => {
    const n = r.int(2_000, 10_000);
    const eol = eolOf(s);
    return { s: Array.from({ length: n }, (_, i) => `X-Field-${i}: ${i}`).join(eol) + eol + s, detail: `${n} fields` };
  },
  'huge-line': (s, r) => {
    const size = r.int(100_000, 500_000);
    const inHead = r.chance(0.3);
    const at = inHead ? headerPosition(s, r) : r.int(bodyStart(s), s.length);
    return { s: insertAt(s, at, 'A'.repeat(size)), detail: `${Math.round(size / 1024)} KB ${inHead ? 'in header' : 'in body'}` };
  },
  'huge-address-list': (s, r) => {
    const n = r.int(1_000, 5_000);
    const field = r.pick(['To', 'Cc', 'From', 'Reply-To']);
    return {
      s: setHeader(s, field, Array.from({ length: n }, (_, i) => `"Person ${i}" <p${i}@x${i % 50}.example>`).join(', ')),
      detail: `${field} ${n}`,
    };
  },
  'huge-references': (s, r) => {
    const n = r.int(1_000, 10_000);
    return {
      s: setHeader(
        s,
        r.pick(['References', 'In-Reply-To']),
        Array.from({ length: n }, (_, i) => `<ref${i}.${r.int(0, 1e9)}@x.example>`).join(' '),
      ),
      detail: `${n} ids`,
    };
  },
  'huge-address': (s, r) => {
    const size = r.int(1_000, 100_000);
    const variant = r.pick(['local', 'domain', 'name']);
    // Random letters: a repeated one would compress and slip under Postgres' index row limit.
    const filler = Array.from({ length: size }, () => String.fromCharCode(97 + r.int(0, 25))).join('');
    const addr =
      variant === 'local'
        ? `"Big" <${filler}@example.com>`
        : variant === 'domain'
          ? `<big@${filler}.example>`
          : `"${filler}" <big-name@example.com>`;
    return { s: setHeader(s, 'From', addr), detail: `${variant} ${size}` };
  },
  'huge-message-id': (s, r) => {
    const size = r.int(900, 100_000);
    return { s: setHeader(s, 'Message-ID', `<${'m'.repeat(size)}.${r.int(0, 1e9)}@example.com>`), detail: `${size}` };
  },

  // The bounds of issue 13: fields cut (subject, display name) or left out (ids) with a note.
  'huge-display-name': (s, r) => {
    const size = r.int(101, 150_000);
    const variant = r.pick(['quoted', 'encoded', 'bare']);
    const address = headerOf(s, 'From')?.match(/<[^<>]*>/)?.[0] ?? '<someone@example.com>';
    const name =
      variant === 'encoded'
        ? Array.from(
            { length: Math.ceil(size / 12) },
            () => `=?utf-8?B?${Buffer.from(r.pick(['Größe ', 'café ', 'ünïcødé ', 'Anna '])).toString('base64')}?=`,
          ).join(' ')
        : variant === 'quoted'
          ? `"${words(r, size).replace(/["\\]/g, '')}"`
          : words(r, size).replace(/[<>@,;:"\\()[\]]/g, '');
    return { s: setHeader(s, 'From', `${name} ${address}`), detail: `${variant} ${size}` };
  },
  'message-id-near-bound': (s, r) => {
    // Around the 998 of a header line, in 8-bit octets (two bytes each in Postgres): the id
    // that fits must still fit the unique index's btree row; one past it is no id.
    const length = r.pick([996, 997, 998, 999, 1_000, r.int(1_001, 3_000)]);
    const filler = Array.from({ length: length - '<@x.example>'.length }, () =>
      String.fromCharCode(r.pick([0x41 + r.int(0, 25), 0xc0 + r.int(0, 63)])),
    ).join('');
    return { s: setHeader(s, 'Message-ID', `<${filler}@x.example>`), detail: `${length}` };
  },
  'references-over-bound': (s, r, ctx) => {
    // Many ids, some over-long, 8-bit ones among them; sometimes our thread's id last, which
    // threading must still find after the list was cut.
    const n = r.int(51, 3_000);
    const ids = Array.from({ length: n }, (_, i) =>
      r.chance(0.02) ? `<${'l'.repeat(r.int(999, 4_000))}.${i}@x.example>` : `<r${i}.${r.int(0, 1e9)}\u00e9@x.example>`,
    );
    if (ctx.thread && r.chance(0.5)) ids.push(ctx.thread.messageId);
    const eol = eolOf(s);
    return { s: setHeader(s, 'References', ids.join(`${eol} `)), detail: `${n} ids` };
  },

  // Nesting
  'nested-multipart-deep': (s, r) => {
    const depth = r.int(50, 400);
    const eol = eolOf(s);
    const closed = r.chance(0.7);
    let body = `Content-Type: text/plain${eol}${eol}innermost${eol}`;
    for (let d = depth; d > 0; d--) {
      body = `Content-Type: multipart/mixed; boundary="n${d}"${eol}${eol}--n${d}${eol}${body}${closed ? `--n${d}--${eol}` : ''}`;
    }
    const head = s.slice(0, headEnd(s)).replace(/^content-type:.*(?:\r?\n[ \t].*)*\r?\n?/gim, '');
    return { s: `${head}${head.endsWith('\n') ? '' : eol}${body}`, detail: `${depth} levels${closed ? '' : ' unclosed'}` };
  },
  'nested-multipart-wide': (s, r) => {
    const n = r.int(500, 3_000);
    const eol = eolOf(s);
    const parts = Array.from(
      { length: n },
      (_, i) =>
        `--w${eol}Content-Type: ${r.pick(['text/plain', 'text/html', 'application/octet-stream', 'image/png'])}; name="f${i}"${eol}${eol}part ${i}${eol}`,
    ).join('');
    const head = setHeader(s.slice(0, headEnd(s)) + eol, 'Content-Type', 'multipart/mixed; boundary="w"');
    return { s: `${head}${eol}${parts}--w--${eol}`, detail: `${n} parts` };
  },
  'nested-message-rfc822': (s, r) => {
    const depth = r.int(10, 120);
    const eol = eolOf(s);
    let inner = s;
    for (let d = 0; d < depth; d++) {
      inner = `From: layer${d}@example.com${eol}Subject: Fwd ${d}${eol}Content-Type: multipart/mixed; boundary="r${d}"${eol}${eol}--r${d}${eol}Content-Type: message/rfc822${eol}${eol}${inner}${eol}--r${d}--${eol}`;
    }
    return { s: inner, detail: `${depth} levels` };
  },

  // Binary garbage
  'garbage-only': (_s, r) => {
    const n = r.pick([1, 2, 16, 512, 4096, 65_536, r.int(1, 300_000)]);
    return { s: garbage(r, n), detail: `${n} bytes` };
  },
  'garbage-in-body': (s, r) => {
    const n = r.int(1, 100_000);
    return { s: insertAt(s, r.int(bodyStart(s), s.length), garbage(r, n)), detail: `${n} bytes` };
  },
  'garbage-in-headers': (s, r) => {
    const n = r.int(1, 2_000);
    return { s: insertAt(s, headerPosition(s, r), garbage(r, n)), detail: `${n} bytes` };
  },
  'nul-bytes': (s, r) => {
    let out = s;
    const n = r.int(1, 20);
    for (let i = 0; i < n; i++) out = insertAt(out, r.int(0, out.length), '\u0000');
    return { s: out, detail: `${n}` };
  },
  'nul-in-field': (s, r) => {
    const field = r.pick(['Subject', 'From', 'To', 'Message-ID', 'In-Reply-To', 'Content-Type', 'Content-Disposition', 'Date']);
    const current = headerOf(s, field) ?? (field === 'From' ? 'Nul <nul@example.com>' : 'value');
    return { s: setHeader(s, field, insertAt(current, r.int(0, current.length), '\u0000')), detail: field };
  },
  'nul-in-body-text': (s, r) => {
    // Text parts carry the NUL through decoding into the message body.
    const start = bodyStart(s);
    return { s: insertAt(s, r.int(start, s.length), r.pick(['\u0000', 'a\u0000b', '\u0000\u0000\u0000', '=00'])) };
  },
  'byte-flips': (s, r) => {
    if (!s.length) return { s };
    const chars = s.split('');
    const n = r.int(1, 60);
    for (let i = 0; i < n; i++) {
      const at = r.int(0, chars.length - 1);
      chars[at] = String.fromCharCode(chars[at]!.charCodeAt(0) ^ (1 << r.int(0, 7)));
    }
    return { s: chars.join(''), detail: `${n} bits` };
  },
  'control-chars': (s, r) => {
    let out = s;
    for (let i = 0; i < r.int(1, 30); i++)
      out = insertAt(out, r.int(0, out.length), String.fromCharCode(r.pick([1, 2, 7, 8, 11, 12, 14, 27, 31, 127, 0x85, 0xa0])));
    return { s: out };
  },

  // Identity fields
  'from-missing': (s) => ({ s: setHeader(setHeader(s, 'From', null), 'Sender', null) }),
  'from-duplicate': (s, r) => ({ s: `From: Impostor <impostor${r.int(0, 99)}@evil.example>${eolOf(s)}${s}` }),
  'from-garbage': (s, r) => {
    const value = r.pick([
      '<<<@@>>>',
      '',
      '@',
      'undisclosed-recipients:;',
      'no-at-sign',
      '"unterminated <x@y.z>',
      '<>',
      'a@',
      '@b',
      'a@b@c',
      '=?utf-8?B?PGFAYi5jPg==?=',
      '(comment only)',
      ',,,,',
      'group: ;',
      '"\\"" <\\@x.y>',
    ]);
    return { s: setHeader(s, 'From', value), detail: JSON.stringify(value) };
  },
  'message-id-missing': (s) => ({ s: setHeader(s, 'Message-ID', null) }),
  'message-id-duplicate': (s, r) => ({ s: `Message-ID: <dup-${r.int(0, 1e9)}@example.com>${eolOf(s)}${s}` }),
  'message-id-garbage': (s, r) => {
    const value = r.pick([
      '<>',
      '<@>',
      'no brackets',
      '<a b@c>',
      '<<x@y>>',
      '<x@y',
      'x@y>',
      '<\u00ff@\u00fe>',
      '',
      '<x@y> <z@w>',
      '<\t@\t>',
      '<a@b>'.repeat(1000),
    ]);
    return { s: setHeader(s, 'Message-ID', value), detail: JSON.stringify(value.slice(0, 20)) };
  },
  'message-id-shared': (s, _r, ctx) => ({ s: setHeader(s, 'Message-ID', ctx.sharedMessageId), detail: 'dedupe' }),
  'date-garbage': (s, r) => {
    const value = r.pick([
      '',
      'yesterday',
      'Tue, 99 Foo 99999 99:99:99 +9999',
      '0',
      '-1',
      'Thu, 01 Jan 1970 00:00:00 +0000',
      'Sat, 31 Dec 275760 23:59:59 +0000',
      '\u00ff',
    ]);
    return { s: setHeader(s, 'Date', value), detail: JSON.stringify(value) };
  },

  // Structure
  empty: (_s, r) => {
    const value = r.pick(['', ' ', '\r\n', '\n\n\n', '\r\n\r\n', '\t \r\n', '.', '\r\n.\r\n']);
    return { s: value, detail: JSON.stringify(value) };
  },
  'line-endings': (s, r) => {
    const variant = r.pick(['lf', 'cr', 'mixed', 'crcrlf']);
    const lines = s.split(/\r?\n/);
    const out =
      variant === 'lf'
        ? lines.join('\n')
        : variant === 'cr'
          ? lines.join('\r')
          : variant === 'crcrlf'
            ? lines.join('\r\r\n')
            : lines.map((l) => l + r.pick(['\r\n', '\n', '\r'])).join('');
    return { s: out, detail: variant };
  },
  'body-only': (s) => ({ s: s.slice(bodyStart(s)) }),
  'no-blank-line': (s) => ({ s: s.replace(BLANK, eolOf(s)) }),
  'mbox-from-line': (s) => ({ s: `From someone@example.com Tue Mar  3 15:22:08 2026${eolOf(s)}${s}` }),
  'forged-bounce': (s, r) => {
    const eol = eolOf(s);
    const variant = r.pick(['report-garbled', 'x-failed-garbage', 'report-no-parts', 'report-deep']);
    if (variant === 'x-failed-garbage')
      return {
        s: setHeader(s, 'X-Failed-Recipients', r.pick(['', ',,,', '<>', garbage(r, 40).replace(/[\r\n]/g, ''), 'a@b, c@d, @'])),
        detail: variant,
      };
    const head = setHeader(s.slice(0, headEnd(s)) + eol, 'Content-Type', 'multipart/report; report-type=delivery-status; boundary="rep"');
    const status = [
      'Reporting-MTA: dns; mx.example',
      '',
      `Final-Recipient: rfc822; ${r.pick(['', '<>', 'a@b', garbage(r, 20).replace(/[\r\n]/g, '')])}`,
      `Action: ${r.pick(['failed', 'delayed', ''])}`,
      `Status: ${r.pick(['5.1.1', '5', '9.9.9', ''])}`,
      'Diagnostic-Code: smtp; 550 no',
    ].join(eol);
    if (variant === 'report-no-parts') return { s: `${head}${eol}no parts at all${eol}`, detail: variant };
    const nested =
      variant === 'report-deep'
        ? Array.from({ length: 50 }, (_, i) => `--rep${eol}Content-Type: multipart/mixed; boundary="d${i}"${eol}${eol}`).join('')
        : '';
    return {
      s: `${head}${eol}--rep${eol}Content-Type: text/plain${eol}${eol}bounced${eol}--rep${eol}Content-Type: message/delivery-status${eol}${eol}${status}${eol}${nested}--rep${eol}Content-Type: message/rfc822${eol}${eol}${r.chance(0.5) ? s.slice(0, r.int(0, s.length)) : 'Message-ID: <ticket-1.x@in.fuzz.example>'}${eol}--rep--${eol}`,
      detail: variant,
    };
  },
  'reply-to-ticket': (s, _r, ctx) => {
    if (!ctx.thread) return { s };
    return {
      s: setHeader(
        setHeader(setHeader(s, 'In-Reply-To', ctx.thread.messageId), 'References', ctx.thread.messageId),
        'From',
        `Thread Owner <${ctx.thread.contact}>`,
      ),
      detail: 'threads',
    };
  },
  // The mutations above, 2 to 5 at once.
  pileup: (s, r, ctx): Mutated => {
    const n = r.int(2, 5);
    const names: string[] = [];
    let out = s;
    for (let i = 0; i < n; i++) {
      const kind = r.pick(singleKinds);
      names.push(kind);
      out = (mutations[kind] as Mutation)(out, r, ctx).s;
    }
    return { s: out, detail: names.join('+') };
  },
} satisfies Record<string, Mutation>;

export type MutationKind = keyof typeof mutations;
export const mutationKinds = Object.keys(mutations) as MutationKind[];
const singleKinds = mutationKinds.filter((k) => k !== 'pileup' && k !== 'garbage-only' && k !== 'empty');

// ---- the corpus ----

/** The fixtures of test/fixtures/eml, plus generated forms of the mail benchmark (alternative, attachment, QP latin1, HTML-only). */
export function loadBaseEmails(): BaseEmail[] {
  const dir = new URL('../../fixtures/eml/', import.meta.url);
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => ({ name: f, text: readFileSync(new URL(f, dir)).toString('latin1') }));
  const generated = buildCorpus(12, {
    tag: 'fuzzbase',
    seed: 7,
    targets: [],
    addresses: { support: 'help@in.fuzz.example', supportName: 'Fuzz Support' },
  })
    // The benchmark's attachments are up to 120 KB; a few are enough variety.
    .filter((e, i, all) => all.findIndex((o) => o.kind === e.kind) === i)
    .map((e) => ({ name: `bench:${e.kind}`, text: e.raw.toString('latin1') }));
  return [...fixtures, ...generated];
}

/**
 * Case `index` of a run: a base message with a Message-ID unique to the case (so the dedupe
 * does not swallow the parse and filing of the cases after the first), then its mutation.
 * Kinds go round-robin so each gets its share; a third of the cases get a second mutation.
 */
export function emlCase(bases: BaseEmail[], seed: number, index: number, thread?: MutationContext['thread']): EmlCase {
  const r = caseRng(seed, index);
  const base = r.pick(bases);
  const kind = mutationKinds[index % mutationKinds.length]!;
  const ctx: MutationContext = { index, seed, sharedMessageId: `<shared-${seed}-${index % 7}@fuzz.example>`, thread };
  let s = base.text;
  if (headerOf(s, 'Message-ID') !== null) s = setHeader(s, 'Message-ID', `<fuzz-${seed}-${index}@fuzz.example>`);
  const steps: string[] = [];
  if (thread && r.chance(0.15) && kind !== 'reply-to-ticket') {
    s = mutations['reply-to-ticket'](s, r, ctx).s;
    steps.push('reply-to-ticket');
  }
  const first = (mutations[kind] as Mutation)(s, r, ctx);
  s = first.s;
  steps.push(first.detail ? `${kind}(${first.detail})` : kind);
  if (kind !== 'pileup' && kind !== 'empty' && kind !== 'garbage-only' && r.chance(0.33)) {
    const extra = r.pick(singleKinds);
    const second = (mutations[extra] as Mutation)(s, r, ctx);
    s = second.s;
    steps.push(second.detail ? `${extra}(${second.detail})` : extra);
  }
  const name = `#${index} ${base.name}: ${steps.join(' + ')}`;
  return { index, name: name.length > 300 ? `${name.slice(0, 297)}...` : name, kind, raw: Buffer.from(s, 'latin1') };
}
