import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { connectDatabase } from '../../../../../core/db/connect.ts';
import type { Property } from '../../../../../core/db/schema.ts';
import { jobId, type JobPayloads } from '../../../../../core/jobs/job-catalog.ts';
import { fileInboundEmails } from '../../../../../core/mail/inbound/filing/file-inbound-emails.ts';
import { InboundGroupCommit } from '../../../../../core/mail/inbound/store/inbound-group-commit.ts';
import { BullJobQueue } from '../../../../../queue/bullmq-job-queue.ts';
import { createRedis } from '../../../../../queue/redis-connection.ts';
import { mailLimits, useMailProperty } from '../../../../support/mail-property.ts';
import type { TestDatabase } from '../../../../support/test-database.ts';

// The SMTP ingress stores concurrent sessions' messages in groups: one statement, one commit
// and one inbound-email job per group. Real Postgres and a real BullMQ queue.

let t: TestDatabase;
let jobs: BullJobQueue;
let property: Property;
const limits = mailLimits;
useMailProperty('group', (mail) => {
  ({ t, jobs, property } = mail);
});

function eml(n: number, options: { messageId?: boolean; from?: string } = {}): Buffer {
  return Buffer.from(
    [
      `From: ${options.from ?? `Customer ${n} <customer${n}@example.com>`}`,
      'To: help@in.group.example',
      `Subject: Question ${n}`,
      ...(options.messageId === false ? [] : [`Message-ID: <q${n}-${randomBytes(3).toString('hex')}@example.com>`]),
      'Content-Type: text/plain; charset=UTF-8',
      '',
      `Hello, this is question ${n}.`,
      '',
    ].join('\r\n'),
  );
}

const envelope = (from: string | null = 'customer@example.com') => ({
  propertyId: property.id,
  via: 'smtp' as const,
  from,
  to: ['help@in.group.example'],
});

/** The inbound-email jobs waiting in the queue, for the given stored ids. */
async function jobsFor(ids: string[]): Promise<JobPayloads['inbound-email'][]> {
  const waiting = await jobs.queue('mail-inbound').getJobs(['waiting', 'prioritized', 'delayed']);
  const wanted = new Set(ids);
  return waiting
    .map((j) => j.data as JobPayloads['inbound-email'])
    .filter((d) => [d.inboundEmailId, ...(d.alsoIds ?? [])].some((id) => wanted.has(id)));
}

it('writes what arrives during a write as one group: each caller its own row, one job per group, which files them all', async () => {
  const group = new InboundGroupCommit(t.db, jobs);
  const raws = Array.from({ length: 30 }, (_, i) => eml(i));
  const stored = await Promise.all(raws.map((raw) => group.store(raw, envelope())));

  const ids = stored.map((s) => s.id);
  expect(new Set(ids).size).toBe(30);
  expect(stored.every((s) => !s.duplicate)).toBe(true);
  const rows = await t.db.selectFrom('inbound_emails').select(['id', 'raw']).where('id', 'in', ids).execute();
  for (const [i, id] of ids.entries()) expect(rows.find((r) => r.id === id)?.raw.equals(raws[i]!)).toBe(true);

  // The first message was written at once, alone; the 29 that arrived meanwhile, together.
  const queued = await jobsFor(ids);
  expect(queued.map((d) => 1 + (d.alsoIds?.length ?? 0)).sort((a, b) => a - b)).toEqual([1, 29]);
  expect(queued.flatMap((d) => [d.inboundEmailId, ...(d.alsoIds ?? [])]).sort()).toEqual([...ids].sort());
  for (const d of queued) expect(await jobs.queue('mail-inbound').getJob(jobId('inbound-email', d))).toBeTruthy();

  // Each job files its own and those stored with it.
  for (const d of queued) await fileInboundEmails(t.db, jobs, [d.inboundEmailId, ...(d.alsoIds ?? [])], limits, { batchSize: 7 });
  const filed = await t.db.selectFrom('inbound_emails').select(['processed_at', 'ticket_id']).where('id', 'in', ids).execute();
  expect(filed.every((r) => r.processed_at !== null && r.ticket_id !== null)).toBe(true);
});

