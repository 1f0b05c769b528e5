import { describe, expect, it } from 'vitest';
import { parseEmail } from '../../../../../core/mail/inbound/content/parse-email.ts';
import { trimReply } from '../../../../../core/mail/inbound/content/trim-reply.ts';
import { emlFixture } from './eml-fixture.ts';

const ORIGINAL = [
  'Hello Anna,',
  '',
  'thank you for contacting Acme. We opened ticket #12 for you.',
  '',
  '--- Your conversation ---',
  '[2026-03-03 08:58 UTC] You: Hi, my order 4521 has not arrived yet.',
];
const quoted = ORIGINAL.map((l) => (l ? `> ${l}` : '>'));
const lines = (...parts: (string | string[])[]) => parts.flat().join('\n');

describe('trimReply on real client fixtures: visibleText is exactly the new text', () => {
  const cases: [string, string][] = [
    [
      'gmail-reply-with-quote.eml',
      'Hi,\n\nthe parcel still has not arrived. The tracking number is 1Z999AA10123456784 and the last scan says "in transit" since Friday.\n\nThanks,\nAnna',
    ],
    [
      'outlook-it-reply-with-header-block.eml',
      'Buongiorno,\n\nvi confermo che il pacco non è ancora arrivato. Potete verificare con il corriere?\n\nCordiali saluti\nMarco Bianchi\nUfficio acquisti – Bianchi Forniture S.r.l.',
    ],
    [
      'apple-mail-reply-with-quote.eml',
      'Hello,\n\njust to add: I will be at home all day tomorrow, so the courier can come any time.\n\nZoë',
    ],
    [
      'thunderbird-bottom-posted-reply.eml',
      "Hello,\n\nI found the parcel at my neighbour's door this morning, so you can close the ticket. Sorry for the trouble!\n\nKind regards,\nPieter",
    ],
    ['yahoo-reply-with-attribution.eml', 'Hi, any news about my order? It is now a week late.\n\nMaria'],
    [
      'html-only-reply-with-blockquote.eml',
      'Quick question\n\nHello Acme team,\n\ncould you send the invoice for order 4521 to accounts@kowalski-design.example? Our terms are on our website (https://kowalski-design.example/terms?ref=mail&id=12).\n\n * Company: Kowalski Design & Co.\n * VAT: PL 123–456–78–90\n\nThank you — Jan',
    ],
    [
      'outlook-fr-quoted-printable-iso-8859-1.eml',
      "Bonjour,\n\nMerci pour votre réponse rapide. Le colis est arrivé ce matin, mais l'emballage était abîmé : pouvez-vous m'envoyer un bon de retour ?\n\nTrès cordialement,\nCamille Lefèvre",
    ],
    [
      'windows-live-de-base64-windows-1252.eml',
      'Guten Tag,\n\nvielen Dank. Die Rechnung über 149,90 € habe ich erhalten, aber die Lieferung „Express“ wurde nicht ausgeführt – bitte erstatten Sie die Differenz.\n\nMit freundlichen Grüßen\nJürgen Weiß',
    ],
    ['gmail-es-reply-with-attachments.eml', 'Hola,\n\nadjunto la factura y la lista de productos que faltan.\n\nUn saludo,\nLucía'],
    ['reply-without-message-id.eml', 'Olá,\n\nainda não recebi a encomenda. Podem verificar, por favor?\n\nObrigado,\nJoão'],
    ['broken-mime-missing-closing-boundary.eml', 'Hallo,\n\nhet pakket is vandaag bezorgd, dank jullie wel!\n\nGroeten,\nSophie'],
  ];
  it.each(cases)('%s', async (name, expected) => {
    const mail = await parseEmail(emlFixture(name), { maxAttachmentBytes: 1_000_000 });
    expect(mail.visibleText).toBe(expected);
    expect(mail.text.length).toBeGreaterThan(mail.visibleText.length);
  });
});

