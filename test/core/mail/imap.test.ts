import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertContact } from '../../../core/contacts/contacts.ts';
import type { Ticket } from '../../../core/db/schema.ts';
import { ConfigError, isPermanent, ValidationError } from '../../../core/errors.ts';
import { parseImapUrl, redactImapUrl } from '../../../core/mail/imap-url.ts';
import { storeInboundEmail } from '../../../core/mail/inbound/store/store-inbound-email.ts';
import { parsePropertySettings } from '../../../core/properties/property-settings.ts';
import { updateProperty } from '../../../core/properties/property-store.ts';
import { replyToTicket } from '../../../core/tickets/reply-to-ticket.ts';
import { createTicket } from '../../../core/tickets/ticket-store.ts';
import { pollImapMailbox, STORED_KEYWORD } from '../../../worker/ingress/imap-poll.ts';
import { syncImapSchedules } from '../../../worker/ingress/imap-schedules.ts';
import type { RunningWorkers } from '../../../worker/start-workers.ts';
import { startDovecot, type Dovecot } from '../../support/dovecot.ts';
import { startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';
import { waitFor } from '../../support/wait-for.ts';

// The IMAP poller against a real dovecot (installed by the test setup when missing), real
// Postgres and Redis. The tests run in order on one mailbox and one property.

const visitor = 'visitor@example.net';
let dovecot: Dovecot;
let p: Pipeline;
let ticket: Ticket;
let agentMessageId: string;
let sequence = 0;

function mail(options: { subject?: string; inReplyTo?: string; body?: string; messageId?: string } = {}): string {
  const id = options.messageId ?? `<imap-test-${++sequence}.${Date.now()}@example.net>`;
  return [
    `From: Visitor <${visitor}>`,
    'To: support@shop.example',
    `Subject: ${options.subject ?? 'Re: your order'}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${id}`,
    ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`, `References: ${options.inReplyTo}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    options.body ?? 'Thanks, that helps.',
    '',
  ].join('\r\n');
}

/** UID → flags of every message in a mailbox of the test user. */
async function serverFlags(mailbox = 'INBOX'): Promise<Map<number, Set<string>>> {
  const client = await dovecot.connect();
  try {
    const lock = await client.getMailboxLock(mailbox);
    try {
      const flags = new Map<number, Set<string>>();
      if (client.mailbox && client.mailbox.exists > 0) {
        for await (const m of client.fetch('1:*', { uid: true, flags: true })) flags.set(m.uid, m.flags ?? new Set());
      }
      return flags;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

const inboundCount = async () =>
  Number(
    (
      await p.t.db
        .selectFrom('inbound_emails')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  dovecot = await startDovecot({ log: (msg) => console.log(`[dovecot] ${msg}`) });
  p = await startPipeline({ inbound_domain: 'shop.example', imap_url: dovecot.url() });
  const contact = await upsertContact(p.t.db, p.property.id, { email: visitor, name: 'Visitor' });
  ticket = await createTicket(p.t.db, { propertyId: p.property.id, subject: 'Your order', contact });
  const { outbox } = await replyToTicket(p.t.db, p.jobs, p.property.id, `T${ticket.number}`, { body: 'Your order ships tomorrow.' });
  agentMessageId = outbox.message_id;
}, 300_000); // the first run may apt-get install dovecot-imapd

afterAll(async () => {
  await p?.close();
  await dovecot?.stop();
});

describe('IMAP polling', () => {
  let worker: RunningWorkers;

  it("the worker schedules a poll of the property's mailbox: a reply is fetched, stored, threaded and marked", async () => {
    await dovecot.append(mail({ inReplyTo: agentMessageId, body: 'Great, thanks! Will it come by post?' }));
    worker = await p.startWorker();

    const scheduler = await p.jobs.queue('mail-inbound').getJobScheduler(`imap-poll-${p.property.id}`);
    expect(scheduler).toMatchObject({ every: 30_000, name: 'imap-poll' });
    // The schedule's first run is immediate; the stored mail's inbound-email job threads it.
    const stored = await waitFor(
      () => p.t.db.selectFrom('inbound_emails').selectAll().where('processed_at', 'is not', null).executeTakeFirst(),
      'the polled email to be stored and processed',
    );
    expect(stored).toMatchObject({ received_via: 'imap', status: 'threaded', ticket_id: ticket.id, from_address: visitor });
    const messages = await p.t.db.selectFrom('messages').selectAll().where('ticket_id', '=', ticket.id).orderBy('id').execute();
    expect(messages.map((m) => [m.sender, m.body])).toEqual([
      ['agent', 'Your order ships tomorrow.'],
      ['visitor', 'Great, thanks! Will it come by post?'],
    ]);
    expect(messages[1]!.inbound_email_id).toBe(stored.id);
    // The poll marks the mail after storing it, so the email can be filed before the poll job
    // is done: closing the worker lets that job finish.
    await worker.close();
    // Marked on the server only after it was stored: seen, with our keyword, still in INBOX.
    const flags = [...(await serverFlags()).values()];
    expect(flags).toHaveLength(1);
    expect([...flags[0]!]).toEqual(expect.arrayContaining(['\\Seen', STORED_KEYWORD]));
  });

  it('polling again stores nothing new', async () => {
    const before = await inboundCount();
    expect(await pollImapMailbox(p.t.db, p.jobs, p.property.id)).toMatchObject({ mode: 'keyword', found: 0, stored: 0, duplicates: 0 });
    expect(await inboundCount()).toBe(before);
  });

  it('a message stored but not marked (a crash in between) is fetched again and stored once', async () => {
    const raw = mail({ subject: 'stored before the crash' });
    await dovecot.append(raw);
    // As if a poll had stored it and died before setting the keyword.
    await storeInboundEmail(p.t.db, p.jobs, Buffer.from(raw), { propertyId: p.property.id, via: 'imap' });
    const before = await inboundCount();
    expect(await pollImapMailbox(p.t.db, p.jobs, p.property.id)).toMatchObject({ found: 1, stored: 0, duplicates: 1 });
    expect(await inboundCount()).toBe(before);
    for (const f of (await serverFlags()).values()) expect(f.has(STORED_KEYWORD)).toBe(true);
  });

  it('a message appended twice (same Message-ID) is stored once and both copies are marked', async () => {
    const raw = mail({ subject: 'delivered twice', messageId: '<twice.1@example.net>' });
    await dovecot.append(raw);
    await dovecot.append(raw);
    expect(await pollImapMailbox(p.t.db, p.jobs, p.property.id)).toMatchObject({ found: 2, stored: 1, duplicates: 1 });
    const rows = await p.t.db
      .selectFrom('inbound_emails')
      .select(['id', 'received_via'])
      .where('message_id', '=', '<twice.1@example.net>')
      .execute();
    expect(rows).toEqual([{ id: expect.any(String), received_via: 'imap' }]);
    for (const f of (await serverFlags()).values()) expect(f.has(STORED_KEYWORD)).toBe(true);
  });

  it('takes at most maxMessages per run and the rest on the next run', async () => {
    for (let i = 0; i < 3; i++) await dovecot.append(mail({ subject: `batch ${i}` }));
    expect(await pollImapMailbox(p.t.db, p.jobs, p.property.id, { maxMessages: 2 })).toMatchObject({ found: 3, stored: 2, remaining: 1 });
    expect(await pollImapMailbox(p.t.db, p.jobs, p.property.id, { maxMessages: 2 })).toMatchObject({ found: 1, stored: 1, remaining: 0 });
  });

  it('leaves a message over the size limit on the server, flagged, unstored and out of later runs', async () => {
    await dovecot.append(mail({ subject: 'huge', body: 'x'.repeat(20_000) }));
    const before = await inboundCount();
    expect(await pollImapMailbox(p.t.db, p.jobs, p.property.id, { maxMessageBytes: 10_000 })).toMatchObject({
      found: 1,
      stored: 0,
      tooLarge: 1,
    });
    expect(await inboundCount()).toBe(before);
    expect(await pollImapMailbox(p.t.db, p.jobs, p.property.id, { maxMessageBytes: 10_000 })).toMatchObject({ found: 0 });
    const flagged = [...(await serverFlags()).values()].filter((f) => f.has('\\Flagged'));
    expect(flagged).toHaveLength(1);
    expect(flagged[0]!.has('\\Seen')).toBe(false);
  });

  it('move mode (servers without keywords) moves stored mail to Switchboard/Processed', async () => {
    // Everything left in the mailbox counts as new in move mode: the stored ones are duplicates.
    await dovecot.append(mail({ subject: 'moved' }));
    const inInbox = (await serverFlags()).size;
    const result = await pollImapMailbox(p.t.db, p.jobs, p.property.id, { mark: 'move', maxMessageBytes: 10_000 });
    expect(result).toMatchObject({ mode: 'move', found: inInbox, stored: 1, tooLarge: 1, duplicates: inInbox - 2 });
    expect((await serverFlags()).size).toBe(0);
    expect((await serverFlags('Switchboard/Processed')).size).toBe(inInbox - 1);
    expect((await serverFlags('Switchboard/TooLarge')).size).toBe(1);
    expect(await pollImapMailbox(p.t.db, p.jobs, p.property.id, { mark: 'move' })).toMatchObject({ found: 0, stored: 0 });
  });

  it('a mailbox that does not exist is a permanent error naming it', async () => {
    await updateProperty(p.t.db, p.property.id, { imap_url: dovecot.url('Nope') });
    const error = await pollImapMailbox(p.t.db, p.jobs, p.property.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/imap:\/\/tester@127\.0\.0\.1:\d+\/Nope failed: the mailbox does not exist/);
  });

  // Last login test: after a failed login, dovecot delays the next logins from 127.0.0.1 (auth penalty).
  it('bad credentials fail the poll with a clear, permanent error that does not show the password', async () => {
    await updateProperty(p.t.db, p.property.id, { imap_url: dovecot.url('INBOX', { pass: 'wrong-password' }) });
    const error = await pollImapMailbox(p.t.db, p.jobs, p.property.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(isPermanent(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /property shop: IMAP login to imap:\/\/tester@127\.0\.0\.1:\d+\/INBOX refused: bad credentials \(AUTHENTICATIONFAILED/,
    );
    expect((error as Error).message).not.toContain('wrong-password');
  });

  it('a server that is down is a transient error (the next scheduled poll tries again)', async () => {
    await updateProperty(p.t.db, p.property.id, { imap_url: 'imap://tester:x@127.0.0.1:1/INBOX' });
    const error = await pollImapMailbox(p.t.db, p.jobs, p.property.id, { connectionTimeoutMs: 2000 }).catch((e: unknown) => e);
    expect(isPermanent(error)).toBe(false);
    expect((error as Error).message).toMatch(/IMAP login to imap:\/\/tester@127\.0\.0\.1:1\/INBOX failed: .*ECONNREFUSED/);
  });

  it('a cleared imap-url skips the poll and removes its schedule', async () => {
    await updateProperty(p.t.db, p.property.id, { imap_url: null });
    expect(await pollImapMailbox(p.t.db, p.jobs, p.property.id)).toMatchObject({ mode: 'skipped' });
    const queue = p.jobs.queue('mail-inbound');
    expect(await syncImapSchedules(p.t.db, queue, 30_000)).toEqual({ active: 0, added: 0, removed: 1 });
    expect(await queue.getJobScheduler(`imap-poll-${p.property.id}`)).toBeUndefined();
  });
});

describe('imap-url setting', () => {
  it('accepts imap:// and imaps:// URLs with credentials, decoding them, and defaults port and mailbox', () => {
    expect(parsePropertySettings(['imap-url=imaps://me%40shop.example:p%2Fw@mail.example.com'])).toEqual({
      imap_url: 'imaps://me%40shop.example:p%2Fw@mail.example.com',
    });
    expect(parseImapUrl('imaps://me%40shop.example:p%2Fw@mail.example.com')).toEqual({
      host: 'mail.example.com',
      port: 993,
      secure: true,
      user: 'me@shop.example',
      pass: 'p/w',
      mailbox: 'INBOX',
    });
    expect(parseImapUrl('imap://u:p@127.0.0.1:10143/Support/Incoming')).toMatchObject({
      port: 10143,
      secure: false,
      mailbox: 'Support/Incoming',
    });
    expect(parsePropertySettings(['imap-url='])).toEqual({ imap_url: null });
  });

  it('refuses other schemes and URLs without credentials, without echoing the password', () => {
    expect(() => parsePropertySettings(['imap-url=https://u:p@mail.example.com'])).toThrow(ValidationError);
    expect(() => parsePropertySettings(['imap-url=imap://mail.example.com/INBOX'])).toThrow(/needs a user and a password/);
    expect(() => parsePropertySettings(['imap-url=imap://u:secret@'])).toThrow(/^(?!.*secret)/);
  });

  it('is shown with its password masked', () => {
    expect(redactImapUrl('imaps://me%40shop.example:s3cret@mail.example.com:993/INBOX')).toBe(
      'imaps://me%40shop.example:***@mail.example.com:993/INBOX',
    );
  });
});
