import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Property } from '../../core/db/schema.ts';
import { fileInboundBatch } from '../../core/mail/inbound/filing/file-inbound-emails.ts';
import { parseEmail } from '../../core/mail/inbound/content/parse-email.ts';
import { messageIdBounds } from '../../core/mail/inbound/content/message-ids.ts';
import { ingestInboundEmail } from '../../core/mail/inbound/filing/ingest-inbound-email.ts';
import { maxReferences } from '../../core/mail/outbound/thread-references.ts';
import { storeInboundEmail } from '../../core/mail/inbound/store/store-inbound-email.ts';
import { updateProperty } from '../../core/properties/property-store.ts';
import { textBounds } from '../../core/text/bounded-text.ts';
import { BullJobQueue } from '../../queue/bullmq-job-queue.ts';
import { startSmtpIngress } from '../../worker/ingress/smtp-ingress.ts';
import { createRedis } from '../../queue/redis-connection.ts';
import { makeProperty } from '../support/inbox-fixture.ts';
import { silentLogger } from '../support/pipeline-harness.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { emlCase, loadBaseEmails, type EmlCase, type MutationContext } from './support/eml-mutations.ts';
import { FuzzTally, runPool, withinMs } from './support/fuzz-tally.ts';
import { fuzzSettings } from './support/seeded-random.ts';
import { noDnsVerifier } from '../support/mail-auth.ts';
import { clearQueues } from '../support/clear-queues.ts';

// Fuzzing the inbound mail path: mutated copies of real emails (truncated, broken MIME,
// bogus charsets, huge headers, deep nesting, garbage, NUL bytes, ...) go through what the
// SMTP ingress and the IMAP poll do (storeInboundEmail) and then what the inbound-email job
// does (fileInboundBatch: its own email with other waiting ones, in one transaction), on a
// real database and a real BullMQ queue. Every case must end
// stored and filed: threaded, a bounce, or quarantined with a reason, within a time limit.
// One case in SMTP_EVERY goes through the real SMTP ingress instead, where a message over
// the size limit is refused with 552 (handled: the sender is told clearly, nothing stored).

const { seed, cases } = fuzzSettings(10_000);
const CASE_MS = Number(process.env.FUZZ_CASE_MS ?? 20_000);
const SMTP_EVERY = 25;
// Small enough that the huge cases sent over SMTP meet the size limit.
const SMTP_MAX_BYTES = 400_000;
const LANES = 4;
const limits = { maxAttachmentBytes: 256 * 1024 };
const FILED = new Set(['threaded', 'bounce', 'quarantined']);

let t: TestDatabase;
let property: Property;
let jobs: BullJobQueue;
let redis: ReturnType<typeof createRedis>;
let smtp: { port: number; close(): Promise<void> };
let transport: ReturnType<typeof nodemailer.createTransport>;
let thread: MutationContext['thread'];
const prefix = `fuzz-${randomBytes(5).toString('hex')}`;

beforeAll(async () => {
  t = await createTestDatabase();
  property = await updateProperty(t.db, (await makeProperty(t.db, 'fuzz')).id, {
    inbound_domain: 'in.fuzz.example',
    support_address: 'help@fuzz.example',
    name: 'Fuzz',
  });
  redis = createRedis(inject('redisUrl'), 'producer');
  jobs = new BullJobQueue(redis, prefix);
  smtp = await startSmtpIngress({
    db: t.db,
    jobs,
    logger: silentLogger,
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: SMTP_MAX_BYTES,
    senderVerifier: noDnsVerifier,
  });
  transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 2,
    maxMessages: 100,
  });
  // A ticket for mutated replies to thread onto (its acknowledgement is what they answer).
  const first = await storeInboundEmail(
    t.db,
    jobs,
    Buffer.from(
      'From: Thread Owner <owner@example.com>\r\nTo: help@in.fuzz.example\r\nSubject: Where is my parcel?\r\nMessage-ID: <thread-start@example.com>\r\n\r\nHello.\r\n',
    ),
    { propertyId: property.id, via: 'imap' },
  );
  await ingestInboundEmail(t.db, jobs, first.id, limits);
  const ack = await t.db.selectFrom('outbox_emails').select('message_id').where('kind', '=', 'ticket_ack').executeTakeFirstOrThrow();
  thread = { messageId: ack.message_id, contact: 'owner@example.com' };
});