describe('trimReply: attributions', () => {
  const reply = 'Thanks, that works for me.';
  const attributions: [string, string][] = [
    ['Gmail', 'On Tue, 3 Mar 2026 at 10:00, Acme Support <support@inbound.acme.example> wrote:'],
    ['Gmail, 12-hour clock', 'On Tue, Mar 3, 2026 at 10:00 AM Acme Support <support@inbound.acme.example> wrote:'],
    ['Apple Mail', 'On 3 Mar 2026, at 10:00, Acme Support <support@inbound.acme.example> wrote:'],
    ['Thunderbird', 'On 03/03/2026 10:00, Acme Support wrote:'],
    ['Yahoo', 'On Tuesday, March 3, 2026, 10:00:00 AM GMT+1, Acme Support <support@inbound.acme.example> wrote:'],
    ['Gmail Italian', 'Il giorno mar 3 mar 2026 alle ore 10:00 Acme Support <support@inbound.acme.example> ha scritto:'],
    ['Apple Mail Italian', 'Il 3 mar 2026, alle ore 10:00, Acme Support <support@inbound.acme.example> ha scritto:'],
    ['Gmail French (narrow no-break space)', 'Le mar. 3 mars 2026 à 10:00, Acme Support <support@inbound.acme.example> a écrit\u202f:'],
    ['Thunderbird French', 'Le 03/03/2026 à 10:00, Acme Support a écrit :'],
    ['Gmail German', 'Am Di., 3. März 2026 um 10:00 Uhr schrieb Acme Support <support@inbound.acme.example>:'],
    ['Thunderbird German', 'Am 03.03.26 um 10:00 schrieb Acme Support:'],
    ['Gmail Spanish', 'El mar, 3 mar 2026 a las 10:00, Acme Support (<support@inbound.acme.example>) escribió:'],
    ['Gmail Portuguese', 'Em ter., 3 de mar. de 2026 às 10:00, Acme Support <support@inbound.acme.example> escreveu:'],
    ['Gmail Dutch', 'Op di 3 mrt 2026 om 10:00 schreef Acme Support <support@inbound.acme.example>:'],
  ];

  it.each(attributions)('%s, top-posted with "> " quotes', (_client, attribution) => {
    expect(trimReply(lines(reply, '', attribution, '', quoted))).toBe(reply);
  });

  it.each(attributions)('%s, top-posted with unquoted history below', (_client, attribution) => {
    expect(trimReply(lines(reply, '', attribution, '', ORIGINAL))).toBe(reply);
  });

  it('recognises an attribution wrapped over two lines (Gmail wraps at 78 columns)', () => {
    const text = lines(
      reply,
      '',
      'On Tue, 3 Mar 2026 at 10:00, Acme Support Team <support+t12.abcdef0123@inbound.acme.example>',
      'wrote:',
      '',
      quoted,
    );
    expect(trimReply(text)).toBe(reply);
  });

  it('recognises an attribution wrapped inside the address', () => {
    const text = lines(
      reply,
      '',
      'Il giorno mar 3 mar 2026 alle ore 10:00 Acme Support <',
      'support+t12.abcdef0123@inbound.acme.example> ha scritto:',
      '',
      quoted,
    );
    expect(trimReply(text)).toBe(reply);
  });

  it('recognises an attribution wrapped over three lines', () => {
    const text = lines(
      reply,
      '',
      'On Tuesday, March 3, 2026, 10:00:00 AM GMT+1,',
      'Acme Customer Support Team',
      '<support+t12.abcdef0123@inbound.acme.example> wrote:',
      '',
      ORIGINAL,
    );
    expect(trimReply(text)).toBe(reply);
  });

  it('does not take a sentence starting with "On" for an attribution', () => {
    const text = lines(
      'On second thought, I would rather keep it.',
      'The colleague who wrote:',
      'please ignore the last message.',
      '',
      'Marta',
    );
    expect(trimReply(text)).toBe(text);
  });
});

