import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertContact } from '../../../../../core/contacts/contacts.ts';
import type { Property } from '../../../../../core/db/schema.ts';
import type { JobQueue, JobRequest } from '../../../../../core/jobs/job-queue.ts';
import { fileInboundBatch } from '../../../../../core/mail/inbound/filing/file-inbound-emails.ts';
import type { InboundBatchResult } from '../../../../../core/mail/inbound/filing/filing-types.ts';
import { ingestInboundEmail } from '../../../../../core/mail/inbound/filing/ingest-inbound-email.ts';
import { replyAddress } from '../../../../../core/mail/reply-address.ts';
import { storeInboundEmail } from '../../../../../core/mail/inbound/store/store-inbound-email.ts';
import { updateProperty } from '../../../../../core/properties/property-store.ts';
import { replyToTicket } from '../../../../../core/tickets/reply-to-ticket.ts';
import { createTicket } from '../../../../../core/tickets/ticket-store.ts';
import { makeProperty } from '../../../../support/inbox-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../../../../support/test-database.ts';
import { deliveryStatusNotification } from '../../../../support/delivery-status.ts';

// Filing a batch must write what filing the same emails one by one writes. Two databases get
// the same property, ticket and agent reply; the same emails are stored in both; one files
// them in one batch (the inbound-email job's call, for an email in the middle), the other one
// by one (ingestInboundEmail, a batch of one). Everything filing writes is then compared,
// ticket numbers included (each database has its own sequence), and checked against the rules.

const limits = { maxAttachmentBytes: 1024 * 1024 };

/** A JobQueue that records what was queued. */
function recordingJobs(): JobQueue & { queued: JobRequest[] } {
  const queued: JobRequest[] = [];
  return {
    queued,
    add: async (name, data) => void queued.push({ name, data } as JobRequest),
    addBulk: async (requests) => void queued.push(...requests),
    remove: async () => {},
    requeue: async () => {},
  };
}

interface Fixture {
  t: TestDatabase;
  property: Property;
  ticketNumber: number;
  agentMessageId: string;
  jobs: ReturnType<typeof recordingJobs>;
  ids: string[];
}

async function setUp(): Promise<Fixture> {
  const t = await createTestDatabase();
  const jobs = recordingJobs();
  const property = await updateProperty(t.db, (await makeProperty(t.db, 'batch')).id, {
    name: 'Batch Shop',
    inbound_domain: 'in.batch.example',
    support_address: 'help@batch.example',
    signing_secret: 'one secret for both databases',
  });
  const owner = await upsertContact(t.db, property.id, { email: 'owner@example.com', name: 'Owner' });
  // Known without a name: their mail below gives one.
  await upsertContact(t.db, property.id, { email: 'dave@example.com' });
  const ticket = await createTicket(t.db, { propertyId: property.id, subject: 'Broken lamp', contact: owner });
  const { outbox } = await replyToTicket(t.db, jobs, property.id, `T${ticket.number}`, { body: 'Could you send us a photo of the lamp?' });
  await t.db.updateTable('tickets').set({ status: 'closed' }).where('id', '=', ticket.id).execute();
  jobs.queued.length = 0;
  return { t, property, ticketNumber: ticket.number, agentMessageId: outbox.message_id, jobs, ids: [] };
}

function eml(h: {
  from?: string | null;
  to?: string;
  subject: string;
  id: string;
  inReplyTo?: string;
  headers?: string[];
  body?: string;
  contentType?: string;
}): Buffer {
  return Buffer.from(
    [
      ...(h.from === null ? [] : [`From: ${h.from ?? 'Owner <owner@example.com>'}`]),
      `To: ${h.to ?? 'help@in.batch.example'}`,
      `Subject: ${h.subject}`,
      `Message-ID: <${h.id}@mail.example>`,
      ...(h.inReplyTo ? [`In-Reply-To: ${h.inReplyTo}`, `References: ${h.inReplyTo}`] : []),
      'MIME-Version: 1.0',
      ...(h.headers ?? []),
      `Content-Type: ${h.contentType ?? 'text/plain; charset=UTF-8'}`,
      '',
      h.body ?? `Text of ${h.id}.`,
      '',
    ].join('\r\n'),
  );
}

