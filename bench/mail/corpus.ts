// The mail benchmark's corpus: raw inbound emails as real clients write them. A share of them
// reply to tickets that exist (by In-Reply-To/References, by the signed reply token, by the
// `[#123]` subject tag), the rest are new mail of many senders. Generated from a seed, so two
// corpora of one size have the same shapes and sizes; every message has its own Message-ID.

/** A ticket the corpus can reply to, with what a client would have received from it. */
export interface ThreadTarget {
  ticketNumber: number;
  subject: string;
  contactEmail: string;
  contactName: string;
  /** The Message-ID of the agent's reply (outbox row). */
  outboxMessageId: string;
  /** The signed Reply-To address of the ticket. */
  replyAddress: string;
  /** The agent's reply text, quoted by the replies. */
  agentText: string;
}

/** What the corpus addresses new mail to. */
export interface CorpusAddresses {
  /** The property's support address (To: of new mail and tag replies). */
  support: string;
  supportName: string;
}

export type EmailKind =
  | 'plain-new'
  | 'html-only-new'
  | 'qp-latin1-new'
  | 'alternative-new'
  | 'attachment-new'
  | 'reply-reference'
  | 'reply-token'
  | 'reply-tag';

/** One raw email, what it is, and (for replies) the ticket it should land on. */
export interface CorpusEmail {
  kind: EmailKind;
  raw: Buffer;
  /** The SMTP envelope recipient (RCPT TO): the reply token for replies to it, else the support address. */
  rcptTo: string;
  envelopeFrom: string;
  expectedTicket: number | null;
}

// Share of each kind, in percent: 35% replies to existing tickets, 65% new mail.
const mix: [EmailKind, number][] = [
  ['plain-new', 20],
  ['html-only-new', 10],
  ['qp-latin1-new', 10],
  ['alternative-new', 15],
  ['attachment-new', 10],
  ['reply-reference', 15],
  ['reply-token', 10],
  ['reply-tag', 10],
];

/** Replies need threads: kinds that name an existing ticket. */
export const replyKinds: ReadonlySet<EmailKind> = new Set(['reply-reference', 'reply-token', 'reply-tag']);

const words = [
  'order', 'refund', 'delivery', 'parcel', 'invoice', 'payment', 'account', 'password', 'shipping', 'address', 'tracking', 'number',
  'still', 'waiting', 'received', 'damaged', 'missing', 'wrong', 'item', 'size', 'colour', 'return', 'exchange', 'warranty', 'courier',
  'please', 'could', 'you', 'check', 'again', 'today', 'yesterday', 'week', 'thanks', 'help', 'the', 'my', 'a', 'is', 'it', 'and', 'was',
  'not', 'with', 'for', 'box', 'lamp', 'charger', 'screen', 'subscription', 'discount', 'coupon', 'receipt', 'customs', 'label', 'store',
];
const firstNames = ['Maria', 'John', 'Anna', 'Luca', 'Sofia', 'David', 'Emma', 'Marco', 'Laura', 'James', 'Giulia', 'Paul', 'Sara', 'Peter', 'Elena', 'Tom', 'Jürgen', 'Chloé', 'Zoë', 'Omar', 'Yuki', 'Inès'];
const lastNames = ['Rossi', 'Smith', 'Müller', 'Bianchi', 'García', 'Brown', 'Ferrari', 'Martin', 'Russo', 'Jones', 'Dubois', 'Novak', 'Weiß', 'Lefèvre'];
const senderDomains = ['gmail.example', 'outlook.example', 'yahoo.example', 'icloud.example', 'gmx.example', 'company.example', 'web.example'];
const latinSentences = [
  'Sehr geehrte Damen und Herren, meine Bestellung ist leider noch nicht angekommen.',
  'Könnten Sie bitte prüfen, wo das Paket gerade ist? Die Sendungsnummer funktioniert nicht.',
  'Die Größe passt nicht, ich möchte den Artikel gerne umtauschen. Grüße aus München.',
  'Bonjour, je n’ai toujours pas reçu ma commande passée la semaine dernière.',
  'Pourriez-vous me rembourser les frais de livraison ? Le colis était abîmé à l’arrivée.',
  'Merci beaucoup pour votre réponse rapide, très appréciée. À bientôt.',
  'Hola, el pedido llegó incompleto: falta el cargador. ¿Qué puedo hacer?',
].map((s) => s.replace(/[’]/g, "'"));

