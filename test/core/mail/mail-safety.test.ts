import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { upsertContact } from '../../../core/contacts/contacts.ts';
import { listQuarantine, reprocessInboundEmail } from '../../../core/mail/inbound/quarantine.ts';
import { replyAddress } from '../../../core/mail/reply-address.ts';
import { storeInboundEmail } from '../../../core/mail/inbound/store/store-inbound-email.ts';
import { replyToTicket } from '../../../core/tickets/reply-to-ticket.ts';
import { createTicket } from '../../../core/tickets/ticket-store.ts';
import { startSmtpIngress } from '../../../worker/ingress/smtp-ingress.ts';
import { eventId, silentLogger, startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';
import { startSmtpCapture, type SmtpCapture } from '../../support/smtp-capture.ts';
import { sleep, waitFor } from '../../support/wait-for.ts';
import { deliveryStatusNotification } from '../../support/delivery-status.ts';
import { noDnsVerifier } from '../../support/mail-auth.ts';

// The threading policy for strangers and forged tokens, loop and bounce safety, SMTP outages
// and refusals, the SMTP ingress's refusals, and the quarantine.

let p: Pipeline;
let smtp: SmtpCapture;
let ingress: { port: number; close(): Promise<void> };

const mail = (o: { from: string; to: string; subject: string; body: string; headers?: string[]; messageId?: string }) =>
  [
    `From: ${o.from}`,
    `To: ${o.to}`,
    `Subject: ${o.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${o.messageId ?? `<${eventId()}@sender.example>`}`,
    ...(o.headers ?? []),
    'Content-Type: text/plain; charset=UTF-8',
    '',
    o.body,
  ].join('\r\n');

const deliver = (raw: string, to: string) =>
  nodemailer
    .createTransport({ host: '127.0.0.1', port: ingress.port, secure: false, ignoreTLS: true })
    .sendMail({ envelope: { from: 'x@sender.example', to: [to] }, raw });

async function fileAndWait(raw: string, to = 'help@in.shop.example') {
  const before = await p.t.db.selectFrom('inbound_emails').select('id').where('processed_at', 'is not', null).execute();
  await deliver(raw, to);
  await waitFor(
    async () =>
      (await p.t.db.selectFrom('inbound_emails').select('id').where('processed_at', 'is not', null).execute()).length > before.length,
    'the email to be filed',
  );
  return p.t.db.selectFrom('inbound_emails').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
}

const systemNotes = async (ticketId: string) =>
  (await p.t.db.selectFrom('messages').select('body').where('ticket_id', '=', ticketId).where('sender', '=', 'system').execute()).map(
    (m) => m.body,
  );

let ticket: { id: string; number: number };
let agentReply: { message_id: string };

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
    maxMessageBytes: 50_000,
    senderVerifier: noDnsVerifier,
  });
  const contact = await upsertContact(p.t.db, p.property.id, { email: 'owner@example.com', name: 'Owner' });
  ticket = await createTicket(p.t.db, { propertyId: p.property.id, subject: 'Broken lamp', contact });
  const { outbox } = await replyToTicket(p.t.db, p.jobs, p.property.id, `T${ticket.number}`, { body: 'We will send a new one.' });
  agentReply = outbox;
}, 60_000);

afterAll(async () => {
  await ingress?.close();
  await p?.close();
  await smtp?.close();
});