/** The batch, in storing order, for a fixture (replies name its ticket and agent reply). */
function emails(f: Fixture): Buffer[] {
  const n = f.ticketNumber;
  const token = replyAddress(f.property, n);
  const forged = token.replace(/\.[0-9a-f]+@/, '.0123456789ab@');
  return [
    /* 0 */ eml({ from: 'Alice Doe <alice@example.com>', subject: 'My order is late', id: 'new-alice' }),
    /* 1 */ eml({
      subject: 'Re: Broken lamp',
      id: 'reply-reference',
      inReplyTo: f.agentMessageId,
      body: 'Here is the photo.\r\n\r\n> Could you send us a photo of the lamp?',
    }),
    /* 2 */ eml({ to: token, subject: 'Re: lamp', id: 'reply-token' }),
    /* 3 */ eml({ subject: `Re: [#${n}] Broken lamp`, id: 'reply-tag' }),
    /* 4 */ eml({
      from: 'Alice Doe <alice@example.com>',
      subject: 'Re: My order is late',
      id: 'alice-again',
      inReplyTo: '<new-alice@mail.example>',
    }),
    /* 5 */ eml({ from: 'alice@example.com', subject: 'Another question', id: 'alice-second-ticket' }),
    /* 6 */ eml({ from: 'bob@example.com', subject: 'Hello', id: 'bob-unnamed' }),
    /* 7 */ eml({ from: 'Bob Brown <bob@example.com>', subject: 'Hello again', id: 'bob-named' }),
    /* 8 */ eml({
      from: 'Carol <carol@example.com>',
      subject: 'Out of office',
      id: 'carol-auto',
      headers: ['Auto-Submitted: auto-replied'],
    }),
    /* 9 */ Buffer.from(
      deliveryStatusNotification({
        to: 'help@in.batch.example',
        messageId: '<dsn-1@mx.example.com>',
        bouncedMessageId: f.agentMessageId,
        diagnostic: '550 5.1.1 <owner@example.com>: User unknown',
      }),
    ),
    /* 10 */ Buffer.from('\u0000\u0001 this is no email at all \u00ff\u00fe', 'latin1'),
    /* 11 */ eml({ from: null, subject: 'Nobody sent this', id: 'no-sender' }),
    /* 12 */ eml({ from: 'Mallory <mallory@other.example>', subject: 'Re: Broken lamp', id: 'stranger', inReplyTo: f.agentMessageId }),
    /* 13 */ eml({ from: 'Dave Davis <dave@example.com>', to: forged, subject: 'Trying a token', id: 'forged' }),
    /* 14 */ eml({ from: 'erin@example.com', subject: `Re: [#${n}] me too`, id: 'stranger-tag' }),
    /* 15 */ eml({
      from: 'Frank <frank@example.com>',
      subject: 'Invoice attached',
      id: 'attachment',
      contentType: 'multipart/mixed; boundary="att"',
      body: [
        '--att',
        'Content-Type: text/plain',
        '',
        'See the invoice.',
        '--att',
        'Content-Type: application/pdf; name="invoice.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4 invoice').toString('base64'),
        '--att--',
      ].join('\r\n'),
    }),
    /* 16 */ eml({ subject: 'Re: Broken lamp', id: 'reply-to-reply', inReplyTo: '<reply-reference@mail.example>' }),
  ];
}

async function store(f: Fixture): Promise<void> {
  for (const raw of emails(f))
    f.ids.push(
      (await storeInboundEmail(f.t.db, f.jobs, raw, { propertyId: f.property.id, via: 'smtp', to: ['help@in.batch.example'] })).id,
    );
}