/** A small deterministic PRNG (mulberry32), so corpora are reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds `count` raw emails. `tag` makes the Message-IDs of this corpus unique (use one per
 * corpus), `seed` decides shapes and sizes (use the same one for comparable corpora).
 */
export function buildCorpus(count: number, options: { tag: string; seed: number; targets: ThreadTarget[]; addresses: CorpusAddresses; senders?: number }): CorpusEmail[] {
  const rnd = random(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const sentence = () => {
    const n = int(6, 16);
    const s = Array.from({ length: n }, () => pick(words)).join(' ');
    return `${s[0]!.toUpperCase()}${s.slice(1)}${pick(['.', '.', '.', '?', '!'])}`;
  };
  const paragraph = (sentences: number) => Array.from({ length: sentences }, sentence).join(' ');
  const paragraphs = (n: number) => Array.from({ length: n }, () => paragraph(int(2, 5)));
  const senderCount = options.senders ?? 400;
  const sender = () => {
    const k = int(0, senderCount - 1);
    const first = firstNames[k % firstNames.length]!;
    const last = lastNames[Math.floor(k / firstNames.length) % lastNames.length]!;
    const local = `${ascii(first)}.${ascii(last)}${k}`.toLowerCase();
    return { name: `${first} ${last}`, address: `${local}@${senderDomains[k % senderDomains.length]}` };
  };
  const total = mix.reduce((a, [, w]) => a + w, 0);
  const kindAt = () => {
    let r = rnd() * total;
    for (const [kind, weight] of mix) {
      r -= weight;
      if (r < 0) return kind;
    }
    return mix[0]![0];
  };

  const emails: CorpusEmail[] = [];
  for (let i = 0; i < count; i++) {
    let kind = kindAt();
    if (replyKinds.has(kind) && options.targets.length === 0) kind = 'plain-new';
    const id = `${options.tag}.${i}.${Math.floor(rnd() * 1e9).toString(36)}`;
    const date = new Date(Date.UTC(2025, 2, 1) + i * 37_000).toUTCString().replace('GMT', '+0000');
    const ctx: Ctx = { id, date, rnd, pick, int, paragraphs, sentence, addresses: options.addresses };
    if (replyKinds.has(kind)) {
      const target = options.targets[i % options.targets.length]!;
      const rcptTo = kind === 'reply-tag' ? options.addresses.support : target.replyAddress;
      emails.push({ kind, raw: Buffer.from(replyEmail(kind, target, ctx), 'latin1'), rcptTo, envelopeFrom: target.contactEmail, expectedTicket: target.ticketNumber });
    } else {
      const from = sender();
      emails.push({ kind, raw: Buffer.from(newEmail(kind, from, ctx), 'latin1'), rcptTo: options.addresses.support, envelopeFrom: from.address, expectedTicket: null });
    }
  }
  return emails;
}

interface Ctx {
  id: string;
  date: string;
  rnd: () => number;
  pick: <T>(list: readonly T[]) => T;
  int: (min: number, max: number) => number;
  paragraphs: (n: number) => string[];
  sentence: () => string;
  addresses: CorpusAddresses;
}

function ascii(s: string): string {
  return [...s.replace(/ß/g, 'ss').normalize('NFD')].filter((ch) => ch === '\t' || ch === '\n' || (ch >= ' ' && ch <= '~')).join('');
}

/** A header value with non-ASCII text as one RFC 2047 encoded word (UTF-8, base64). */
function encodeWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** A display name and address as a From/To value. */
function mailbox(name: string, address: string): string {
  return `${/^[\x20-\x7e]*$/.test(name) ? `"${name}"` : encodeWord(name)} <${address}>`;
}

/** UTF-8 text as a latin1 string of its bytes (the corpus is assembled byte-wise). */
function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Quoted-printable of the given bytes (a latin1 string), soft line breaks at 76. */
function quotedPrintable(bytes: string): string {
  const out: string[] = [];
  for (const line of bytes.split('\n')) {
    let encoded = '';
    let width = 0;
    for (let i = 0; i < line.length; i++) {
      const code = line.charCodeAt(i);
      const last = i === line.length - 1;
      const piece = code === 61 || code > 126 || (code < 32 && code !== 9) || (last && (code === 32 || code === 9)) ? `=${code.toString(16).toUpperCase().padStart(2, '0')}` : line[i]!;
      if (width + piece.length > 75) {
        encoded += '=\r\n';
        width = 0;
      }
      encoded += piece;
      width += piece.length;
    }
    out.push(encoded);
  }
  return out.join('\r\n');
}

function base64Lines(data: Buffer): string {
  return data.toString('base64').replace(/.{76}/g, '$&\r\n');
}

function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function toHtml(paras: string[], extra = ''): string {
  return `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>p{margin:0 0 1em}</style></head><body><div dir="ltr">${paras
    .map((p) => `<p>${htmlEscape(p)}</p>`)
    .join('\n')}${extra}</div></body></html>`;
}

/** Pseudo-random bytes that look like a compressed file (an attachment's content). */
function fileBytes(size: number, rnd: () => number, magic: string): Buffer {
  const data = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4) data.writeUInt32LE(Math.floor(rnd() * 4294967296), Math.min(i, size - 4));
  data.write(magic, 0, 'latin1');
  return data;
}

