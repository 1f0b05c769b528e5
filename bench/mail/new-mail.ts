// New mail to the support address, of each kind the corpus has.
import type { Ctx, EmailKind } from './corpus.ts';
import { latinSentences, words } from './corpus-words.ts';
import { base64Lines, crlf, encodeWord, fileBytes, htmlEscape, mailbox, quotedPrintable, toHtml, utf8Bytes } from './mime-text.ts';

/** A new email of `kind` from `from`. */
export function newEmail(kind: EmailKind, from: { name: string; address: string }, c: Ctx): string {
  const subjectWords = c
    .sentence()
    .replace(/[.?!]$/, '')
    .split(' ')
    .slice(0, c.int(3, 7))
    .join(' ');
  const subject =
    kind === 'qp-latin1-new'
      ? c.pick(['Lieferung verspätet', 'Größe ändern', 'Problème de livraison', 'Rückerstattung für Bestellung'])
      : subjectWords;
  const head = [
    `Return-Path: <${from.address}>`,
    `Received: from mx.${from.address.split('@')[1]} (mx [192.0.2.${c.int(1, 254)}]) by mx.bench.example with ESMTPS id ${c.id}; ${c.date}`,
    `From: ${mailbox(from.name, from.address)}`,
    `To: ${mailbox(c.addresses.supportName, c.addresses.support)}`,
    kind === 'qp-latin1-new'
      ? `Subject: =?ISO-8859-1?Q?${Buffer.from(subject, 'latin1')
          .toString('latin1')
          .replace(/[^A-Za-z0-9]/g, (ch) => (ch === ' ' ? '_' : `=${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`))}?=`
      : `Subject: ${encodeWord(subject)}`,
    `Date: ${c.date}`,
    `Message-ID: <${c.id}@${from.address.split('@')[1]}>`,
    'MIME-Version: 1.0',
  ];
  const paras = c.paragraphs(c.int(1, 5));
  const signature = `-- \n${from.name}\n${c.int(10, 99)} ${c.pick(['Main Street', 'Via Roma', 'Hauptstraße', 'Rue de la Paix'])}`;
  const text = `Hello,\n\n${paras.join('\n\n')}\n\nThanks,\n${from.name}\n\n${signature}\n`;
  switch (kind) {
    case 'plain-new':
      return [...head, 'Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit', '', crlf(utf8Bytes(text))].join(
        '\r\n',
      );
    case 'html-only-new': {
      const table = `<table border="1"><tr><th>Order</th><th>Item</th><th>Qty</th></tr>${Array.from({ length: c.int(1, 6) }, (_, i) => `<tr><td>#${c.int(10000, 99999)}</td><td>${c.pick(words)} ${c.pick(words)}</td><td>${i + 1}</td></tr>`).join('')}</table>`;
      const html = toHtml(
        paras,
        `${table}<p>See <a href="https://shop.example/orders/${c.int(1, 99999)}">my order</a>.</p><p>${htmlEscape(from.name)}</p>`,
      );
      return [
        ...head,
        'Content-Type: text/html; charset=UTF-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        quotedPrintable(utf8Bytes(html)),
      ].join('\r\n');
    }
    case 'qp-latin1-new': {
      const body = `${Array.from({ length: c.int(2, 6) }, () => c.pick(latinSentences)).join('\n')}\n\n${paras[0]}\n\nMit freundlichen Grüßen\n${from.name}\n`;
      return [
        ...head,
        'Content-Type: text/plain; charset=ISO-8859-1',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        quotedPrintable(Buffer.from(body, 'latin1').toString('latin1')),
      ].join('\r\n');
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