/** Everything filing writes, without ids, times and random Message-IDs (the agent's reply is named AGENT). */
async function snapshot(f: Fixture) {
  const db = f.t.db;
  const clean = <T extends string | null>(v: T): T => (v === null ? v : (v.replaceAll(f.agentMessageId, 'AGENT') as T));
  const tickets = await db
    .selectFrom('tickets')
    .innerJoin('contacts', 'contacts.id', 'tickets.contact_id')
    .select([
      'tickets.id',
      'number',
      'subject',
      'status',
      'contacts.email',
      sql<string>`search::text`.as('search'),
      sql<boolean>`tickets.status_changed_at > tickets.created_at`.as('reopened'),
    ])
    .orderBy('number')
    .execute();
  const number = new Map(tickets.map((t) => [t.id, t.number]));
  const index = (id: string | null) => (id === null ? null : f.ids.indexOf(id));
  const messages = await db
    .selectFrom('messages')
    .select(['ticket_id', 'sender', 'body', 'author_name', 'inbound_email_id'])
    .orderBy('id')
    .execute();
  const outbox = await db.selectFrom('outbox_emails').selectAll().orderBy('id').execute();
  const inbound = await db
    .selectFrom('inbound_emails')
    .select(['id', 'status', 'reason', 'automatic', 'ticket_id', 'from_address', 'subject'])
    .orderBy('id')
    .execute();
  const contacts = await db.selectFrom('contacts').select(['email', 'name', 'bouncing']).orderBy('email').execute();
  const attachments = await db
    .selectFrom('email_attachments')
    .select(['inbound_email_id', 'filename', 'content_type', 'size', 'skipped'])
    .orderBy('id')
    .execute();
  return {
    tickets: tickets.map(({ id: _id, ...t }) => t),
    messages: messages.map((m) => ({
      ...m,
      ticket_id: number.get(m.ticket_id!),
      inbound_email_id: index(m.inbound_email_id),
      body: clean(m.body),
    })),
    outbox: outbox.map((o) => ({
      ticket: number.get(o.ticket_id!),
      kind: o.kind,
      to: o.to_address,
      subject: o.subject,
      text: o.text_body,
      inReplyTo: clean(o.in_reply_to),
      references: o.references.map(clean),
      replyTo: o.reply_to,
      automatic: o.automatic,
      status: o.status,
      lastError: clean(o.last_error),
    })),
    inbound: inbound.map((r) => ({ ...r, id: index(r.id), ticket_id: r.ticket_id ? number.get(r.ticket_id) : null })),
    contacts,
    attachments: attachments.map((a) => ({ ...a, inbound_email_id: index(a.inbound_email_id) })),
    sendJobs: f.jobs.queued.filter((j) => j.name === 'send-email').length,
  };
}

let batched: Fixture;
let oneByOne: Fixture;
let result: InboundBatchResult;

beforeAll(async () => {
  [batched, oneByOne] = await Promise.all([setUp(), setUp()]);
  await store(batched);
  await store(oneByOne);
  // The job of an email in the middle: it files its own and every other waiting one, in id order.
  result = await fileInboundBatch(batched.t.db, batched.jobs, batched.ids[4]!, limits);
  for (const id of oneByOne.ids) await ingestInboundEmail(oneByOne.t.db, oneByOne.jobs, id, limits);
}, 60_000);

afterAll(async () => {
  await batched?.t.drop();
  await oneByOne?.t.drop();
});