function newEmail(kind: EmailKind, from: { name: string; address: string }, c: Ctx): string {
  const subjectWords = c.sentence().replace(/[.?!]$/, '').split(' ').slice(0, c.int(3, 7)).join(' ');
  const subject = kind === 'qp-latin1-new' ? c.pick(['Lieferung verspätet', 'Größe ändern', 'Problème de livraison', 'Rückerstattung für Bestellung']) : subjectWords;
  const head = [
    `Return-Path: <${from.address}>`,
    `Received: from mx.${from.address.split('@')[1]} (mx [192.0.2.${c.int(1, 254)}]) by mx.bench.example with ESMTPS id ${c.id}; ${c.date}`,
    `From: ${mailbox(from.name, from.address)}`,
    `To: ${mailbox(c.addresses.supportName, c.addresses.support)}`,
    kind === 'qp-latin1-new' ? `Subject: =?ISO-8859-1?Q?${Buffer.from(subject, 'latin1').toString('latin1').replace(/[^A-Za-z0-9]/g, (ch) => (ch === ' ' ? '_' : `=${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`))}?=` : `Subject: ${encodeWord(subject)}`,
    `Date: ${c.date}`,
    `Message-ID: <${c.id}@${from.address.split('@')[1]}>`,
    'MIME-Version: 1.0',
  ];
  const paras = c.paragraphs(c.int(1, 5));
  const signature = `-- \n${from.name}\n${c.int(10, 99)} ${c.pick(['Main Street', 'Via Roma', 'Hauptstraße', 'Rue de la Paix'])}`;
  const text = `Hello,\n\n${paras.join('\n\n')}\n\nThanks,\n${from.name}\n\n${signature}\n`;
  switch (kind) {
    case 'plain-new':
      return [...head, 'Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit', '', crlf(utf8Bytes(text))].join('\r\n');
    case 'html-only-new': {
      const table = `<table border="1"><tr><th>Order</th><th>Item</th><th>Qty</th></tr>${Array.from({ length: c.int(1, 6) }, (_, i) => `<tr><td>#${c.int(10000, 99999)}</td><td>${c.pick(words)} ${c.pick(words)}</td><td>${i + 1}</td></tr>`).join('')}</table>`;
      const html = toHtml(paras, `${table}<p>See <a href="https://shop.example/orders/${c.int(1, 99999)}">my order</a>.</p><p>${htmlEscape(from.name)}</p>`);
      return [...head, 'Content-Type: text/html; charset=UTF-8', 'Content-Transfer-Encoding: quoted-printable', '', quotedPrintable(utf8Bytes(html))].join('\r\n');
    }
    case 'qp-latin1-new': {
      const body = `${Array.from({ length: c.int(2, 6) }, () => c.pick(latinSentences)).join('\n')}\n\n${paras[0]}\n\nMit freundlichen Grüßen\n${from.name}\n`;
      return [...head, 'Content-Type: text/plain; charset=ISO-8859-1', 'Content-Transfer-Encoding: quoted-printable', '', quotedPrintable(Buffer.from(body, 'latin1').toString('latin1'))].join('\r\n');
    }
    case 'alternative-new': {
      const boundary = `alt-${c.id}`;
      return [
        ...head,
        `Content-Type: multipart/alternative; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        quotedPrintable(utf8Bytes(text)),
        `--${boundary}`,
        'Content-Type: text/html; charset=UTF-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        quotedPrintable(utf8Bytes(toHtml([`Hello,`, ...paras, `Thanks, ${from.name}`]))),
        `--${boundary}--`,
        '',
      ].join('\r\n');
    }
    case 'attachment-new': {
      const boundary = `mixed-${c.id}`;
      const isImage = c.rnd() < 0.5;
      const size = c.int(8, 120) * 1024;
      const file = fileBytes(size, c.rnd, isImage ? '\x89PNG\r\n\x1a\n' : '%PDF-1.7\n');
      const name = isImage ? `photo-${c.int(1000, 9999)}.png` : `invoice-${c.int(1000, 9999)}.pdf`;
      return [
        ...head,
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        crlf(utf8Bytes(text)),
        `--${boundary}`,
        `Content-Type: ${isImage ? 'image/png' : 'application/pdf'}; name="${name}"`,
        `Content-Disposition: attachment; filename="${name}"`,
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines(file),
        `--${boundary}--`,
        '',
      ].join('\r\n');
    }
    default:
      throw new Error(`not a new-mail kind: ${kind}`);
  }
}

function replyEmail(kind: EmailKind, t: ThreadTarget, c: Ctx): string {
  const domain = t.contactEmail.split('@')[1]!;
  const paras = c.paragraphs(c.int(1, 3));
  const quotedAgent = t.agentText.split('\n');
  const reSubject = `Re: [#${t.ticketNumber}] ${t.subject}`;
  const base = (to: string, subject: string, extra: string[]) => [
    `Received: from mail.${domain} by mx.bench.example with ESMTPS id ${c.id}; ${c.date}`,
    `From: ${mailbox(t.contactName, t.contactEmail)}`,
    `To: ${to}`,
    `Subject: ${encodeWord(subject)}`,
    `Date: ${c.date}`,
    `Message-ID: <${c.id}@${domain}>`,
    ...extra,
    'MIME-Version: 1.0',
  ];
  switch (kind) {
    case 'reply-reference': {
      // Gmail: multipart/alternative, In-Reply-To and References, "On ... wrote:" and > quotes.
      const boundary = `gm-${c.id}`;
      const text = `${paras.join('\n\n')}\n\n${t.contactName}\n\nOn Mon, 3 Mar 2025 at 10:02, ${c.addresses.supportName} <${c.addresses.support}> wrote:\n${quotedAgent.map((l) => `> ${l}`).join('\n')}\n`;
      const html = toHtml(paras, `<div class="gmail_quote"><div class="gmail_attr">On Mon, 3 Mar 2025 at 10:02, ${htmlEscape(c.addresses.supportName)} wrote:<br></div><blockquote class="gmail_quote" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">${quotedAgent.map(htmlEscape).join('<br>')}</blockquote></div>`);
      return [
        ...base(t.replyAddress, reSubject, [`In-Reply-To: ${t.outboxMessageId}`, `References: ${t.outboxMessageId}`]),
        `Content-Type: multipart/alternative; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        quotedPrintable(utf8Bytes(text)),
        `--${boundary}`,
        'Content-Type: text/html; charset=UTF-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        quotedPrintable(utf8Bytes(html)),
        `--${boundary}--`,
        '',
      ].join('\r\n');
    }
    case 'reply-token': {
      // Outlook: no In-Reply-To (a forwarded-then-answered chain loses it), reply token in To,
      // "From: / Sent:" header block above the quote, HTML with a text alternative.
      const boundary = `_000_${c.id}_`;
      const quoteHead = `From: ${c.addresses.supportName} <${c.addresses.support}>\nSent: Monday, March 3, 2025 10:02 AM\nTo: ${t.contactName} <${t.contactEmail}>\nSubject: ${reSubject}`;
      const text = `${paras.join('\n\n')}\n\nKind regards\n${t.contactName}\n\n________________________________\n${quoteHead}\n\n${t.agentText}\n`;
      const html = toHtml(paras, `<div id="appendonsend"></div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg"><b>From:</b> ${htmlEscape(c.addresses.supportName)}<br><b>Sent:</b> Monday, March 3, 2025 10:02 AM<br><b>Subject:</b> ${htmlEscape(reSubject)}</div><div>${quotedAgent.map(htmlEscape).join('<br>')}</div>`);
      return [
        ...base(`${mailbox(c.addresses.supportName, t.replyAddress)}`, `RE: ${t.subject}`, ['Thread-Topic: ' + t.subject, 'X-MS-Has-Attach: ', 'Content-Language: en-US']),
        `Content-Type: multipart/alternative; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset="us-ascii"',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        quotedPrintable(ascii(text)),
        `--${boundary}`,
        'Content-Type: text/html; charset="us-ascii"',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        quotedPrintable(ascii(html)),
        `--${boundary}--`,
        '',
      ].join('\r\n');
    }
    case 'reply-tag': {
      // Apple Mail: plain text, no references, subject tag only, "On ..., at ..., X wrote:".
      const text = `${paras.join('\n\n')}\n\nSent from my iPhone\n\n> On 3 Mar 2025, at 10:02, ${c.addresses.supportName} <${c.addresses.support}> wrote:\n>\n${quotedAgent.map((l) => `> ${l}`).join('\n')}\n`;
      return [
        ...base(mailbox(c.addresses.supportName, c.addresses.support), reSubject, []),
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        quotedPrintable(utf8Bytes(text)),
      ].join('\r\n');
    }
    default:
      throw new Error(`not a reply kind: ${kind}`);
  }
}

/** One email of `attachmentBytes` random bytes as a base64 attachment (about 4/3 of it raw). */
export function bigAttachmentEmail(attachmentBytes: number, to: string, tag: string): Buffer {
  const rnd = random(7);
  const boundary = `big-${tag}`;
  const head = [
    'From: "Big Sender" <big.sender@company.example>',
    `To: ${to}`,
    'Subject: The scans you asked for',
    `Date: ${new Date(Date.UTC(2025, 2, 5)).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${tag}@company.example>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    '',
    'Hello, the scans are attached.\r\n\r\nBest\r\nBig Sender',
    `--${boundary}`,
    'Content-Type: application/zip; name="scans.zip"',
    'Content-Disposition: attachment; filename="scans.zip"',
    'Content-Transfer-Encoding: base64',
    '',
    '',
  ].join('\r\n');
  const body = base64Lines(fileBytes(attachmentBytes, rnd, 'PK\x03\x04'));
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body, 'latin1'), Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1')]);
}