describe('threading policy', () => {
  it("a stranger's reply with a valid reference becomes their own ticket, with notes on both, never joining silently", async () => {
    const row = await fileAndWait(
      mail({
        from: 'colleague@other.example',
        to: 'help@in.shop.example',
        subject: 'Re: Broken lamp',
        body: 'I am answering for my colleague.',
        headers: [`In-Reply-To: ${agentReply.message_id}`],
      }),
    );
    expect(row.status).toBe('threaded');
    expect(row.ticket_id).not.toBe(ticket.id);
    const strangerTicket = await p.t.db.selectFrom('tickets').selectAll().where('id', '=', row.ticket_id!).executeTakeFirstOrThrow();
    const strangerContact = await p.t.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', strangerTicket.contact_id)
      .executeTakeFirstOrThrow();
    expect(strangerContact.email).toBe('colleague@other.example');
    expect((await systemNotes(ticket.id)).join()).toMatch(
      new RegExp(`colleague@other\\.example, who is not this ticket's contact.*filed as its own ticket T${strangerTicket.number}`),
    );
    expect((await systemNotes(strangerTicket.id)).join()).toMatch(new RegExp(`referred to T${ticket.number} \\(by reference\\)`));
    const onOriginal = await p.t.db
      .selectFrom('messages')
      .select('id')
      .where('ticket_id', '=', ticket.id)
      .where('sender', '=', 'visitor')
      .execute();
    expect(onOriginal).toHaveLength(0);
  });

  it("a stranger's mail to a valid reply address is handled the same way", async () => {
    const row = await fileAndWait(
      mail({
        from: 'forwarded@other.example',
        to: replyAddress(p.property, ticket.number),
        subject: 'Fwd: lamp',
        body: 'Forwarded to me.',
      }),
      replyAddress(p.property, ticket.number),
    );
    expect(row.ticket_id).not.toBe(ticket.id);
    expect(row.reason).toMatch(/by reply-token/);
  });

  it('a forged reply token is ignored and noted: the mail starts a new ticket', async () => {
    const forged = `help+t${ticket.number}.000000000000@in.shop.example`;
    const row = await fileAndWait(mail({ from: 'owner@example.com', to: forged, subject: 'hello', body: 'Trying a token.' }), forged);
    expect(row.ticket_id).not.toBe(ticket.id);
    expect(row.reason).toMatch(/carried a token that does not verify/);
  });

  it("a subject tag counts only from the ticket's contact", async () => {
    const fromOwner = await fileAndWait(
      mail({
        from: 'Owner <owner@example.com>',
        to: 'help@in.shop.example',
        subject: `Re: [#${ticket.number}] Broken lamp`,
        body: 'Still waiting.',
      }),
    );
    expect(fromOwner.ticket_id).toBe(ticket.id);
    const fromStranger = await fileAndWait(
      mail({ from: 'someone@else.example', to: 'help@in.shop.example', subject: `Re: [#${ticket.number}] Broken lamp`, body: 'Me too.' }),
    );
    expect(fromStranger.ticket_id).not.toBe(ticket.id);
  });
});

describe('loops and bounces', () => {
  it('an auto-responder that answers every mail gets at most one automatic email per window', async () => {
    const acksBefore = smtp.messages.filter((m) => m.to.includes('bot@responder.example')).length;
    for (let i = 0; i < 4; i++) {
      // A naive responder: no Auto-Submitted header, a new subject each time, no thread headers.
      await fileAndWait(
        mail({ from: 'bot@responder.example', to: 'help@in.shop.example', subject: `Thank you for your message ${i}`, body: 'We got it.' }),
      );
    }
    const rows = await waitFor(async () => {
      const r = await p.t.db.selectFrom('outbox_emails').select('status').where('to_address', '=', 'bot@responder.example').execute();
      return r.some((x) => x.status === 'sent') && r;
    }, 'the one acknowledgement to be sent');
    expect(rows.map((r) => r.status).sort()).toEqual(['sent', 'suppressed', 'suppressed', 'suppressed']);
    // The row is marked sent before the end of DATA: the server may take the message a moment later.
    const toBot = () => smtp.messages.filter((m) => m.to.includes('bot@responder.example')).length - acksBefore;
    await waitFor(async () => toBot() > 0, 'the acknowledgement at the SMTP server');
    await sleep(500);
    expect(toBot()).toBe(1);
  });

  it('mail marked automatic or from a list is stored and filed, never answered', async () => {
    for (const header of ['Auto-Submitted: auto-replied', 'Precedence: bulk', 'List-Id: <news.example.org>', 'X-Autoreply: yes']) {
      const from = `sender-${header.split(':')[0]!.toLowerCase()}@example.org`;
      const row = await fileAndWait(
        mail({ from, to: 'help@in.shop.example', subject: 'Out of office', body: 'I am away.', headers: [header] }),
      );
      expect(row).toMatchObject({ status: 'threaded', automatic: true });
      expect(await p.t.db.selectFrom('outbox_emails').select('id').where('to_address', '=', from).execute()).toHaveLength(0);
    }
  });

  it('a bounce marks the outbound email bounced and the address bouncing', async () => {
    await waitFor(
      async () =>
        (await p.t.db.selectFrom('outbox_emails').select('status').where('message_id', '=', agentReply.message_id).executeTakeFirst())
          ?.status === 'sent',
      'the reply to be sent',
    );
    const dsn = deliveryStatusNotification({
      to: 'help@in.shop.example',
      messageId: `<${eventId()}@mx.example.com>`,
      bouncedMessageId: agentReply.message_id,
      diagnostic: '550 5.1.1 <owner@example.com>: Recipient address rejected: User unknown',
      bouncedHeaders: ['Subject: Re: [#1] Broken lamp'],
    });
    const row = await fileAndWait(dsn);
    expect(row.status).toBe('bounce');
    const outbound = await p.t.db
      .selectFrom('outbox_emails')
      .selectAll()
      .where('message_id', '=', agentReply.message_id)
      .executeTakeFirstOrThrow();
    expect(outbound.status).toBe('bounced');
    expect(outbound.last_error).toMatch(/User unknown/);
    const contact = await p.t.db.selectFrom('contacts').selectAll().where('email', '=', 'owner@example.com').executeTakeFirstOrThrow();
    expect(contact.bouncing).toBe(true);
  });
});

