import { describe, expect, it } from 'vitest';
import { MailParseError } from '../../../../../core/mail/inbound/content/mail-parse-error.ts';
import { parseEmail } from '../../../../../core/mail/inbound/content/parse-email.ts';
import { emlFixture } from './eml-fixture.ts';

const limits = { maxAttachmentBytes: 10 * 1024 * 1024 };
const TICKET_ID = '<ticket-12.8f0e2b1c-5d3a-4e7b-9c61-2a4f0d9e7b35@inbound.acme.example>';
const TOKEN_ADDRESS = 'support+t12.abcdef0123@inbound.acme.example';

describe('parseEmail: identity and addresses', () => {
  it('reads a Gmail reply: ids with brackets, lower-cased sender, UTF-8 encoded-word subject', async () => {
    const mail = await parseEmail(emlFixture('gmail-reply-with-quote.eml'), limits);
    expect(mail.messageId).toBe('<CAF=2Y9Xk4p7mQzR1sT0uV8wN3bH6jL5cD9eG2fA1kM4nP7qS@mail.gmail.com>');
    expect(mail.inReplyTo).toBe(TICKET_ID);
    expect(mail.references).toEqual([TICKET_ID]);
    expect(mail.subject).toBe('Re: [#12] Missed chat from Anna — ordine n° 4521');
    expect(mail.from).toEqual({ address: 'anna.rossi@gmail.com', name: 'Anna Rossi' });
    expect(mail.to).toEqual([TOKEN_ADDRESS]);
    expect(mail.cc).toEqual([]);
    expect(mail.replyTo).toBeNull();
    expect(mail.date?.toISOString()).toBe('2026-03-03T09:12:31.000Z');
    expect(mail.attachments).toEqual([]);
  });

  it('keeps References in order across folded lines', async () => {
    const mail = await parseEmail(emlFixture('thunderbird-bottom-posted-reply.eml'), limits);
    expect(mail.references).toEqual(['<chat-7.1d9a3c44-0b6e-4f1a-8e2d-5c7f9a1b3e60@inbound.acme.example>', TICKET_ID]);
  });

  it('lower-cases the sender address of Outlook mail and decodes names in encoded words', async () => {
    const outlook = await parseEmail(emlFixture('outlook-it-reply-with-header-block.eml'), limits);
    expect(outlook.from).toEqual({ address: 'marco.bianchi@bianchiforniture.it', name: 'Marco Bianchi' });
    const apple = await parseEmail(emlFixture('apple-mail-reply-with-quote.eml'), limits);
    expect(apple.from).toEqual({ address: 'zoe.mueller@icloud.com', name: 'Zoë Müller' });
    expect(apple.cc).toEqual(['lukas.mueller@icloud.com']);
  });

  it('parses mail without a Message-ID with a null messageId and its other fields intact', async () => {
    const mail = await parseEmail(emlFixture('reply-without-message-id.eml'), limits);
    expect(mail.messageId).toBeNull();
    expect(mail.inReplyTo).toBeNull();
    expect(mail.references).toEqual([]);
    expect(mail.from).toEqual({ address: 'joao.silva@sapo.example.pt', name: 'João Silva' });
    expect(mail.to).toEqual([TOKEN_ADDRESS]);
    expect(mail.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('normalises ids without brackets and with comments, and reads Reply-To and address groups', async () => {
    const raw = Buffer.from(
      [
        'From: "Ops" <OPS@Example.COM>',
        'To: Team: a@example.com, "B" <b@example.com>;',
        'Reply-To: Desk <Desk@Example.com>',
        'Message-ID: bare-id@example.com',
        "In-Reply-To: <parent@acme.example> (Acme's message of Tue, 3 Mar 2026)",
        'References: <one@acme.example>',
        '\t<two@acme.example> three@acme.example',
        'Subject: ids',
        '',
        'body',
      ].join('\r\n'),
    );
    const mail = await parseEmail(raw, limits);
    expect(mail.messageId).toBe('<bare-id@example.com>');
    expect(mail.inReplyTo).toBe('<parent@acme.example>');
    expect(mail.references).toEqual(['<one@acme.example>', '<two@acme.example>']);
    expect(mail.from).toEqual({ address: 'ops@example.com', name: 'Ops' });
    expect(mail.to).toEqual(['a@example.com', 'b@example.com']);
    expect(mail.replyTo).toBe('desk@example.com');
    expect(mail.date).toBeNull();
  });

  it('gives headers by lower-cased name, unfolded, with repeated fields joined by newlines', async () => {
    const mail = await parseEmail(emlFixture('outlook-out-of-office-auto-reply.eml'), limits);
    expect(mail.headers['auto-submitted']).toBe('auto-generated');
    expect(mail.headers['x-auto-response-suppress']).toBe('All');
    const list = await parseEmail(emlFixture('mailing-list-post.eml'), limits);
    expect(list.headers['list-id']).toBe('Users of the project <users.lists.opensource.example.org>');
    const gmail = await parseEmail(emlFixture('gmail-reply-with-quote.eml'), limits);
    expect(gmail.headers.received?.split('\n')).toHaveLength(2);
    expect(gmail.headers['dkim-signature']).not.toContain('\n');
  });
});

describe('parseEmail: charsets and transfer encodings', () => {
  it('decodes ISO-8859-1 quoted-printable body and encoded-word headers', async () => {
    const mail = await parseEmail(emlFixture('outlook-fr-quoted-printable-iso-8859-1.eml'), limits);
    expect(mail.from?.name).toBe('Camille Lefèvre');
    expect(mail.subject).toBe('RE\u00a0: [#12] Missed chat from Anna');
    expect(mail.text).toContain("Merci pour votre réponse rapide. Le colis est arrivé ce matin, mais l'emballage était abîmé");
    expect(mail.text).toContain('Très cordialement,');
  });

  it('decodes a base64 windows-1252 body, including the characters latin1 lacks (€, „ “, –)', async () => {
    const mail = await parseEmail(emlFixture('windows-live-de-base64-windows-1252.eml'), limits);
    expect(mail.subject).toBe('AW: [#12] Missed chat from Anna – Rückerstattung');
    expect(mail.from).toEqual({ address: 'j.weiss@t-online.example.de', name: 'Jürgen Weiß' });
    expect(mail.text).toContain(
      'Die Rechnung über 149,90 € habe ich erhalten, aber die Lieferung „Express“ wurde nicht ausgeführt – bitte',
    );
    expect(mail.text).not.toContain('\r');
  });

  it('decodes UTF-8 quoted-printable with soft line breaks', async () => {
    const mail = await parseEmail(emlFixture('outlook-it-reply-with-header-block.eml'), limits);
    expect(mail.text).toContain('vi confermo che il pacco non è ancora arrivato. Potete verificare con il corriere?');
    expect(mail.text).toContain('Ufficio acquisti – Bianchi Forniture S.r.l.');
  });

  it('unwraps format=flowed text (Thunderbird) and keeps 8bit UTF-8', async () => {
    const mail = await parseEmail(emlFixture('thunderbird-bottom-posted-reply.eml'), limits);
    expect(mail.text).toContain(
      "I found the parcel at my neighbour's door this morning, so you can close the ticket. Sorry for the trouble!",
    );
    expect(mail.text).toContain('> thank you for contacting Acme. We could not answer you right away, so we opened ticket #12 for you:');
  });

  it('decodes a base64 B-encoded UTF-8 name', async () => {
    const mail = await parseEmail(emlFixture('reply-without-message-id.eml'), limits);
    expect(mail.from?.name).toBe('João Silva');
    expect(mail.text.startsWith('Olá,\n\nainda não recebi a encomenda.')).toBe(true);
  });
});

describe('parseEmail: HTML-only mail', () => {
  it('turns HTML into readable text: blocks as lines, links as "text (url)", entities decoded, script, style, hidden preheader and images dropped', async () => {
    const mail = await parseEmail(emlFixture('html-only-reply-with-blockquote.eml'), limits);
    expect(mail.text).toBe(
      [
        'Quick question',
        '',
        'Hello Acme team,',
        '',
        'could you send the invoice for order 4521 to accounts@kowalski-design.example? Our terms are on our website (https://kowalski-design.example/terms?ref=mail&id=12).',
        '',
        ' * Company: Kowalski Design & Co.',
        ' * VAT: PL 123–456–78–90',
        '',
        'Thank you — Jan',
        '',
        'On Tue, 3 Mar 2026 at 10:00, Acme Support <support+t12.abcdef0123@inbound.acme.example> wrote:',
        '',
        '> Hello Anna,',
        '>',
        '> thank you for contacting Acme. We could not answer you right away, so we opened ticket #12 for you: we will reply to this address as soon as possible. To add anything, just reply to this email.',
        '>',
        '> --- Your conversation ---',
        '> [2026-03-03 08:58 UTC] You: Hi, my order 4521 has not arrived yet.',
      ].join('\n'),
    );
  });

  it('threads by the reply token only: no In-Reply-To or References', async () => {
    const mail = await parseEmail(emlFixture('html-only-reply-with-blockquote.eml'), limits);
    expect(mail.inReplyTo).toBeNull();
    expect(mail.references).toEqual([]);
    expect(mail.to).toEqual([TOKEN_ADDRESS]);
  });

  it('prefers the text/plain part when the mail has both', async () => {
    const mail = await parseEmail(emlFixture('outlook-it-reply-with-header-block.eml'), limits);
    expect(mail.text.startsWith('Buongiorno,\n\nvi confermo')).toBe(true);
    expect(mail.text).not.toContain('MsoNormal');
  });
});

describe('parseEmail: attachments', () => {
  it('keeps attachments within the limit with their content', async () => {
    const mail = await parseEmail(emlFixture('gmail-es-reply-with-attachments.eml'), limits);
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.skipped])).toEqual([
      ['faltan.csv', 'text/csv', false],
      ['factura-4521.pdf', 'application/pdf', false],
    ]);
    const [csv, pdf] = mail.attachments;
    expect(csv?.content?.toString('utf8')).toBe('sku,descripcion,cantidad\r\nA-1001,Taza de cerámica,2\r\nA-1002,Plato hondo,4\r\n');
    expect(csv?.size).toBe(csv?.content?.length);
    expect(pdf?.content?.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
  });

  it('drops the content of attachments over maxAttachmentBytes and marks them skipped, keeping their metadata', async () => {
    const mail = await parseEmail(emlFixture('gmail-es-reply-with-attachments.eml'), { maxAttachmentBytes: 1000 });
    const [csv, pdf] = mail.attachments;
    expect(csv).toMatchObject({ filename: 'faltan.csv', skipped: false });
    expect(csv?.content).not.toBeNull();
    expect(pdf).toEqual({ filename: 'factura-4521.pdf', contentType: 'application/pdf', size: 2248, content: null, skipped: true });
    // The mail itself is unaffected.
    expect(mail.visibleText).toBe('Hola,\n\nadjunto la factura y la lista de productos que faltan.\n\nUn saludo,\nLucía');
  });

  it('lists the report parts of a bounce as attachments, not as text', async () => {
    const mail = await parseEmail(emlFixture('postfix-dsn-bounce.eml'), limits);
    expect(mail.attachments.map((a) => a.contentType)).toEqual(['message/delivery-status', 'message/rfc822']);
    expect(mail.text).not.toContain('Reporting-MTA');
  });
});

describe('parseEmail: content hash', () => {
  it('is the same for one message delivered twice through different relays', async () => {
    const original = emlFixture('reply-without-message-id.eml');
    const relayed = Buffer.concat([
      Buffer.from(
        'Return-Path: <bounce-relay@mx2.example>\r\nDelivered-To: support@inbound.acme.example\r\nX-Original-To: support@inbound.acme.example\r\n' +
          'Received: from mx2.example (mx2.example [192.0.2.9])\r\n\tby mx.inbound.acme.example (Postfix) with ESMTP id 77AA\r\n\tfor <support@inbound.acme.example>; Tue,  3 Mar 2026 18:12:00 +0000 (UTC)\r\n',
      ),
      original,
    ]);
    const viaImapWithLf = Buffer.from(original.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    const [a, b, c] = await Promise.all([original, relayed, viaImapWithLf].map((raw) => parseEmail(raw, limits)));
    expect(b?.contentHash).toBe(a?.contentHash);
    expect(c?.contentHash).toBe(a?.contentHash);
  });

  it('differs when anything the sender wrote differs', async () => {
    const original = emlFixture('reply-without-message-id.eml');
    const edited = Buffer.from(original.toString('latin1').replace('Subject: Re: [#12]', 'Subject: Re: [#13]'), 'latin1');
    const [a, b] = await Promise.all([parseEmail(original, limits), parseEmail(edited, limits)]);
    expect(b.contentHash).not.toBe(a.contentHash);
  });
});

describe('parseEmail: malformed input', () => {
  const rejects = async (raw: Buffer, message: RegExp) => {
    const error = await parseEmail(raw, limits).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MailParseError);
    expect((error as MailParseError).code).toBe('unparseable');
    expect((error as MailParseError).message).toMatch(message);
  };

  it('rejects empty and blank input', async () => {
    await rejects(Buffer.alloc(0), /empty/);
    await rejects(Buffer.from('\r\n\r\n   \n'), /empty/);
  });

  it('rejects binary garbage', async () => {
    await rejects(emlFixture('binary-garbage.eml'), /binary data|no header block/);
  });

  it('rejects text that has no header block', async () => {
    await rejects(Buffer.from('Hello, this is just a note pasted into the mailbox.\n\nBye\n'), /no header block/);
    await rejects(Buffer.from('Note: a colon in the first line is not a header block\n\nBye\n'), /no header block/);
  });

  it('parses a multipart whose closing boundary never comes', async () => {
    const mail = await parseEmail(emlFixture('broken-mime-missing-closing-boundary.eml'), limits);
    expect(mail.messageId).toBe('<CAB4x9Tq2Lm7Nk3Rp8Vz1Hc5Yd0We6Jf4Gs9Uo2Ia7Xb3Kt@mail.gmail.com>');
    expect(mail.text.startsWith('Hallo,\n\nhet pakket is vandaag bezorgd, dank jullie wel!')).toBe(true);
    expect(mail.visibleText).toBe('Hallo,\n\nhet pakket is vandaag bezorgd, dank jullie wel!\n\nGroeten,\nSophie');
  });

  it('parses mail with headers but no From, no Date and no body with defaults', async () => {
    const mail = await parseEmail(Buffer.from('Subject: only a subject\r\n\r\n'), limits);
    expect(mail).toMatchObject({
      messageId: null,
      from: null,
      to: [],
      subject: 'only a subject',
      date: null,
      text: '',
      visibleText: '',
      attachments: [],
    });
  });

  it('survives hostile variations of real fixtures without throwing anything but MailParseError', async () => {
    const names = [
      'gmail-reply-with-quote.eml',
      'postfix-dsn-bounce.eml',
      'gmail-es-reply-with-attachments.eml',
      'html-only-reply-with-blockquote.eml',
    ];
    for (const name of names) {
      const raw = emlFixture(name);
      for (const cut of [10, 200, Math.floor(raw.length / 2), raw.length - 3]) {
        const outcome = await parseEmail(raw.subarray(0, cut), limits).then(
          () => 'parsed',
          (e: unknown) => (e instanceof MailParseError ? 'rejected' : e),
        );
        expect(['parsed', 'rejected'], `${name} cut at ${cut}`).toContain(outcome);
      }
    }
  });
});
