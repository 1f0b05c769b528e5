// Replies to an existing ticket, threaded by References, reply token or subject tag.
import type { Ctx, EmailKind, ThreadTarget } from './corpus.ts';
import { ascii, encodeWord, htmlEscape, mailbox, quotedPrintable, toHtml, utf8Bytes } from './mime-text.ts';

/** A reply of `kind` to the ticket `t`. */
export function replyEmail(kind: EmailKind, t: ThreadTarget, c: Ctx): string {
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
      const html = toHtml(
        paras,
        `<div class="gmail_quote"><div class="gmail_attr">On Mon, 3 Mar 2025 at 10:02, ${htmlEscape(c.addresses.supportName)} wrote:<br></div><blockquote class="gmail_quote" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">${quotedAgent.map(htmlEscape).join('<br>')}</blockquote></div>`,
      );
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
      const html = toHtml(
        paras,
        `<div id="appendonsend"></div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg"><b>From:</b> ${htmlEscape(c.addresses.supportName)}<br><b>Sent:</b> Monday, March 3, 2025 10:02 AM<br><b>Subject:</b> ${htmlEscape(reSubject)}</div><div>${quotedAgent.map(htmlEscape).join('<br>')}</div>`,
      );
      return [
        ...base(`${mailbox(c.addresses.supportName, t.replyAddress)}`, `RE: ${t.subject}`, [
          'Thread-Topic: ' + t.subject,
          'X-MS-Has-Attach: ',
          'Content-Language: en-US',
        ]),
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