describe('SMTP outages and refusals', () => {
  afterEach(() => {
    smtp.respondWith = 'accept';
  });

  it('mail waits while SMTP is down, is sent once it is back, never twice', { timeout: 90_000 }, async () => {
    const port = smtp.port;
    await smtp.close();
    const contact = await upsertContact(p.t.db, p.property.id, { email: 'patient@example.com', name: null });
    const t = await createTicket(p.t.db, { propertyId: p.property.id, subject: 'Outage', contact });
    const { outbox } = await replyToTicket(p.t.db, p.jobs, p.property.id, `T${t.number}`, { body: 'Sent during an outage.' });
    await waitFor(
      async () =>
        (await p.t.db.selectFrom('outbox_emails').select('attempts').where('id', '=', outbox.id).executeTakeFirstOrThrow()).attempts >= 1,
      'a failed attempt',
    );
    const during = await p.t.db.selectFrom('outbox_emails').selectAll().where('id', '=', outbox.id).executeTakeFirstOrThrow();
    expect(during.status).toBe('queued');
    expect(during.last_error).toMatch(/ECONNREFUSED|connect/i);
    const back = await startSmtpCapture(port);
    smtp = back;
    {
      await waitFor(
        async () =>
          (await p.t.db.selectFrom('outbox_emails').select('status').where('id', '=', outbox.id).executeTakeFirstOrThrow()).status ===
          'sent',
        'the retry after the outage',
        80_000,
        200,
      );
      // Marked sent before the end of DATA: the server may take the message a moment later.
      const delivered = () => back.messages.filter((m) => m.raw.toString().includes(outbox.message_id));
      await waitFor(async () => delivered().length > 0, 'the message at the SMTP server');
      await sleep(500);
      expect(delivered()).toHaveLength(1);
      const sent = await p.t.db.selectFrom('outbox_emails').select('attempts').where('id', '=', outbox.id).executeTakeFirstOrThrow();
      expect(sent.attempts).toBeGreaterThanOrEqual(2);
    }
  });

  it('a 4xx answer is transient: the email is retried and sent once', { timeout: 60_000 }, async () => {
    smtp.respondWith = 451;
    const contact = await upsertContact(p.t.db, p.property.id, { email: 'greylisted@example.com', name: null });
    const t = await createTicket(p.t.db, { propertyId: p.property.id, subject: 'Greylisting', contact });
    const { outbox } = await replyToTicket(p.t.db, p.jobs, p.property.id, `T${t.number}`, { body: 'Greylisted at first.' });
    await waitFor(
      async () =>
        (
          await p.t.db.selectFrom('outbox_emails').select('last_error').where('id', '=', outbox.id).executeTakeFirstOrThrow()
        ).last_error?.includes('451'),
      'the 451',
    );
    smtp.respondWith = 'accept';
    await waitFor(
      async () =>
        (await p.t.db.selectFrom('outbox_emails').select('status').where('id', '=', outbox.id).executeTakeFirstOrThrow()).status === 'sent',
      'the retry',
      50_000,
      200,
    );
    // Marked sent before the end of DATA: the server may take the message a moment later.
    const delivered = () => smtp.messages.filter((m) => m.raw.toString().includes(outbox.message_id));
    await waitFor(async () => delivered().length > 0, 'the message at the SMTP server');
    expect(delivered()).toHaveLength(1);
  });

  it("a 5xx refusal fails the row with the server's reason, not retried", async () => {
    smtp.respondWith = 550;
    const contact = await upsertContact(p.t.db, p.property.id, { email: 'refused@example.com', name: null });
    const t = await createTicket(p.t.db, { propertyId: p.property.id, subject: 'Refusal', contact });
    const { outbox } = await replyToTicket(p.t.db, p.jobs, p.property.id, `T${t.number}`, { body: 'This will be refused.' });
    const row = await waitFor(async () => {
      const r = await p.t.db.selectFrom('outbox_emails').selectAll().where('id', '=', outbox.id).executeTakeFirstOrThrow();
      return r.status === 'failed' && r;
    }, 'the refusal');
    expect(row.last_error).toMatch(/550.*recipient refuses mail/);
    expect(row.attempts).toBe(1);
    // The ticket says the reply did not go, with the server's reason.
    expect((await systemNotes(t.id)).join('\n')).toMatch(
      /^The reply to refused@example\.com could not be sent: .*550.*recipient refuses mail/m,
    );
  });
});

