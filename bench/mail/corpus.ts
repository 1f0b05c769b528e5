// The mail benchmark's corpus: raw inbound emails as real clients write them. A share of them
// reply to tickets that exist (by In-Reply-To/References, by the signed reply token, by the
// `[#123]` subject tag), the rest are new mail of many senders. Generated from a seed, so two
// corpora of one size have the same shapes and sizes; every message has its own Message-ID.
import { firstNames, lastNames, random, senderDomains, words } from './corpus-words.ts';
import { ascii, base64Lines, fileBytes } from './mime-text.ts';
import { newEmail } from './new-mail.ts';
import { replyEmail } from './replies.ts';

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
  'plain-new' | 'html-only-new' | 'qp-latin1-new' | 'alternative-new' | 'attachment-new' | 'reply-reference' | 'reply-token' | 'reply-tag';

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

/**
 * Builds `count` raw emails. `tag` makes the Message-IDs of this corpus unique (use one per
 * corpus), `seed` decides shapes and sizes (use the same one for comparable corpora).
 */
export function buildCorpus(
  count: number,
  options: { tag: string; seed: number; targets: ThreadTarget[]; addresses: CorpusAddresses; senders?: number },
): CorpusEmail[] {
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
      emails.push({
        kind,
        raw: Buffer.from(replyEmail(kind, target, ctx), 'latin1'),
        rcptTo,
        envelopeFrom: target.contactEmail,
        expectedTicket: target.ticketNumber,
      });
    } else {
      const from = sender();
      emails.push({
        kind,
        raw: Buffer.from(newEmail(kind, from, ctx), 'latin1'),
        rcptTo: options.addresses.support,
        envelopeFrom: from.address,
        expectedTicket: null,
      });
    }
  }
  return emails;
}

/** What newEmail and replyEmail write an email from: its id and date, and the corpus's draws. */
export interface Ctx {
  id: string;
  date: string;
  rnd: () => number;
  pick: <T>(list: readonly T[]) => T;
  int: (min: number, max: number) => number;
  paragraphs: (n: number) => string[];
  sentence: () => string;
  addresses: CorpusAddresses;
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