it('stores the same message twice in one group once, by Message-ID and by content', async () => {
  const group = new InboundGroupCommit(t.db, jobs);
  const withId = eml(100);
  const withoutId = eml(101, { messageId: false });
  const [first, ...rest] = await Promise.all([
    group.store(eml(99), envelope()),
    group.store(withId, envelope()),
    group.store(withoutId, envelope()),
    group.store(withId, envelope()),
    group.store(withoutId, envelope()),
  ]);
  expect(first!.duplicate).toBe(false);
  expect(rest.map((s) => s.duplicate)).toEqual([false, false, true, true]);
  expect(rest[2]!.id).toBe(rest[0]!.id);
  expect(rest[3]!.id).toBe(rest[1]!.id);
  // Only the message without a Message-ID is told apart by its content hash.
  const hashes = await t.db
    .selectFrom('inbound_emails')
    .select(['id', 'content_hash'])
    .where('id', 'in', [rest[0]!.id, rest[1]!.id])
    .execute();
  expect(hashes.find((r) => r.id === rest[0]!.id)?.content_hash).toBeNull();
  expect(hashes.find((r) => r.id === rest[1]!.id)?.content_hash).toMatch(/^[0-9a-f]{64}$/);
  // Delivered again later: found, not stored.
  expect(await group.store(withId, envelope())).toEqual({ id: rest[0]!.id, duplicate: true });
  const queued = await jobsFor([rest[0]!.id, rest[1]!.id]);
  expect(queued.flatMap((d) => [d.inboundEmailId, ...(d.alsoIds ?? [])]).sort()).toEqual([rest[0]!.id, rest[1]!.id].sort());
});

it('a message the database refuses fails alone; the rest of its group is stored', async () => {
  const group = new InboundGroupCommit(t.db, jobs);
  const results = await Promise.allSettled([
    group.store(eml(200), envelope()),
    group.store(eml(201), envelope()),
    // Postgres text cannot hold a NUL: this envelope's row is refused.
    group.store(eml(202), envelope('bad\u0000sender@example.com')),
    group.store(eml(203), envelope()),
  ]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
  expect(await t.db.selectFrom('inbound_emails').select('id').where('id', 'in', ids).execute()).toHaveLength(3);
  expect((await jobsFor(ids)).flatMap((d) => [d.inboundEmailId, ...(d.alsoIds ?? [])]).sort()).toEqual([...ids].sort());
});

it('a database that cannot be reached fails the whole group at once, not once per message', async () => {
  // A "database" that hangs up on every connection, counting them.
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const down = connectDatabase(`postgres://switchboard@127.0.0.1:${(server.address() as AddressInfo).port}/none`, { max: 1 });
  try {
    const group = new InboundGroupCommit(down, jobs);
    const results = await Promise.allSettled([300, 301, 302, 303, 304].map((n) => group.store(eml(n), envelope())));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    // The first message, written alone, and the four that waited for it, written together.
    expect(connections).toBe(2);
  } finally {
    await down.destroy();
    server.close();
  }
});

it('with Redis down, the next group is written without waiting for the jobs of this one', async () => {
  // A Redis nobody listens on: each job add waits for it a while, then fails (reconcile queues
  // the rows later).
  const downRedis = createRedis('redis://127.0.0.1:1', 'producer');
  const downJobs = new BullJobQueue(downRedis, `test-${randomBytes(5).toString('hex')}`);
  try {
    const group = new InboundGroupCommit(t.db, downJobs);
    const started = Date.now();
    const first = group.store(eml(400), envelope());
    const rest = [401, 402, 403].map((n) => group.store(eml(n), envelope()));
    await first;
    const firstAnswered = Date.now();
    const stored = await Promise.all(rest);
    // Each group is answered once its job add gave up, after the same wait: the second group's
    // wait ran beside the first's, not after it.
    expect(Date.now() - firstAnswered).toBeLessThan((firstAnswered - started) / 2);
    expect(stored.every((s) => !s.duplicate)).toBe(true);
    expect(
      await t.db
        .selectFrom('inbound_emails')
        .select('id')
        .where(
          'id',
          'in',
          stored.map((s) => s.id),
        )
        .execute(),
    ).toHaveLength(3);
  } finally {
    await downJobs.close().catch(() => {});
    downRedis.disconnect();
  }
});