afterAll(async () => {
  transport?.close();
  await smtp?.close();
  if (jobs) {
    await clearQueues(jobs);
    await jobs.close();
  }
  redis?.disconnect();
  await t?.drop();
});

/** The SMTP ingress's answer, as nodemailer reports it: the stored row id, or a refusal. */
async function sendOverSmtp(c: EmlCase): Promise<{ id: string } | { refused: number; message: string }> {
  try {
    const info = await transport.sendMail({ envelope: { from: 'fuzzer@sender.example', to: ['help@in.fuzz.example'] }, raw: c.raw });
    const id = /stored as (\d+)/.exec(info.response)?.[1];
    if (!id) throw new Error(`250 without a stored id: ${info.response}`);
    return { id };
  } catch (error) {
    const code = (error as { responseCode?: number }).responseCode;
    if (typeof code === 'number') return { refused: code, message: (error as Error).message };
    throw error;
  }
}

/** One case through store and filing; resolves with its outcome, throws what is wrong. */
async function runCase(c: EmlCase): Promise<string> {
  let id: string;
  let duplicate: boolean;
  if (c.index % SMTP_EVERY === 0) {
    const answer = await sendOverSmtp(c);
    if ('refused' in answer) {
      // Only the size limit may refuse a message; the sender gets a permanent, clear answer.
      // (The client sends CRLF line endings: a message with bare LFs grows on the way.)
      const wireBytes = Buffer.byteLength(c.raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
      if (answer.refused === 552 && wireBytes > SMTP_MAX_BYTES * 0.9) return 'smtp:refused-552-size';
      throw new Error(`SMTP refused with ${answer.refused}: ${answer.message}`);
    }
    id = answer.id;
    const row = await t.db.selectFrom('inbound_emails').select('processed_at').where('id', '=', id).executeTakeFirstOrThrow();
    duplicate = row.processed_at !== null;
  } else {
    const stored = await storeInboundEmail(t.db, jobs, c.raw, { propertyId: property.id, via: 'imap', to: ['help@in.fuzz.example'] });
    id = stored.id;
    duplicate = stored.duplicate;
  }
  await fileInboundBatch(t.db, jobs, id, limits);
  const row = await t.db
    .selectFrom('inbound_emails')
    .select(['status', 'reason', 'processed_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  if (!row.processed_at || !FILED.has(row.status))
    throw new Error(`row ${id} ended ${row.status}, processed_at ${String(row.processed_at)}`);
  if (row.status === 'quarantined' && !row.reason?.trim()) throw new Error(`row ${id} quarantined without a reason`);
  if (row.status === 'threaded' && !duplicate) await checkBounds(id);
  const via = c.index % SMTP_EVERY === 0 ? 'smtp:' : '';
  return `${via}${duplicate ? 'deduped' : row.status}`;
}

/**
 * Issue 13's bounds on a filed email: its ticket's title, its contact's name and its stored id
 * within them, and every cut parsing reports (read again from the stored raw mail) noted on
 * the email and on its ticket.
 */
async function checkBounds(id: string): Promise<void> {
  const row = await t.db
    .selectFrom('inbound_emails as e')
    .innerJoin('tickets as k', 'k.id', 'e.ticket_id')
    .innerJoin('contacts as c', 'c.id', 'k.contact_id')
    .select(['e.raw', 'e.subject', 'e.message_id', 'e.reason', 'k.id as ticketId', 'k.subject as title', 'c.name'])
    .where('e.id', '=', id)
    .executeTakeFirstOrThrow();
  const over = (what: string, value: string | null, max: number) => {
    if (value !== null && value.length > max) throw new Error(`row ${id}: ${what} is ${value.length} characters, over ${max}`);
  };
  over('the ticket title', row.title, textBounds.subject);
  over('the stored subject', row.subject, textBounds.subject);
  over("the contact's name", row.name, textBounds.displayName);
  over('the Message-ID', row.message_id, messageIdBounds.length);
  const { cuts } = await parseEmail(row.raw, limits);
  if (cuts.length === 0) return;
  const notes = (
    await t.db.selectFrom('messages').select('body').where('ticket_id', '=', row.ticketId).where('sender', '=', 'system').execute()
  )
    .map((m) => m.body)
    .join('\n');
  for (const cut of cuts) {
    if (!row.reason?.includes(cut)) throw new Error(`row ${id}: the cut "${cut}" is not in its reason`);
    if (!notes.includes(cut)) throw new Error(`row ${id}: the cut "${cut}" has no system note on its ticket`);
  }
}

describe('fuzzing the inbound email path', () => {
  it(`stores and files ${cases} mutated emails, or quarantines them with a reason`, async () => {
    const bases = loadBaseEmails();
    const tally = new FuzzTally();
    const started = performance.now();
    const indexes = function* () {
      for (let i = 0; i < cases; i++) yield i;
    };
    await runPool(indexes(), LANES, async (index) => {
      const c = emlCase(bases, seed, index, thread);
      const begun = performance.now();
      try {
        const outcome = await withinMs(runCase(c), CASE_MS, c.name);
        tally.add({ name: `${c.name} [${c.raw.length} B]`, kind: c.kind, outcome, ms: performance.now() - begun });
      } catch (error) {
        tally.add({
          name: `${c.name} [${c.raw.length} B]`,
          kind: c.kind,
          outcome: 'FAILED',
          ms: performance.now() - begun,
          failure: error instanceof Error ? error.message.slice(0, 400) : String(error),
        });
      }
    });
    const wall = performance.now() - started;

    const rows = await t.db
      .selectFrom('inbound_emails')
      .select((eb) => ['status', eb.fn.countAll<string>().as('n')])
      .groupBy('status')
      .execute();
    // Reasons carry details (sizes, addresses): grouped by their start.
    const reasons = await sql<{ reason: string; n: string }>`
      SELECT left(reason, 60) AS reason, count(*) AS n FROM inbound_emails WHERE status = 'quarantined' GROUP BY 1 ORDER BY 2 DESC LIMIT 12`
      .execute(t.db)
      .then((r) => r.rows);
    const unprocessed = await t.db.selectFrom('inbound_emails').select('id').where('processed_at', 'is', null).execute();
    console.log(
      tally.summary('email fuzz', seed, wall, [
        `stored rows by status: ${rows.map((r) => `${r.status} ${r.n}`).join(', ')}`,
        'quarantine reasons (first 60 chars):',
        ...reasons.map((r) => `  ${String(r.n).padStart(6)}  ${r.reason}`),
      ]),
    );

    expect(tally.results.length).toBe(cases);
    expect(tally.failures.map((f) => `${f.name}: ${f.failure}`)).toEqual([]);
    expect(unprocessed.map((r) => r.id)).toEqual([]);
    // Whatever came in, what we would send stays within the bounds (the acknowledgements are queued).
    const {
      rows: [sent],
    } = await sql<{ subject: number; refs: number; in_reply_to: number }>`
      SELECT coalesce(max(length(subject)), 0) AS subject, coalesce(max(cardinality("references")), 0) AS refs,
        coalesce(max(length(in_reply_to)), 0) AS in_reply_to FROM outbox_emails`.execute(t.db);
    expect(sent!.subject).toBeLessThanOrEqual(textBounds.subject);
    expect(sent!.refs).toBeLessThanOrEqual(maxReferences);
    expect(sent!.in_reply_to).toBeLessThanOrEqual(messageIdBounds.length);
    const quarantinedWithoutReason = await t.db
      .selectFrom('inbound_emails')
      .select('id')
      .where('status', '=', 'quarantined')
      .where((eb) => eb.or([eb('reason', 'is', null), eb('reason', '=', '')]))
      .execute();
    expect(quarantinedWithoutReason).toEqual([]);
  });
});
