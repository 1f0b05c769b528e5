import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect, it } from 'vitest';
import type { Property } from '../../../../../core/db/schema.ts';
import { NotVisibleYetError } from '../../../../../core/errors.ts';
import { fileInboundBatch, fileInboundEmails } from '../../../../../core/mail/inbound/filing/file-inbound-emails.ts';
import { storeInboundEmail } from '../../../../../core/mail/inbound/store/store-inbound-email.ts';
import type { BullJobQueue } from '../../../../../queue/bullmq-job-queue.ts';
import { mailLimits, useMailProperty } from '../../../../support/mail-property.ts';
import type { TestDatabase } from '../../../../support/test-database.ts';

// Batches claim and parse before they take their property's lock, so they may decide in
// another order than they claimed. A reply must still land on the ticket of the email it
// answers when both wait: the answered email is taken into the reply's batch when no batch
// holds it, and the reply waits (its job is retried) while another batch does.

let t: TestDatabase;
let jobs: BullJobQueue;
let property: Property;
const limits = mailLimits;
useMailProperty('order', (mail) => {
  ({ t, jobs, property } = mail);
});

async function store(subject: string, options: { inReplyTo?: string; body?: string } = {}): Promise<{ id: string; messageId: string }> {
  const messageId = `<${subject.replace(/\W+/g, '-')}-${randomBytes(4).toString('hex')}@mail.example>`;
  const raw = Buffer.from(
    [
      'From: Nora Lind <nora@example.com>',
      'To: help@in.order.example',
      `Subject: ${subject}`,
      `Message-ID: ${messageId}`,
      ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`, `References: ${options.inReplyTo}`] : []),
      'Content-Type: text/plain; charset=UTF-8',
      '',
      options.body ?? `About: ${subject}.`,
      '',
    ].join('\r\n'),
  );
  const { id } = await storeInboundEmail(t.db, jobs, raw, { propertyId: property.id, via: 'smtp' });
  return { id, messageId };
}

/** Another batch holding a row: a transaction that has it locked, until released. */
async function holdRow(id: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: t.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT id FROM inbound_emails WHERE id = $1 FOR UPDATE', [id]);
  return {
    async release() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

const rows = (ids: string[]) =>
  t.db.selectFrom('inbound_emails').select(['id', 'processed_at', 'ticket_id']).where('id', 'in', ids).orderBy('id').execute();

it('a reply whose original another batch holds waits for it, then lands on its ticket', async () => {
  const original = await store('Lamp arrived broken');
  const reply = await store('Re: Lamp arrived broken', { inReplyTo: original.messageId });
  const other = await holdRow(original.id);
  try {
    const error = await fileInboundBatch(t.db, jobs, reply.id, limits).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotVisibleYetError);
    expect((error as Error).message).toContain(`answers email ${original.id}`);
    expect((await rows([reply.id]))[0]!.processed_at).toBeNull();
  } finally {
    await other.release();
  }
  // Retried once the other batch is done: the original, no longer held, is filed first, in the same batch.
  const result = await fileInboundBatch(t.db, jobs, reply.id, limits);
  expect(result.own).toMatchObject({ status: 'threaded', filed: true });
  expect(result.filed.map((f) => f.id)).toEqual([original.id, reply.id]);
  const [o, r] = await rows([original.id, reply.id]);
  expect(o!.ticket_id).not.toBeNull();
  expect(r!.ticket_id).toBe(o!.ticket_id);
});

it('a reply to a waiting reply waits too, and all three land on one ticket', async () => {
  const original = await store('Wrong colour');
  const first = await store('Re: Wrong colour', { inReplyTo: original.messageId });
  const second = await store('Re: Re: Wrong colour', { inReplyTo: first.messageId });
  const other = await holdRow(original.id);
  try {
    const error = await fileInboundBatch(t.db, jobs, second.id, limits).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotVisibleYetError);
    expect((error as Error).message).toContain(`answers email ${original.id}`);
    expect((await rows([first.id, second.id])).map((r) => r.processed_at)).toEqual([null, null]);
  } finally {
    await other.release();
  }
  await fileInboundBatch(t.db, jobs, second.id, limits);
  const filed = await rows([original.id, first.id, second.id]);
  expect(new Set(filed.map((r) => r.ticket_id)).size).toBe(1);
  expect(filed[0]!.ticket_id).not.toBeNull();
});

it('takes a waiting original too large to batch into the batch of its reply', async () => {
  // Over the 512 KB a batch takes of other emails: left to its own job, unless answered.
  const original = await store('Photos of the damage', { body: 'x'.repeat(76).concat('\r\n').repeat(8000) });
  const reply = await store('Re: Photos of the damage', { inReplyTo: original.messageId });
  const result = await fileInboundBatch(t.db, jobs, reply.id, limits);
  expect(result.filed.map((f) => f.id)).toEqual([original.id, reply.id]);
  const [o, r] = await rows([original.id, reply.id]);
  expect(r!.ticket_id).toBe(o!.ticket_id);
});

it('follows a thread up more than one step: a reply to a large reply to a large original', async () => {
  const photos = 'x'.repeat(76).concat('\r\n').repeat(8000);
  const original = await store('Scratched table', { body: photos });
  const largeReply = await store('Re: Scratched table', { inReplyTo: original.messageId, body: photos });
  // Names only the reply it answers, as many mail clients do.
  const reply = await store('Re: Re: Scratched table', { inReplyTo: largeReply.messageId });
  const result = await fileInboundBatch(t.db, jobs, reply.id, limits);
  expect(result.filed.map((f) => f.id)).toEqual([original.id, largeReply.id, reply.id]);
  const filed = await rows([original.id, largeReply.id, reply.id]);
  expect(filed[0]!.ticket_id).not.toBeNull();
  expect(filed.map((r) => r.ticket_id)).toEqual([filed[0]!.ticket_id, filed[0]!.ticket_id, filed[0]!.ticket_id]);
});

it('a job files the emails stored with it even when its first must wait, then is retried for that one', async () => {
  const original = await store('Missing screws');
  const reply = await store('Re: Missing screws', { inReplyTo: original.messageId });
  // Too large for another email's batch: only the job's own turn for it files it.
  const unrelated = await store('Invoice copy, please', { body: 'y'.repeat(76).concat('\r\n').repeat(8000) });
  const other = await holdRow(original.id);
  try {
    const error = await fileInboundEmails(t.db, jobs, [reply.id, unrelated.id], limits).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotVisibleYetError);
    const [r, u] = await rows([reply.id, unrelated.id]);
    expect(r!.processed_at).toBeNull();
    expect(u!.processed_at).not.toBeNull();
  } finally {
    await other.release();
  }
  await fileInboundEmails(t.db, jobs, [reply.id, unrelated.id], limits);
  const [o, r] = await rows([original.id, reply.id]);
  expect(r!.ticket_id).toBe(o!.ticket_id);
});
