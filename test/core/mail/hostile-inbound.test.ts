import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '../../../core/db/schema.ts';
import type { JobQueue } from '../../../core/jobs/job-queue.ts';
import { detectBounce } from '../../../core/mail/inbound/content/bounce.ts';
import { firstMessageId } from '../../../core/mail/inbound/content/message-ids.ts';
import { parseEmail } from '../../../core/mail/inbound/content/parse-email.ts';
import { parseHeaderFields } from '../../../core/mail/inbound/content/raw-mime.ts';
import { ingestInboundEmail } from '../../../core/mail/inbound/filing/ingest-inbound-email.ts';
import { storeInboundEmail } from '../../../core/mail/inbound/store/store-inbound-email.ts';
import { updateProperty } from '../../../core/properties/property-store.ts';
import { makeProperty } from '../../support/inbox-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

// Regressions found by the inbound fuzz run (test/faults/fuzz-email.test.ts): mail that made
// storing or filing throw, so it was never filed nor quarantined (the job retried and gave
// up, the row stayed "received"), and a header that took seconds to read.

const limits = { maxAttachmentBytes: 1024 * 1024 };
// No job needs to run here: filing is called directly, as the inbound-email job does.
const jobs: JobQueue = { add: async () => {}, addBulk: async () => {}, remove: async () => {}, requeue: async () => {} };

let t: TestDatabase;
let property: Property;
let sequence = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  property = await updateProperty(t.db, (await makeProperty(t.db, 'hostile')).id, {
    inbound_domain: 'in.hostile.example',
    support_address: 'help@hostile.example',
  });
});

afterAll(async () => {
  await t?.drop();
});

function raw(headers: string[], body = 'Hello.', messageId: string | null = `<hostile-${++sequence}@sender.example>`): Buffer {
  return Buffer.from(
    [...(messageId === null ? [] : [`Message-ID: ${messageId}`]), 'To: help@in.hostile.example', ...headers, '', body, ''].join('\r\n'),
    'latin1',
  );
}

async function storeAndFile(message: Buffer) {
  const stored = await storeInboundEmail(t.db, jobs, message, { propertyId: property.id, via: 'imap' });
  await ingestInboundEmail(t.db, jobs, stored.id, limits);
  return t.db.selectFrom('inbound_emails').selectAll().where('id', '=', stored.id).executeTakeFirstOrThrow();
}

describe('NUL characters (Postgres text cannot hold them)', () => {
  it('files mail whose subject, sender name and body decode to NULs, without the NULs', async () => {
    const row = await storeAndFile(
      raw(
        [
          'From: =?utf-8?Q?An=00na?= <anna@example.com>',
          'Subject: =?utf-8?Q?Par=00cel?=',
          'Content-Type: text/plain; charset=utf-8',
          'Content-Transfer-Encoding: quoted-printable',
        ],
        'Where=00 is it?',
      ),
    );
    expect(row.status).toBe('threaded');
    expect(row.subject).toBe('Parcel');
    const ticket = await t.db.selectFrom('tickets').select(['id', 'subject']).where('id', '=', row.ticket_id!).executeTakeFirstOrThrow();
    expect(ticket.subject).toBe('Parcel');
    const message = await t.db
      .selectFrom('messages')
      .select(['body', 'author_name'])
      .where('inbound_email_id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(message).toEqual({ body: 'Where is it?', author_name: 'Anna' });
  });

  it('files mail with a NUL in its body (raw, as base64 decodes it)', async () => {
    const row = await storeAndFile(
      raw(['From: anna@example.com', 'Subject: binary', 'Content-Transfer-Encoding: base64'], Buffer.from('a\u0000b').toString('base64')),
    );
    expect(row.status).toBe('threaded');
  });

  it('stores mail whose Message-ID holds a NUL, as mail without a Message-ID', async () => {
    expect(firstMessageId('<a\u0000b@example.com>')).toBeNull();
    const message = raw(['From: anna@example.com', 'Subject: odd id'], 'Hello.', '<nul\u0000id@example.com>');
    const row = await storeAndFile(message);
    expect(row.message_id).toBeNull();
    // The header block holds a raw NUL: not an email's header block, so quarantined.
    expect(row.status).toBe('quarantined');
    expect(row.reason).toMatch(/binary data/);
    // Delivered again, it is the same message (by content).
    const again = await storeInboundEmail(t.db, jobs, message, { propertyId: property.id, via: 'smtp' });
    expect(again).toEqual({ id: row.id, duplicate: true });
  });

  it('files a bounce whose X-Failed-Recipients holds a NUL', async () => {
    const bounce = detectBounce(raw(['From: MAILER-DAEMON@mx.example', 'Subject: failure', 'X-Failed-Recipients: gone\u0000@example.com']));
    expect(bounce).toMatchObject({
      bounced: true,
      failedRecipients: ['gone@example.com'],
      reason: 'X-Failed-Recipients: gone@example.com',
    });
    const row = await storeAndFile(
      raw(['From: MAILER-DAEMON@mx.example', 'Subject: failure', 'X-Failed-Recipients: gone\u0000@example.com']),
    );
    expect(row.status).toBe('bounce');
  });
});

describe('senders that are not addresses', () => {
  for (const from of ['@b', '"x" <@>', '<<<@@>>>', 'owner@example\ufffdcom', `${'l'.repeat(300)}@example.com`]) {
    it(`quarantines mail from ${JSON.stringify(from.slice(0, 30))} with its reason`, async () => {
      const message = [
        `From: ${from}`,
        'To: help@in.hostile.example',
        'Subject: who?',
        `Message-ID: <hostile-${++sequence}@sender.example>`,
        '',
        'Hello.',
        '',
      ];
      const row = await storeAndFile(Buffer.from(message.join('\r\n'), 'utf8'));
      expect(row.status).toBe('quarantined');
      expect(row.reason).toBe('no usable sender address (From)');
    });
  }

  it('takes the first usable address of a From that lists several', async () => {
    const mail = await parseEmail(raw(['From: "Broken" <@nowhere>, Anna <anna@example.com>', 'Subject: two']), limits);
    expect(mail.from).toEqual({ address: 'anna@example.com', name: 'Anna' });
  });
});

describe('a header folded over thousands of lines', () => {
  it('is read in linear time (20,000 folds took about a second per read, three reads per email)', () => {
    const head = `From: a@example.com\r\nX-Folded: ${Array.from({ length: 80_000 }, (_, i) => `part${i}`).join('\r\n\t')}\r\nSubject: x`;
    const started = performance.now();
    const fields = parseHeaderFields(head);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(fields.map((f) => f.name)).toEqual(['from', 'x-folded', 'subject']);
    expect(fields[1]!.value.startsWith('part0 part1 part2')).toBe(true);
    expect(fields[1]!.value.endsWith('part79999')).toBe(true);
  });

  it('unfolds as before: blank continuation lines add nothing, pieces join with one space', () => {
    expect(parseHeaderFields('Subject:  a \r\n\t b\r\n \r\n\tc\r\nTo:\r\n x')).toEqual([
      { name: 'subject', value: 'a b c' },
      { name: 'to', value: 'x' },
    ]);
  });
});