describe('trimReply: Outlook', () => {
  const reply = 'Please call me back tomorrow.';
  const blocks: [string, string[]][] = [
    [
      'English',
      [
        'From: Acme Support <support@inbound.acme.example>',
        'Sent: Tuesday, March 3, 2026 10:00 AM',
        'To: Anna Rossi <anna@example.com>',
        'Subject: [#12] Missed chat from Anna',
      ],
    ],
    [
      'Italian',
      [
        'Da: Acme Support <support@inbound.acme.example>',
        'Inviato: martedì 3 marzo 2026 10:00',
        'A: Anna Rossi <anna@example.com>',
        'Oggetto: [#12] Missed chat from Anna',
      ],
    ],
    [
      'French',
      [
        'De : Acme Support <support@inbound.acme.example>',
        'Envoyé : mardi 3 mars 2026 10:00',
        'À : Anna Rossi <anna@example.com>',
        'Objet : [#12] Missed chat from Anna',
      ],
    ],
    [
      'German',
      [
        'Von: Acme Support <support@inbound.acme.example>',
        'Gesendet: Dienstag, 3. März 2026 10:00',
        'An: Anna Rossi <anna@example.com>',
        'Betreff: [#12] Missed chat from Anna',
      ],
    ],
    [
      'Spanish',
      [
        'De: Acme Support <support@inbound.acme.example>',
        'Enviado: martes, 3 de marzo de 2026 10:00',
        'Para: Anna Rossi <anna@example.com>',
        'Asunto: [#12] Missed chat from Anna',
      ],
    ],
    [
      'Outlook for Mac, with Date and Cc',
      [
        'From: Acme Support <support@inbound.acme.example>',
        'Date: Tuesday, 3 March 2026 at 10:00',
        'To: Anna Rossi <anna@example.com>',
        'Cc: Luca <luca@example.com>',
        'Subject: [#12] Missed chat from Anna',
      ],
    ],
  ];

  it.each(blocks)('%s header block after a blank line', (_lang, block) => {
    expect(trimReply(lines(reply, '', block, '', ORIGINAL))).toBe(reply);
  });

  it.each(blocks)('%s header block under a rule of underscores', (_lang, block) => {
    expect(trimReply(lines(reply, '', '________________________________', block, '', ORIGINAL))).toBe(reply);
  });

  it.each([
    '-----Original Message-----',
    '-----Messaggio originale-----',
    "-----Message d'origine-----",
    '-----Ursprüngliche Nachricht-----',
    '-----Mensaje original-----',
    '----- Original Message -----',
  ])('cuts at the separator %s', (separator) => {
    expect(trimReply(lines(reply, '', separator, blocks[0]?.[1] ?? [], '', ORIGINAL))).toBe(reply);
  });

  it('cuts at a Yahoo "----- Original Message -----" with its short header block', () => {
    const text = lines(
      reply,
      '',
      '----- Original Message -----',
      'From: Acme Support <support@inbound.acme.example>',
      'To: anna@example.com',
      'Sent: Tuesday, March 3, 2026 10:00 AM',
      'Subject: [#12]',
      '',
      ORIGINAL,
    );
    expect(trimReply(text)).toBe(reply);
  });

  it('keeps a lone "From:" line in the new text: a header block needs two more fields', () => {
    const text = lines('From: the warehouse in Milan', 'To be honest I expected it sooner.', '', 'Anna');
    expect(trimReply(text)).toBe(text);
  });
});

