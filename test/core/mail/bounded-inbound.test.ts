import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEmail } from '../../../core/mail/inbound/content/parse-email.ts';
import { storeInboundEmail } from '../../../core/mail/inbound/store/store-inbound-email.ts';
import { textBounds } from '../../../core/text/bounded-text.ts';
import { replyToTicket } from '../../../core/tickets/reply-to-ticket.ts';
import { startSmtpIngress } from '../../../worker/ingress/smtp-ingress.ts';
import { eventId, silentLogger, startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';
import { messageIdOf, startSmtpCapture, type SmtpCapture } from '../../support/smtp-capture.ts';
import { deliveryStatusNotification } from '../../support/delivery-status.ts';
import { waitFor } from '../../support/wait-for.ts';
import { noDnsVerifier } from '../../support/mail-auth.ts';

// Issue 13, item 3: every field an email brings is bounded before it becomes a ticket's title,
// a contact's name, a stored id or the subject of mail we send, and what was cut is noted on
// the ticket. Real mail goes through the real SMTP ingress and the real filing and mail
// workers; the acknowledgement is read as a real SMTP server received it.

let p: Pipeline;
let smtp: SmtpCapture;
let ingress: { port: number; close(): Promise<void> };

const mail = (o: { from: string; subject: string; body?: string; headers?: string[]; messageId?: string | null }) =>
  [
    `From: ${o.from}`,
    'To: help@in.shop.example',
    `Subject: ${o.subject}`,
    `Date: ${new Date().toUTCString()}`,
    ...(o.messageId === null ? [] : [`Message-ID: ${o.messageId ?? `<${eventId()}@sender.example>`}`]),
    ...(o.headers ?? []),
    'Content-Type: text/plain; charset=UTF-8',
    '',
    o.body ?? 'Hello, where is my order?',
    '',
  ].join('\r\n');

/** Delivers over SMTP and waits for the filing worker; returns the stored row. */
async function deliverAndFile(raw: string) {
  const info = await nodemailer
    .createTransport({ host: '127.0.0.1', port: ingress.port, secure: false, ignoreTLS: true })
    .sendMail({ envelope: { from: 'x@sender.example', to: ['help@in.shop.example'] }, raw: Buffer.from(raw, 'latin1') });
  const id = /stored as (\d+)/.exec(info.response)![1]!;
  return waitFor(
    () => p.t.db.selectFrom('inbound_emails').selectAll().where('id', '=', id).where('processed_at', 'is not', null).executeTakeFirst(),
    'the email to be filed',
  );
}

const ticketOf = (id: string) => p.t.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const notesOn = async (ticketId: string) =>
  (await p.t.db.selectFrom('messages').select('body').where('ticket_id', '=', ticketId).where('sender', '=', 'system').execute())
    .map((m) => m.body)
    .join('\n');
const ackOf = (ticketId: string) =>
  waitFor(
    () =>
      p.t.db
        .selectFrom('outbox_emails')
        .selectAll()
        .where('ticket_id', '=', ticketId)
        .where('kind', '=', 'ticket_ack')
        .where('status', '=', 'sent')
        .executeTakeFirst(),
    'the acknowledgement to be sent',
  );
/** The acknowledgement as the SMTP server received it, parsed (encoded words decoded). */
async function received(messageId: string) {
  const message = await waitFor(async () => smtp.messages.find((m) => messageIdOf(m.raw) === messageId), 'the acknowledgement to arrive');
  return parseEmail(message.raw, { maxAttachmentBytes: 1024 });
}

/** Words up to `bytes` long: a subject a mail client could fold. */
const words = (bytes: number) =>
  Array.from({ length: Math.ceil(bytes / 6) }, (_, i) => `word${i % 10}`)
    .join(' ')
    .slice(0, bytes);
/** Letters that do not compress: a repeated one would slip under Postgres' index row limit anyway. */
const noise = (n: number, alphabet: string) =>
  Array.from({ length: n }, (_, i) => alphabet[(i * 7919 + ((i * i) % 31)) % alphabet.length]).join('');

beforeAll(async () => {
  smtp = await startSmtpCapture();
  p = await startPipeline({ trigger_enabled: false, inbound_domain: 'in.shop.example', support_address: 'help@shop.example' });
  await p.startWorker({ smtpUrl: smtp.url });
  ingress = await startSmtpIngress({
    db: p.t.db,
    jobs: p.jobs,
    logger: silentLogger,
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: 2_000_000,
    senderVerifier: noDnsVerifier,
  });
}, 60_000);

afterAll(async () => {
  await ingress?.close();
  await p?.close();
  await smtp?.close();
});

describe('bounded inbound fields', () => {
  it('cuts a 200 KB Subject to a title at a word, notes it, keeps the header in the raw mail, and acknowledges within the bound', async () => {
    const subject = words(200_000);
    // Folded as a client would: the header is one logical line of 200,000 characters.
    const row = await deliverAndFile(mail({ from: 'Anna <anna@example.com>', subject: subject.replace(/(.{70}) /g, '$1\r\n ') }));
    expect(row.status).toBe('threaded');
    const ticket = await ticketOf(row.ticket_id!);
    expect(ticket.subject.length).toBeLessThanOrEqual(textBounds.subject);
    expect(ticket.subject.length).toBeGreaterThan(textBounds.subject - 10);
    expect(ticket.subject).toMatch(/^word0 word1 word2 .* word\d…$/);
    expect(subject.startsWith(ticket.subject.slice(0, -1))).toBe(true);
    expect(row.subject).toBe(ticket.subject);
    expect(await notesOn(ticket.id)).toMatch(
      /the subject was 200,000 characters long and is shown cut to \d+ \(the whole header is kept in the raw mail\)/,
    );
    expect(row.reason).toMatch(/the subject was 200,000 characters long/);
    // The raw mail keeps the whole header: parsing it again gives the 200,000 characters.
    const stored = await p.t.db.selectFrom('inbound_emails').select('raw').where('id', '=', row.id).executeTakeFirstOrThrow();
    const reparsed = await parseEmail(stored.raw, { maxAttachmentBytes: 1024 });
    expect(reparsed.headers.subject).toBe(subject);

    const ack = await ackOf(ticket.id);
    expect(ack.subject.length).toBeLessThanOrEqual(textBounds.subject);
    expect(ack.subject.startsWith(`Re: [#${ticket.number}] word0 word1`)).toBe(true);
    expect((await received(ack.message_id)).subject).toBe(ack.subject);
  });

  it("cuts a huge From display name to the contact's name and the message's author, with a note", async () => {
    const name = noise(5_000, 'abcdefghij klmnopqrst');
    const row = await deliverAndFile(mail({ from: `"${name}" <bigname@example.com>`, subject: 'Parcel' }));
    const ticket = await ticketOf(row.ticket_id!);
    const contact = await p.t.db.selectFrom('contacts').selectAll().where('id', '=', ticket.contact_id).executeTakeFirstOrThrow();
    expect(contact.name!.length).toBeLessThanOrEqual(textBounds.displayName);
    expect(name.startsWith(contact.name!.slice(0, -1))).toBe(true);
    const message = await p.t.db
      .selectFrom('messages')
      .select('author_name')
      .where('inbound_email_id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(message.author_name).toBe(contact.name);
    expect(await notesOn(ticket.id)).toMatch(/the sender's name was 5,000 characters long and is shown cut to \d+/);
    const ack = await ackOf(ticket.id);
    expect(ack.text_body.split('\n')[0]).toBe(`Hello ${contact.name},`);
  });

  it('treats an over-long Message-ID as none: stored by content, noted, not echoed in the acknowledgement; delivered again it is a duplicate', async () => {
    const longId = `<${noise(5_000, 'abcdefghijklmnopqrstuvwxyz0123456789')}@example.com>`;
    const raw = mail({ from: 'longid@example.com', subject: 'Odd id', messageId: longId });
    const row = await deliverAndFile(raw);
    expect(row.message_id).toBeNull();
    expect(row.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.status).toBe('threaded');
    expect(await notesOn(row.ticket_id!)).toMatch(
      /its Message-ID was 5,014 characters long \(over the 998 of a mail header line\) and was ignored: the email is told apart by its content/,
    );
    const ack = await ackOf(row.ticket_id!);
    expect(ack.in_reply_to).toBeNull();
    expect(ack.references).toEqual([]);
    expect((await received(ack.message_id)).headers['in-reply-to']).toBeUndefined();
    const again = await storeInboundEmail(p.t.db, p.jobs, Buffer.from(raw, 'latin1'), { propertyId: p.property.id, via: 'smtp' });
    expect(again).toEqual({ id: row.id, duplicate: true });
  });

  it('keeps a 998-character Message-ID of 8-bit characters as the id (within the btree row limit), and a 999-character one is none', async () => {
    // Read as latin1, each of these octets is one character and two bytes of UTF-8 in Postgres.
    const id = (length: number) =>
      `<${noise(length - '<@x.example>'.length, 'ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ')}@x.example>`;
    const fits = await deliverAndFile(mail({ from: 'eightbit@example.com', subject: 'Fits', messageId: id(998) }));
    expect(fits.message_id).toHaveLength(998);
    expect(fits.status).toBe('threaded');
    const over = await deliverAndFile(mail({ from: 'eightbit2@example.com', subject: 'Over', messageId: id(999) }));
    expect(over.message_id).toBeNull();
    expect(over.status).toBe('threaded');
  });

  it('bounds References in count and length, keeps the most recent for threading, and sends at most 20', async () => {
    const first = await deliverAndFile(mail({ from: 'refs@example.com', subject: 'Where is my parcel?' }));
    const ack = await ackOf(first.ticket_id!);
    // A reply whose References list 2,000 ids, one of them over-long, the last our acknowledgement.
    const references = [
      ...Array.from({ length: 1_999 }, (_, i) => `<old-${i}@refs.example>`),
      `<${'r'.repeat(1_500)}@refs.example>`,
      ack.message_id,
    ];
    const reply = await deliverAndFile(
      mail({
        from: 'refs@example.com',
        subject: 'Re: Where is my parcel?',
        headers: [`References: ${references.join('\r\n ')}`],
        body: 'Any news?',
      }),
    );
    expect(reply.ticket_id).toBe(first.ticket_id);
    const notes = await notesOn(first.ticket_id!);
    expect(notes).toMatch(/1 of its References was over 998 characters long and ignored/);
    expect(notes).toMatch(/its References named 2,000 emails; the first and the 49 most recent were kept/);

    // A new ticket's acknowledgement answers the sender's References: at most 20 go out.
    const many = Array.from({ length: 300 }, (_, i) => `<many-${i}@refs.example>`);
    const opened = await deliverAndFile(
      mail({ from: 'refs2@example.com', subject: 'A new one', headers: [`References: ${many.join(' ')}`] }),
    );
    const newAck = await ackOf(opened.ticket_id!);
    expect(newAck.references).toHaveLength(20);
    expect(newAck.references[0]).toBe('<many-0@refs.example>');
    expect(newAck.references.at(-1)).toBe(newAck.in_reply_to);
    expect((await received(newAck.message_id)).references).toEqual(newAck.references);
  });

  it("cuts an attachment's 2,000-character file name, with a note", async () => {
    const filename = `${noise(2_000, 'abcdefghij klmnop')}.pdf`;
    const raw = [
      'From: files@example.com',
      'To: help@in.shop.example',
      'Subject: My invoice',
      `Message-ID: <${eventId()}@sender.example>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Attached.',
      '--b',
      `Content-Type: application/pdf; name="${filename}"`,
      `Content-Disposition: attachment; filename="${filename}"`,
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4').toString('base64'),
      '--b--',
      '',
    ].join('\r\n');
    const row = await deliverAndFile(raw);
    const attachment = await p.t.db
      .selectFrom('email_attachments')
      .select('filename')
      .where('inbound_email_id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(attachment.filename!.length).toBeLessThanOrEqual(textBounds.field);
    expect(filename.startsWith(attachment.filename!.slice(0, -1))).toBe(true);
    expect(await notesOn(row.ticket_id!)).toMatch(/an attachment's file name was 2,004 characters long and is shown cut to \d+/);
  });

  it('bounds a bounce: its reason to a field, and its note names ten of a thousand failed recipients (each marked bouncing)', async () => {
    const first = await deliverAndFile(mail({ from: 'bounced@example.com', subject: 'Will bounce' }));
    const ack = await ackOf(first.ticket_id!);
    const failed = Array.from({ length: 1_000 }, (_, i) => `gone${i}@bounce.example`);
    const report = deliveryStatusNotification({
      to: 'help@in.shop.example',
      messageId: `<${eventId()}@mx.example.com>`,
      bouncedMessageId: ack.message_id,
      diagnostic: `550 5.1.1 ${words(100_000)}`,
    }).replace('Subject: Undelivered', `X-Failed-Recipients: ${failed.join(',\r\n ')}\r\nSubject: Undelivered`);
    const row = await deliverAndFile(report);
    expect(row.status).toBe('bounce');
    expect(row.reason!.length).toBeLessThanOrEqual(textBounds.field);
    const notes = await notesOn(first.ticket_id!);
    expect(notes).toMatch(/^Email to owner@example\.com, gone0@bounce\.example, .* and 992 more bounced: 550 5\.1\.1 word0 .*…$/m);
    expect(notes.length).toBeLessThan(2_000);
    // Every address counts, named or not: the ticket's contact (the outbound recipient, the 1,002nd) is marked bouncing.
    const contact = await p.t.db
      .selectFrom('contacts')
      .select('bouncing')
      .where('email', '=', 'bounced@example.com')
      .executeTakeFirstOrThrow();
    expect(contact.bouncing).toBe(true);
  });

  it("an agent's reply on a ticket whose title is at the bound keeps its subject within it", async () => {
    const row = await deliverAndFile(mail({ from: 'long@example.com', subject: words(5_000) }));
    const ticket = await ticketOf(row.ticket_id!);
    expect(ticket.subject.length).toBeGreaterThan(textBounds.subject - 10);
    const { outbox } = await replyToTicket(p.t.db, p.jobs, p.property.id, `T${ticket.number}`, { body: 'We are on it.' });
    expect(outbox.subject.length).toBeLessThanOrEqual(textBounds.subject);
    expect(outbox.subject).toMatch(new RegExp(`^Re: \\[#${ticket.number}\\] word0 word1 .*…$`));
  });
});

describe("a stranger's subject tag (issue 13, item 6)", () => {
  it("opens the stranger's own ticket whose title and acknowledgement carry its own tag alone", async () => {
    const owner = await deliverAndFile(mail({ from: 'owner@example.com', subject: 'Broken lamp' }));
    const owned = await ticketOf(owner.ticket_id!);
    const row = await deliverAndFile(mail({ from: 'stranger@example.com', subject: `Re: [#${owned.number}] My printer` }));
    expect(row.ticket_id).not.toBe(owned.id);
    const ticket = await ticketOf(row.ticket_id!);
    expect(ticket.subject).toBe('Re: My printer');
    // What the stranger wrote is kept on the email.
    expect(row.subject).toBe(`Re: [#${owned.number}] My printer`);
    const ack = await ackOf(ticket.id);
    expect(ack.subject).toBe(`Re: [#${ticket.number}] My printer`);
    expect((await received(ack.message_id)).subject.match(/\[#\d+\]/g)).toEqual([`[#${ticket.number}]`]);
  });
});