describe('the SMTP ingress', () => {
  it('refuses unknown domains (550) and oversize messages (552), storing nothing', async () => {
    const count = async () => (await p.t.db.selectFrom('inbound_emails').select('id').execute()).length;
    const before = await count();
    await expect(
      deliver(mail({ from: 'a@b.example', to: 'x@nowhere.example', subject: 's', body: 'b' }), 'x@nowhere.example'),
    ).rejects.toMatchObject({ responseCode: 550 });
    await expect(
      deliver(mail({ from: 'a@b.example', to: 'help@in.shop.example', subject: 'big', body: 'x'.repeat(60_000) }), 'help@in.shop.example'),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect(await count()).toBe(before);
  });

  it('quarantines what cannot be parsed, lists it, and can reprocess it', async () => {
    const stored = await storeInboundEmail(p.t.db, p.jobs, Buffer.from([0, 159, 146, 150, 1, 2, 3, 255, 0, 10, 10, 0]), {
      propertyId: p.property.id,
      via: 'cli',
    });
    await waitFor(async () => (await listQuarantine(p.t.db, p.property.id)).some((q) => q.id === stored.id), 'the quarantine');
    const [entry] = (await listQuarantine(p.t.db, p.property.id)).filter((q) => q.id === stored.id);
    expect(entry!.reason).toMatch(/^unparseable: /);
    await reprocessInboundEmail(p.t.db, p.jobs, p.property.id, stored.id);
    await waitFor(
      async () =>
        (await p.t.db.selectFrom('inbound_emails').select('processed_at').where('id', '=', stored.id).executeTakeFirstOrThrow())
          .processed_at !== null,
      'the reprocessing',
    );
    expect((await listQuarantine(p.t.db, p.property.id)).some((q) => q.id === stored.id)).toBe(true);
    const filed = await p.t.db.selectFrom('inbound_emails').select('id').where('status', '=', 'threaded').executeTakeFirstOrThrow();
    await expect(reprocessInboundEmail(p.t.db, p.jobs, p.property.id, filed.id)).rejects.toThrow(/already filed/);
  });

  it('lists a message without a From by its subject, through the SMTP ingress', async () => {
    const subject = `Order ${eventId()} never arrived`;
    const raw = mail({ from: 'x@sender.example', to: 'help@in.shop.example', subject, body: 'No From header at all.' }).replace(
      /^From: .*\r\n/,
      '',
    );
    expect(raw).not.toMatch(/^From:/m);
    const row = await fileAndWait(raw);
    expect(row.status).toBe('quarantined');
    const [entry] = (await listQuarantine(p.t.db, p.property.id)).filter((q) => q.id === row.id);
    expect(entry).toMatchObject({ subject, from: 'x@sender.example', reason: 'no usable sender address (From)' });
  });
});