describe('filing a batch', () => {
  it('writes what filing the same emails one by one writes', async () => {
    const [a, b] = await Promise.all([snapshot(batched), snapshot(oneByOne)]);
    expect(a.inbound).toEqual(b.inbound);
    expect(a.tickets).toEqual(b.tickets);
    expect(a.messages).toEqual(b.messages);
    expect(a.outbox).toEqual(b.outbox);
    expect(a.contacts).toEqual(b.contacts);
    expect(a.attachments).toEqual(b.attachments);
    expect(a.sendJobs).toBe(b.sendJobs);
  });

  it('files every email of the batch once, and reports each', async () => {
    expect(result.own).toMatchObject({ status: 'threaded', filed: true });
    expect(result.filed.map((f) => f.id)).toEqual(batched.ids);
    const count = (status: string) => result.filed.filter((f) => f.status === status).length;
    expect([count('threaded'), count('bounce'), count('quarantined')]).toEqual([14, 1, 2]);
  });

  it('follows the filing rules', async () => {
    const s = await snapshot(batched);
    const n = batched.ticketNumber;
    const ticketOf = (i: number) => s.inbound[i]!.ticket_id;
    // Replies by reference, token and tag, and a reply to a reply, land on the ticket, which reopens.
    for (const i of [1, 2, 3, 16]) expect(ticketOf(i)).toBe(n);
    expect(s.tickets.find((t) => t.number === n)).toMatchObject({ status: 'open', reopened: true });
    // A reply to an email filed earlier in the same batch joins the ticket that email opened.
    expect(ticketOf(4)).toBe(ticketOf(0));
    // New mail opens tickets; the second automatic answer to alice in the window is suppressed.
    expect(ticketOf(5)).not.toBe(ticketOf(0));
    const acks = (i: number) => s.outbox.filter((o) => o.kind === 'ticket_ack' && o.ticket === ticketOf(i));
    expect(acks(0).map((o) => o.status)).toEqual(['queued']);
    expect(acks(5).map((o) => o.status)).toEqual(['suppressed']);
    // Two mails of one new sender: two tickets, the name filled by the second.
    expect(ticketOf(7)).not.toBe(ticketOf(6));
    expect(s.contacts.find((c) => c.email === 'bob@example.com')?.name).toBe('Bob Brown');
    expect(s.contacts.find((c) => c.email === 'dave@example.com')?.name).toBe('Dave Davis');
    // Automatic mail is filed and never answered.
    // Stored without a verification (as `mail ingest` does): threaded under sender-auth flag, and marked.
    expect(s.inbound[8]).toMatchObject({
      status: 'threaded',
      automatic: true,
      reason: 'automatic: Auto-Submitted: auto-replied; sender not verified (the sender was not checked)',
    });
    expect(acks(8)).toEqual([]);
    // The bounce marks the agent's reply and the address, with a note on the ticket.
    expect(s.inbound[9]).toMatchObject({ status: 'bounce', ticket_id: n });
    expect(s.outbox.find((o) => o.kind === 'agent_reply')?.status).toBe('bounced');
    expect(s.contacts.find((c) => c.email === 'owner@example.com')?.bouncing).toBe(true);
    expect(
      s.messages.some((m) => m.ticket_id === n && m.sender === 'system' && m.body.startsWith('Email to owner@example.com bounced')),
    ).toBe(true);
    // Garbage and mail without a sender are quarantined with their reasons.
    expect(s.inbound[10]).toMatchObject({ status: 'quarantined', ticket_id: null });
    expect(s.inbound[10]!.reason).toMatch(/^unparseable: /);
    expect(s.inbound[11]).toMatchObject({ status: 'quarantined', reason: 'no usable sender address (From)' });
    // A stranger's reference opens their own ticket, noted on both.
    expect(ticketOf(12)).not.toBe(n);
    expect(s.messages.filter((m) => m.ticket_id === n && m.body.includes('mallory@other.example'))).toHaveLength(1);
    expect(s.messages.filter((m) => m.ticket_id === ticketOf(12) && m.body.startsWith('Note on the email above'))).toHaveLength(1);
    // A forged token is ignored and noted; a tag from someone else is ignored.
    expect(s.inbound[13]!.reason).toMatch(/does not verify/);
    expect(ticketOf(14)).not.toBe(n);
    expect(s.attachments).toEqual([
      { inbound_email_id: 15, filename: 'invoice.pdf', content_type: 'application/pdf', size: 16, skipped: false },
    ]);
  });

  it('changes nothing when a job runs again, or when the job of an email the batch filed runs', async () => {
    const before = await snapshot(batched);
    for (const id of [batched.ids[4]!, batched.ids[0]!, batched.ids[16]!]) {
      const again = await fileInboundBatch(batched.t.db, batched.jobs, id, limits);
      expect(again.filed).toEqual([]);
      expect(again.own.filed).toBe(false);
    }
    expect(await snapshot(batched)).toEqual(before);
  });
});
