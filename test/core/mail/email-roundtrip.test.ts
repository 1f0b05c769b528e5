import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactHistory } from '../../../core/contacts/contact-history.ts';
import { closeItem } from '../../../core/inbox/item-actions.ts';
import { showItem } from '../../../core/inbox/item-detail.ts';
import { replyToTicket } from '../../../core/tickets/reply-to-ticket.ts';
import { RawMailHandoff } from '../../../core/mail/inbound/store/raw-mail-handoff.ts';
import { startSmtpIngress } from '../../../worker/ingress/smtp-ingress.ts';
import { at, eventId, silentLogger, startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';
import { startSmtpCapture, type SmtpCapture } from '../../support/smtp-capture.ts';
import { sleep, waitFor } from '../../support/wait-for.ts';
import { noDnsVerifier } from '../../support/mail-auth.ts';

// Email both ways on real parts: the outbox sender to a real SMTP server, visitors' replies in
// the styles of several mail clients sent over SMTP to our ingress, threaded onto the ticket.

let p: Pipeline;
let smtp: SmtpCapture;
let ingress: { port: number; close(): Promise<void> };
let ack: ParsedMail;
let reply: ParsedMail;
let replyRow: { message_id: string; reply_to: string | null };

const deliver = (raw: string | Buffer, to: string, from = 'anna@example.com') =>
  nodemailer
    .createTransport({ host: '127.0.0.1', port: ingress.port, secure: false, ignoreTLS: true })
    .sendMail({ envelope: { from, to: [to] }, raw });

async function ticketMessages(number: number) {
  const ticket = await p.t.db.selectFrom('tickets').select('id').where('number', '=', number).executeTakeFirstOrThrow();
  return p.t.db.selectFrom('messages').selectAll().where('ticket_id', '=', ticket.id).orderBy('id').execute();
}

/** A raw reply to the agent's email, as a mail client writes it. */
function rawReply(opts: {
  headers?: string;
  contentType?: string;
  body: string;
  subject?: string;
  to?: string;
  from?: string;
  messageId?: string;
  threadHeaders?: boolean;
}) {
  const lines = [
    `From: ${opts.from ?? 'Anna Bianchi <anna@example.com>'}`,
    `To: ${opts.to ?? replyRow.reply_to}`,
    `Subject: ${opts.subject ?? `Re: ${reply.subject}`}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${opts.messageId ?? `<${eventId()}@mail.example.com>`}`,
    ...(opts.threadHeaders === false ? [] : [`In-Reply-To: ${replyRow.message_id}`, `References: ${replyRow.message_id}`]),
    'MIME-Version: 1.0',
    ...(opts.headers ? [opts.headers] : []),
    `Content-Type: ${opts.contentType ?? 'text/plain; charset=UTF-8'}`,
    '',
    opts.body,
  ];
  return lines.join('\r\n');
}

beforeAll(async () => {
  smtp = await startSmtpCapture();
  p = await startPipeline({
    trigger_enabled: false,
    inbound_domain: 'in.shop.example',
    support_address: 'help@shop.example',
    name: 'Shop',
  });
  // Ingress and worker share a handoff, as they do in one `switchboard start` process.
  const rawMailHandoff = new RawMailHandoff();
  await p.startWorker({ smtpUrl: smtp.url, rawMailHandoff });
  ingress = await startSmtpIngress({
    db: p.t.db,
    jobs: p.jobs,
    logger: silentLogger,
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: 200_000,
    rawMailHandoff,
    senderVerifier: noDnsVerifier,
  });
  // A missed chat with an email becomes ticket T1, and its acknowledgement goes out.
  await p.post({
    events: [
      {
        id: eventId(),
        type: 'chat.started',
        property: 'shop',
        at: at(),
        chat: { id: 'c1' },
        visitor: { id: 'v1' },
        prechat: { name: 'Anna Bianchi', email: 'anna@example.com' },
      },
      {
        id: eventId(),
        type: 'chat.message',
        property: 'shop',
        at: at(),
        chat: { id: 'c1' },
        message: { id: 'm1', sender: 'visitor', text: 'My parcel arrived damaged.' },
      },
      { id: eventId(), type: 'chat.ended', property: 'shop', at: at(), chat: { id: 'c1' } },
    ],
  });
  await waitFor(async () => smtp.messages.length === 1, 'the acknowledgement');
  ack = await simpleParser(smtp.messages[0]!.raw);
  await replyToTicket(p.t.db, p.jobs, p.property.id, 'T1', { body: 'Sorry about that! Could you send us a photo of the parcel?' });
  await waitFor(async () => smtp.messages.length === 2, "the agent's reply");
  reply = await simpleParser(smtp.messages[1]!.raw);
  replyRow = await p.t.db
    .selectFrom('outbox_emails')
    .select(['message_id', 'reply_to'])
    .where('kind', '=', 'agent_reply')
    .executeTakeFirstOrThrow();
}, 60_000);

afterAll(async () => {
  await ingress?.close();
  await p?.close();
  await smtp?.close();
});

describe('outbound', () => {
  it("sends the agent's reply with our Message-ID, the thread, the ticket tag and a signed Reply-To, text and HTML", () => {
    expect(reply.messageId).toBe(replyRow.message_id);
    expect(replyRow.message_id).toMatch(/^<ticket-1\.[0-9a-f-]{36}@in\.shop\.example>$/);
    expect(reply.inReplyTo).toBe(ack.messageId);
    expect(reply.references).toEqual(ack.messageId);
    expect(reply.subject).toBe('Re: [#1] Missed chat from Anna Bianchi');
    expect(reply.replyTo?.value[0]?.address).toMatch(/^help\+t1\.[0-9a-f]{12}@in\.shop\.example$/);
    expect(reply.from?.value[0]).toEqual({ address: 'help@shop.example', name: 'Shop' });
    expect(reply.text).toContain('Could you send us a photo of the parcel?');
    expect(reply.html).toContain('Could you send us a photo of the parcel?');
    expect(ack.headers.get('auto-submitted')).toBe('auto-replied');
    expect(reply.headers.get('auto-submitted')).toBeUndefined();
  });
});

describe('replies from mail clients', () => {
  const styles: [string, () => string, string][] = [
    [
      'Gmail, plain text with a quote',
      () =>
        rawReply({
          body: `Here it is, the box is crushed on one side.\r\n\r\nOn Tue, 25 Nov 2026 at 10:02, Shop <help@shop.example> wrote:\r\n> Sorry about that! Could you send us a photo of the parcel?\r\n>\r\n> Shop`,
        }),
      'Here it is, the box is crushed on one side.',
    ],
    [
      'Outlook, HTML only, in Italian',
      () =>
        rawReply({
          contentType: 'text/html; charset=UTF-8',
          body: `<html><body><div>Vi ho mandato la foto ieri sera.</div><div><br></div><hr><div id="divRplyFwdMsg"><b>Da:</b> Shop &lt;help@shop.example&gt;<br><b>Inviato:</b> martedì 25 novembre 2026 10:02<br><b>A:</b> Anna<br><b>Oggetto:</b> ${reply.subject}</div><div>Sorry about that! Could you send us a photo?</div></body></html>`,
        }),
      'Vi ho mandato la foto ieri sera.',
    ],
    [
      'quoted-printable ISO-8859-1',
      () =>
        rawReply({
          contentType: 'text/plain; charset=ISO-8859-1',
          headers: 'Content-Transfer-Encoding: quoted-printable',
          body: `Grazie, cos=EC va benissimo: =E8 perfetto!\r\n\r\nIl giorno mar 25 nov 2026 alle ore 10:02 Shop <help@shop.example> ha scritto:\r\n> Sorry about that!`,
        }),
      'Grazie, così va benissimo: è perfetto!',
    ],
    [
      'Apple Mail with an attachment, reply token only',
      () =>
        rawReply({
          threadHeaders: false,
          contentType: 'multipart/mixed; boundary="apple-boundary"',
          body: [
            '--apple-boundary',
            'Content-Type: text/plain; charset=us-ascii',
            '',
            'Photo attached.',
            '',
            'On 25 Nov 2026, at 10:02, Shop <help@shop.example> wrote:',
            '> Sorry about that!',
            '--apple-boundary',
            'Content-Type: image/png; name="parcel.png"',
            'Content-Disposition: attachment; filename="parcel.png"',
            'Content-Transfer-Encoding: base64',
            '',
            Buffer.from('\x89PNG\r\n\x1a\nfake-image-bytes').toString('base64'),
            '--apple-boundary--',
          ].join('\r\n'),
        }),
      'Photo attached.',
    ],
    [
      'Thunderbird, subject tag only, from the contact',
      () =>
        rawReply({
          threadHeaders: false,
          to: 'help@in.shop.example',
          subject: 'Re: [#1] Missed chat from Anna Bianchi',
          body: 'One more thing: the order number is 4512.\r\n\r\nOn 25/11/2026 10:02, Shop wrote:\r\n> Sorry about that!',
        }),
      'One more thing: the order number is 4512.',
    ],
  ];

  for (const [name, build, visible] of styles) {
    it(`${name}: lands on the same ticket, trimmed`, async () => {
      const before = (await ticketMessages(1)).length;
      await deliver(build(), replyRow.reply_to!);
      const messages = await waitFor(async () => {
        const rows = await ticketMessages(1);
        return rows.length > before && rows;
      }, 'the reply on the ticket');
      const last = messages[messages.length - 1]!;
      expect(last.sender).toBe('visitor');
      expect(last.body).toBe(visible);
    });
  }

  it('keeps the attachment, and the contact history shows the ticket', async () => {
    const attachments = await p.t.db.selectFrom('email_attachments').selectAll().execute();
    expect(attachments.map((a) => a.filename)).toContain('parcel.png');
    const history = await contactHistory(p.t.db, p.property.id, 'anna@example.com');
    expect(history.items.map((i) => i.ref)).toContain('T1');
    expect(await p.t.db.selectFrom('tickets').select('id').execute()).toHaveLength(1);
  });

  it('reopens a closed ticket', async () => {
    await closeItem(p.t.db, p.property.id, 'T1');
    await deliver(rawReply({ body: 'Any news?' }), replyRow.reply_to!);
    await waitFor(async () => (await showItem(p.t.db, p.property.id, 'T1')).item.status === 'open', 'the ticket to reopen');
  });

  it('stores a message delivered twice once', async () => {
    const raw = rawReply({ body: 'Delivered twice.', messageId: '<twice@mail.example.com>' });
    const before = (await ticketMessages(1)).length;
    await deliver(raw, replyRow.reply_to!);
    await deliver(raw.replace('Date:', 'Received: from relay2.example.com\r\nDate:'), replyRow.reply_to!);
    await waitFor(async () => (await ticketMessages(1)).length > before, 'the first copy');
    await sleep(800);
    expect((await ticketMessages(1)).length).toBe(before + 1);
    expect(
      await p.t.db.selectFrom('inbound_emails').select('id').where('message_id', '=', '<twice@mail.example.com>').execute(),
    ).toHaveLength(1);
  });
});