describe('trimReply: quotes at the end and bottom-posting', () => {
  it('drops a trailing "> " block without attribution', () => {
    expect(trimReply(lines('Yes, please.', '', quoted))).toBe('Yes, please.');
  });

  it('drops an iOS Mail quote whose attribution is itself quoted', () => {
    const text = lines(
      'Sounds good',
      '',
      'Sent from my iPhone',
      '',
      '> On 3 Mar 2026, at 10:00, Acme Support <support@inbound.acme.example> wrote:',
      '> ',
      quoted,
    );
    expect(trimReply(text)).toBe('Sounds good');
  });

  it('drops an attribution without a date just above a trailing quote', () => {
    expect(trimReply(lines('Done.', '', 'Acme Support <support@inbound.acme.example> wrote:', quoted))).toBe('Done.');
  });

  it('keeps the reply under a bottom-posted quote', () => {
    const text = lines('On 03/03/2026 10:00, Acme Support wrote:', quoted, '', 'It arrived, thanks.', '', 'Pieter');
    expect(trimReply(text)).toBe('It arrived, thanks.\n\nPieter');
  });

  it('keeps an interleaved reply whole: the answers need their questions', () => {
    const text = lines(
      'On 03/03/2026 10:00, Acme Support wrote:',
      '> What is your order number?',
      '4521',
      '',
      '> When did you order?',
      'Last Monday.',
    );
    expect(trimReply(text)).toBe(text);
  });

  it('keeps interleaved quotes in the middle of a top-posted text', () => {
    const text = lines('About your questions:', '> What is your order number?', '4521', '> When did you order?', 'Last Monday.');
    expect(trimReply(text)).toBe(text);
  });
});

describe('trimReply: signatures', () => {
  it('cuts at the "-- " delimiter, and at "--" without its space', () => {
    expect(trimReply('See you.\n\n-- \nAnna Rossi\nAcme fan club')).toBe('See you.');
    expect(trimReply('See you.\n--\nAnna Rossi')).toBe('See you.');
  });

  it('keeps dashes that are part of the text', () => {
    expect(trimReply('Order --4521-- is late\n--- details ---\nnone')).toBe('Order --4521-- is late\n--- details ---\nnone');
  });

  it.each([
    'Sent from my iPhone',
    'Sent from my iPad',
    'Inviato da iPhone',
    'Inviato dal mio iPhone',
    'Envoyé de mon iPhone',
    'Von meinem iPhone gesendet',
    'Enviado desde mi iPhone',
    'Sent from Outlook for Android',
    'Get Outlook for iOS<https://aka.ms/o0ukef>',
    'Sent from Yahoo Mail on Android',
    'Sent from my Galaxy',
  ])('cuts the app signature "%s"', (signature) => {
    expect(trimReply(`Ok, thanks!\n\n${signature}`)).toBe('Ok, thanks!');
  });

  it('keeps sentences that merely start like an app signature', () => {
    const text = 'Sent from the shop on Friday, the parcel is still missing.';
    expect(trimReply(text)).toBe(text);
  });

  it('cuts signature and quote together (signature above the quote)', () => {
    const text = lines(
      'Fine by me.',
      '',
      'Inviato da iPhone',
      '',
      'Il giorno 3 mar 2026, alle ore 10:00, Acme Support <support@inbound.acme.example> ha scritto:',
      '',
      quoted,
    );
    expect(trimReply(text)).toBe('Fine by me.');
  });
});

describe('trimReply: never empty', () => {
  it('returns the original, trimmed, when everything would be removed', () => {
    const onlyQuote = lines('', quoted, '');
    expect(trimReply(onlyQuote)).toBe(onlyQuote.trim());
    expect(trimReply('-- \nAnna Rossi')).toBe('-- \nAnna Rossi');
    expect(trimReply('Sent from my iPhone')).toBe('Sent from my iPhone');
    const forwarded = lines('-----Original Message-----', 'From: a@example.com', 'Sent: today', 'To: b@example.com', '', 'text');
    expect(trimReply(forwarded)).toBe(forwarded);
  });

  it('returns an empty string only for empty input', () => {
    expect(trimReply('')).toBe('');
    expect(trimReply(' \n\t\n')).toBe('');
  });

  it('normalises CRLF and trims surrounding blank lines', () => {
    expect(trimReply('\r\n\r\nHello\r\nthere\r\n\r\n> quoted\r\n')).toBe('Hello\nthere');
  });
});
