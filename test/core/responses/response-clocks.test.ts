import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../../../core/db/schema.ts';
import { closeItem, markPending, reopenItem, setPriority } from '../../../core/inbox/item-actions.ts';
import { ingestInboundEmail } from '../../../core/mail/inbound/filing/ingest-inbound-email.ts';
import { storeInboundEmail } from '../../../core/mail/inbound/store/store-inbound-email.ts';
import { appendMessage } from '../../../core/messages/append-message.ts';
import { addInternalNote } from '../../../core/messages/internal-note.ts';
import { setBusinessHours, setResponseTargets } from '../../../core/responses/response-settings.ts';
import { noTargets } from '../../../core/responses/response-targets.ts';
import type { TimeRange, Weekday } from '../../../core/hours/business-hours.ts';
import { replyToTicket } from '../../../core/tickets/reply-to-ticket.ts';
import { eventId, startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';

// The response clocks of tickets as mail, replies and inbox actions move them, on a real
// Postgres (the clocks are computed from the stored messages) with the real queue. Around the
// clock (no business hours) unless a test sets them, so the expected due times are plain sums.

const H = 3_600_000;
const limits = { maxAttachmentBytes: 1024 * 1024 };
let p: Pipeline;

beforeAll(async () => {
  p = await startPipeline({ trigger_enabled: false, inbound_domain: 'in.shop.example', support_address: 'help@shop.example' });
  await setResponseTargets(p.t.db, p.property.id, {
    ...noTargets,
    base: { first: 4 * H, next: 8 * H, resolution: 72 * H },
    byPriority: { urgent: { first: 0.5 * H } },
  });
});
afterAll(async () => {
  await p?.close();
});

const mail = (o: { from: string; subject: string; body: string; headers?: string[] }) =>
  Buffer.from(
    [
      `From: ${o.from}`,
      'To: help@in.shop.example',
      `Subject: ${o.subject}`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${eventId()}@sender.example>`,
      ...(o.headers ?? []),
      'Content-Type: text/plain; charset=UTF-8',
      '',
      o.body,
      '',
    ].join('\r\n'),
  );

/** Stores and files one email now (the job it queues finds it filed); returns its ticket. */
async function file(raw: Buffer): Promise<Ticket> {
  const stored = await storeInboundEmail(p.t.db, p.jobs, raw, { propertyId: p.property.id, via: 'cli' });
  await ingestInboundEmail(p.t.db, p.jobs, stored.id, limits);
  const row = await p.t.db.selectFrom('inbound_emails').select('ticket_id').where('id', '=', stored.id).executeTakeFirstOrThrow();
  return ticket(row.ticket_id!);
}

const ticket = (id: string) => p.t.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const firstVisitorAt = async (t: Ticket) =>
  (
    await p.t.db
      .selectFrom('messages')
      .select('created_at')
      .where('ticket_id', '=', t.id)
      .where('sender', '=', 'visitor')
      .orderBy('created_at')
      .executeTakeFirstOrThrow()
  ).created_at;
const ms = (d: Date | null) => d?.getTime() ?? null;

describe('response clocks of a ticket', () => {
  it('first response runs from the first email and stops at the agent reply; a visitor reply starts the next', async () => {
    let t = await file(mail({ from: 'Ada <ada@example.com>', subject: 'Where is my order?', body: 'It has not arrived.' }));
    const start = await firstVisitorAt(t);
    expect(ms(t.first_due_at)).toBe(start.getTime() + 4 * H);
    expect(ms(t.resolution_due_at)).toBe(start.getTime() + 72 * H);
    expect(ms(t.due_at)).toBe(start.getTime() + 4 * H);
    expect(ms(t.at_risk_at)).toBe(start.getTime() + 0.8 * 4 * H);
    expect(ms(t.waiting_since)).toBe(start.getTime());

    await replyToTicket(p.t.db, p.jobs, p.property.id, `T${t.number}`, { body: 'It ships today.' });
    t = await ticket(t.id);
    expect(t.first_due_at).toBeNull();
    expect(t.next_due_at).toBeNull();
    expect(t.waiting_since).toBeNull();
    expect(ms(t.due_at)).toBe(start.getTime() + 72 * H);

    t = await file(mail({ from: 'ada@example.com', subject: `Re: [#${t.number}] Where is my order?`, body: 'Thanks, and the invoice?' }));
    const replyAt = (
      await p.t.db
        .selectFrom('messages')
        .select('created_at')
        .where('ticket_id', '=', t.id)
        .where('sender', '=', 'visitor')
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow()
    ).created_at;
    expect(ms(t.next_due_at)).toBe(replyAt.getTime() + 8 * H);
    expect(ms(t.waiting_since)).toBe(replyAt.getTime());
    // A second visitor message does not move the clock: the wait began with the first.
    t = await file(mail({ from: 'ada@example.com', subject: `Re: [#${t.number}] Where is my order?`, body: 'Hello?' }));
    expect(ms(t.next_due_at)).toBe(replyAt.getTime() + 8 * H);
  });

  it("no clock stops for a system note, an agent's internal note, an acknowledgement, an automatic reply or a trigger message", async () => {
    let t = await file(mail({ from: 'bob@example.com', subject: 'Refund', body: 'I want a refund.' }));
    const due = ms(t.first_due_at);
    expect(due).not.toBeNull();
    // Filing wrote the acknowledgement to the outbox: it is not an agent's reply.
    expect(await p.t.db.selectFrom('outbox_emails').select('kind').where('ticket_id', '=', t.id).execute()).toEqual([
      { kind: 'ticket_ack' },
    ]);
    await appendMessage(p.t.db, { propertyId: p.property.id, target: { ticketId: t.id }, sender: 'system', body: 'A note.' });
    await appendMessage(p.t.db, {
      propertyId: p.property.id,
      target: { ticketId: t.id },
      sender: 'trigger',
      body: 'An agent will be with you shortly.',
    });
    const note = await addInternalNote(p.t.db, p.property.id, `T${t.number}`, { body: 'Refunds over 100 need a lead: asking Ana.' });
    expect(note.sender).toBe('note');
    await setPriority(p.t.db, p.property.id, `T${t.number}`, 'normal'); // recomputes from the messages
    t = await ticket(t.id);
    expect(ms(t.first_due_at)).toBe(due);
    // The note went nowhere: the outbox still holds the acknowledgement alone.
    expect(await p.t.db.selectFrom('outbox_emails').select('kind').where('ticket_id', '=', t.id).execute()).toEqual([
      { kind: 'ticket_ack' },
    ]);
    // An out-of-office from the visitor is automatic: it neither answers nor starts anything.
    t = await file(
      mail({
        from: 'bob@example.com',
        subject: `Re: [#${t.number}] Refund`,
        body: 'I am away.',
        headers: ['Auto-Submitted: auto-replied'],
      }),
    );
    expect(ms(t.first_due_at)).toBe(due);
    expect(ms(t.waiting_since)).toBe((await firstVisitorAt(t)).getTime());
  });

  it('a priority change recomputes the due time from the original start', async () => {
    let t = await file(mail({ from: 'cy@example.com', subject: 'Site down', body: 'Nothing loads.' }));
    const start = (await firstVisitorAt(t)).getTime();
    await setPriority(p.t.db, p.property.id, `T${t.number}`, 'urgent');
    t = await ticket(t.id);
    expect(ms(t.first_due_at)).toBe(start + 0.5 * H);
    // Urgent overrides only the first target: the resolution clock keeps the property's.
    expect(ms(t.resolution_due_at)).toBe(start + 72 * H);
    await setPriority(p.t.db, p.property.id, `T${t.number}`, 'high');
    t = await ticket(t.id);
    expect(ms(t.first_due_at)).toBe(start + 4 * H);
  });

  it('pending pauses the resolution clock and stops the response clocks; reopening resumes it and starts a next-response clock', async () => {
    let t = await file(mail({ from: 'dee@example.com', subject: 'Login', body: 'I cannot log in.' }));
    const start = (await firstVisitorAt(t)).getTime();
    await replyToTicket(p.t.db, p.jobs, p.property.id, `T${t.number}`, { body: 'Try resetting the password.' });
    await markPending(p.t.db, p.property.id, `T${t.number}`);
    t = await ticket(t.id);
    const pausedAt = t.status_changed_at;
    expect(t.resolution_due_at).toBeNull();
    expect(t.due_at).toBeNull();
    expect(ms(t.paused_since)).toBe(pausedAt.getTime());
    await new Promise((r) => setTimeout(r, 300));
    await reopenItem(p.t.db, p.property.id, `T${t.number}`);
    t = await ticket(t.id);
    const paused = Number(t.paused_ms);
    expect(paused).toBe(t.status_changed_at.getTime() - pausedAt.getTime());
    expect(paused).toBeGreaterThanOrEqual(250);
    expect(ms(t.resolution_due_at)).toBe(start + 72 * H + paused);
    expect(t.paused_since).toBeNull();
    // A reopen is a visitor waiting on us again.
    expect(ms(t.waiting_since)).toBe(t.status_changed_at.getTime());
    expect(ms(t.next_due_at)).toBe(t.status_changed_at.getTime() + 8 * H);

    // A visitor reply to a pending ticket reopens it (filing) and resumes the clock the same way.
    await replyToTicket(p.t.db, p.jobs, p.property.id, `T${t.number}`, { body: 'Did that work?' });
    await markPending(p.t.db, p.property.id, `T${t.number}`);
    const before = Number((await ticket(t.id)).paused_ms);
    t = await file(mail({ from: 'dee@example.com', subject: `Re: [#${t.number}] Login`, body: 'Yes it did, but now...' }));
    expect(t.status).toBe('open');
    expect(Number(t.paused_ms)).toBeGreaterThanOrEqual(before);
    expect(ms(t.resolution_due_at)).toBe(start + 72 * H + Number(t.paused_ms));
    expect(t.next_due_at).not.toBeNull();

    await closeItem(p.t.db, p.property.id, `T${t.number}`);
    t = await ticket(t.id);
    expect([t.first_due_at, t.next_due_at, t.resolution_due_at, t.due_at, t.waiting_since]).toEqual([null, null, null, null, null]);
  });

  it('counts in business hours when the property has them', async () => {
    // Open one hour a week, which has just passed: the clock waits for next week's hour.
    const hourAgo = new Date(Date.now() - 2 * H);
    const from = `${String(hourAgo.getUTCHours()).padStart(2, '0')}:00`;
    const to = `${String((hourAgo.getUTCHours() + 1) % 24).padStart(2, '0')}:00`;
    const week: Record<Weekday, TimeRange[]> = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    week[(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[hourAgo.getUTCDay()]!] = [{ from, to }];
    const { recomputed } = await setBusinessHours(p.t.db, p.property.id, { zone: 'UTC', week, holidays: [] });
    expect(recomputed).toBeGreaterThan(0);
    try {
      await setResponseTargets(p.t.db, p.property.id, { ...noTargets, base: { first: 30 * 60_000 } });
      const t = await file(mail({ from: 'eve@example.com', subject: 'Hours', body: 'Anyone there?' }));
      const opening = Date.UTC(hourAgo.getUTCFullYear(), hourAgo.getUTCMonth(), hourAgo.getUTCDate() + 7, hourAgo.getUTCHours());
      expect(ms(t.first_due_at)).toBe(opening + 30 * 60_000);
    } finally {
      await setBusinessHours(p.t.db, p.property.id, null);
      await setResponseTargets(p.t.db, p.property.id, {
        ...noTargets,
        base: { first: 4 * H, next: 8 * H, resolution: 72 * H },
        byPriority: { urgent: { first: 0.5 * H } },
      });
    }
  });

  it('a ticket made from a missed chat counts from the chat start', async () => {
    const chat = eventId();
    const at = new Date(Date.now() - 10 * 60_000);
    const property = p.property.slug;
    const res = await p.post({
      events: [
        {
          id: eventId(),
          property,
          type: 'chat.started',
          chat: { id: chat },
          at: at.toISOString(),
          visitor: { id: 'v-flo', name: 'Flo', email: 'flo@example.com' },
        },
        {
          id: eventId(),
          property,
          type: 'chat.message',
          chat: { id: chat },
          at: new Date(at.getTime() + 1000).toISOString(),
          message: { id: eventId(), sender: 'visitor', text: 'Hello?' },
        },
        {
          id: eventId(),
          property,
          type: 'chat.ended',
          chat: { id: chat },
          at: new Date(at.getTime() + 2000).toISOString(),
          reason: 'visitor_left',
        },
      ],
    });
    expect(res.status).toBe(202);
    const worker = await p.startWorker();
    try {
      const found = async () =>
        p.t.db
          .selectFrom('tickets as t')
          .innerJoin('conversations as c', 'c.id', 't.conversation_id')
          .select(['t.id', 'c.created_at'])
          .where('c.external_id', '=', chat)
          .executeTakeFirst();
      for (let i = 0; i < 100 && !(await found()); i++) await new Promise((r) => setTimeout(r, 100));
      const row = (await found())!;
      expect(row).toBeDefined();
      const t = await ticket(row.id);
      expect(ms(t.first_due_at)).toBe(row.created_at.getTime() + 4 * H);
      const conversation = await p.t.db
        .selectFrom('conversations')
        .select(['due_at', 'status'])
        .where('external_id', '=', chat)
        .executeTakeFirstOrThrow();
      expect(conversation).toEqual({ due_at: null, status: 'closed' });
    } finally {
      await worker.close();
    }
  });
});

describe('response alerts', () => {
  it('fires at risk and then breached exactly once, with a note, through the real worker; an answer first fires nothing', async () => {
    await setResponseTargets(p.t.db, p.property.id, { ...noTargets, base: { first: 1500 }, atRiskShare: 0.5 });
    const late = await file(mail({ from: 'gus@example.com', subject: 'Late', body: 'Nobody answers.' }));
    const answered = await file(mail({ from: 'hal@example.com', subject: 'Quick', body: 'Quick one.' }));
    await replyToTicket(p.t.db, p.jobs, p.property.id, `T${answered.number}`, { body: 'Done.' });
    const worker = await p.startWorker();
    try {
      const alerts = (id: string) =>
        p.t.db.selectFrom('response_alerts').select(['clock', 'kind']).where('ticket_id', '=', id).orderBy('id').execute();
      for (let i = 0; i < 100 && (await alerts(late.id)).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await alerts(late.id)).toEqual([
        { clock: 'first', kind: 'at_risk' },
        { clock: 'first', kind: 'breach' },
      ]);
      // Run the check again, and again through reconcile: nothing fires twice.
      await p.jobs.add('response-check', { item: `ticket-${late.id}` }, { idSuffix: 'again' });
      await new Promise((r) => setTimeout(r, 1000));
      expect(await alerts(late.id)).toHaveLength(2);
      expect(await alerts(answered.id)).toEqual([]);
      const notes = await p.t.db
        .selectFrom('messages')
        .select('body')
        .where('ticket_id', '=', late.id)
        .where('sender', '=', 'system')
        .where('body', 'like', '%breached%')
        .execute();
      expect(notes).toHaveLength(1);
      expect(notes[0]!.body).toMatch(/^The first response target \(<1m of business time\) was breached/);
      // The breached ticket still waits, and says so.
      expect((await ticket(late.id)).due_at!.getTime()).toBeLessThan(Date.now());
    } finally {
      await worker.close();
      await setResponseTargets(p.t.db, p.property.id, { ...noTargets, base: { first: 4 * H, next: 8 * H, resolution: 72 * H } });
    }
  });

  it('a check that finds at risk and breach both past records both in one go, marks the time it covered, and nothing the second time', async () => {
    const { checkResponseClocks } = await import('../../../core/responses/response-alerts.ts');
    await setResponseTargets(p.t.db, p.property.id, { ...noTargets, base: { first: 1000 }, atRiskShare: 0.5 });
    try {
      const t = await file(mail({ from: 'ivy@example.com', subject: 'Both', body: 'Both at once.' }));
      const at = new Date((await firstVisitorAt(t)).getTime() + 5000);
      expect(await checkResponseClocks(p.t.db, p.jobs, `ticket-${t.id}`, at)).toEqual([
        { propertyId: p.property.id, property: p.property.slug, clock: 'first', kind: 'at_risk' },
        { propertyId: p.property.id, property: p.property.slug, clock: 'first', kind: 'breach' },
      ]);
      expect((await ticket(t.id)).clocks_checked_at?.getTime()).toBe(at.getTime());
      expect(await checkResponseClocks(p.t.db, p.jobs, `ticket-${t.id}`, new Date(at.getTime() + 1000))).toEqual([]);
      const notes = await p.t.db
        .selectFrom('messages')
        .select('created_at')
        .where('ticket_id', '=', t.id)
        .where('sender', '=', 'system')
        .execute();
      expect(notes.map((n) => n.created_at.getTime())).toEqual([at.getTime()]);
      // No notification asked for: nothing in the outbox.
      expect(
        await p.t.db.selectFrom('outbox_emails').select('id').where('ticket_id', '=', t.id).where('kind', '=', 'breach_notice').execute(),
      ).toEqual([]);
    } finally {
      await setResponseTargets(p.t.db, p.property.id, { ...noTargets, base: { first: 4 * H, next: 8 * H, resolution: 72 * H } });
    }
  });

  it('a check takes along the items whose times have just come, records theirs once and removes their jobs for those times', async () => {
    const { checkResponseClocks } = await import('../../../core/responses/response-alerts.ts');
    const { jobId } = await import('../../../core/jobs/job-catalog.ts');
    await setResponseTargets(p.t.db, p.property.id, { ...noTargets, base: { first: 1000 }, atRiskShare: 0.5 });
    try {
      const a = await file(mail({ from: 'max@example.com', subject: 'A', body: 'First.' }));
      const b = await file(mail({ from: 'nia@example.com', subject: 'B', body: 'Second.' }));
      const bDue = (await ticket(b.id)).first_due_at!.getTime();
      const bJob = () => p.jobs.queue('response-timers').getJob(jobId('response-check', { item: `ticket-${b.id}` }, String(bDue)));
      expect(await bJob()).toBeDefined();
      const now = new Date(bDue + 10);
      const fired = await checkResponseClocks(p.t.db, p.jobs, `ticket-${a.id}`, now);
      expect(fired.map((f) => f.kind)).toEqual(['at_risk', 'breach', 'at_risk', 'breach']);
      const notes = (id: string) =>
        p.t.db.selectFrom('messages').select('created_at').where('ticket_id', '=', id).where('sender', '=', 'system').execute();
      expect((await notes(b.id)).map((n) => n.created_at.getTime())).toEqual([now.getTime()]);
      expect((await ticket(b.id)).clocks_checked_at?.getTime()).toBe(now.getTime());
      // B's own checks for those times are gone; run anyway, they would find nothing new.
      expect(await bJob()).toBeUndefined();
      expect(await checkResponseClocks(p.t.db, p.jobs, `ticket-${b.id}`, new Date(now.getTime() + 1))).toEqual([]);
      expect(await notes(b.id)).toHaveLength(1);
    } finally {
      await setResponseTargets(p.t.db, p.property.id, { ...noTargets, base: { first: 4 * H, next: 8 * H, resolution: 72 * H } });
    }
  });

  it('emails a breach to the assignee (else the lead) through the outbox, and POSTs it signed to the callback URL', async () => {
    const { createServer } = await import('node:http');
    const { verifySignature } = await import('../../../core/chats/event-signature.ts');
    const { upsertAgent } = await import('../../../core/directory/agents.ts');
    const { assignItem } = await import('../../../core/inbox/item-actions.ts');
    const { updateProperty } = await import('../../../core/properties/property-store.ts');
    const posts: { type: string; item: string; clock: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        verifySignature(req.headers['x-switchboard-signature'] as string, body, p.property.signing_secret);
        posts.push(JSON.parse(body.toString()) as (typeof posts)[number]);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await updateProperty(p.t.db, p.property.id, { callback_url: `http://127.0.0.1:${port}/hook` });
    await setResponseTargets(p.t.db, p.property.id, {
      ...noTargets,
      base: { first: 1000 },
      notify: { email: 'assignee', leadAddress: 'lead@shop.example', callback: true },
    });
    const assigned = await file(mail({ from: 'jo@example.com', subject: 'Assigned', body: 'Someone has this.' }));
    const agent = await upsertAgent(p.t.db, p.property.id, { email: 'kim@shop.example', name: 'Kim' });
    await assignItem(p.t.db, p.property.id, `T${assigned.number}`, agent.email);
    const nobody = await file(mail({ from: 'lu@example.com', subject: 'Nobody', body: 'Nobody has this.' }));
    const worker = await p.startWorker();
    try {
      const notices = (id: string) =>
        p.t.db
          .selectFrom('outbox_emails')
          .select(['to_address', 'subject', 'automatic'])
          .where('ticket_id', '=', id)
          .where('kind', '=', 'breach_notice')
          .execute();
      for (
        let i = 0;
        i < 100 && ((await notices(assigned.id)).length === 0 || (await notices(nobody.id)).length === 0 || posts.length < 2);
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
      expect(await notices(assigned.id)).toEqual([
        { to_address: 'kim@shop.example', subject: `T${assigned.number} breached its first response target`, automatic: true },
      ]);
      expect((await notices(nobody.id)).map((n) => n.to_address)).toEqual(['lead@shop.example']);
      expect(posts).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'response.breached', item: `T${assigned.number}`, clock: 'first' }),
          expect.objectContaining({ type: 'response.breached', item: `T${nobody.number}`, clock: 'first' }),
        ]),
      );
    } finally {
      await worker.close();
      await new Promise((r) => server.close(r));
      await updateProperty(p.t.db, p.property.id, { callback_url: null });
      await setResponseTargets(p.t.db, p.property.id, { ...noTargets, base: { first: 4 * H, next: 8 * H, resolution: 72 * H } });
    }
  });

  it('reconcile asks again for the checks a Redis wipe lost', async () => {
    await setResponseTargets(p.t.db, p.property.id, { ...noTargets, base: { first: 1000 } });
    const t = await file(mail({ from: 'ivy@example.com', subject: 'Wiped', body: 'Redis forgot me.' }));
    // Every job gone, as after a FLUSHALL.
    const redis = (await import('ioredis')).Redis;
    const r = new redis(p.redisUrl);
    const keys = await r.keys(`${p.prefix}:*`);
    if (keys.length) await r.del(...keys);
    await r.quit();
    await new Promise((res) => setTimeout(res, 1200));
    const worker = await p.startWorker();
    try {
      const { reconcile } = await import('../../../core/jobs/reconcile.ts');
      const result = await reconcile(p.t.db, p.jobs, { graceSeconds: 0 });
      expect(result.clockChecks).toBeGreaterThanOrEqual(1);
      const breach = () =>
        p.t.db.selectFrom('response_alerts').select('kind').where('ticket_id', '=', t.id).where('kind', '=', 'breach').execute();
      for (let i = 0; i < 100 && (await breach()).length === 0; i++) await new Promise((res) => setTimeout(res, 100));
      expect(await breach()).toHaveLength(1);
      // Passes settle: once every due check is recorded, a pass asks for none. (Setting the
      // 1 s target made every open ticket of this file due, so there are several.)
      let again = await reconcile(p.t.db, p.jobs, { graceSeconds: 0 });
      for (let i = 0; i < 50 && again.clockChecks > 0; i++) {
        await new Promise((res) => setTimeout(res, 200));
        again = await reconcile(p.t.db, p.jobs, { graceSeconds: 0 });
      }
      expect(again.clockChecks).toBe(0);
      const still = await sql<{ n: number }>`SELECT count(*)::int AS n FROM tickets WHERE id = ${t.id} AND due_at IS NOT NULL`.execute(
        p.t.db,
      );
      expect(still.rows[0]!.n).toBe(1);
    } finally {
      await worker.close();
    }
  });
});

describe('the inbox by response clocks', () => {
  it('sorts by due time (keyset-paged), and filters breached, at risk, due before a time and waiting longer than', async () => {
    const { listInbox } = await import('../../../core/inbox/list-inbox.ts');
    const q = await startPipeline({ trigger_enabled: false, inbound_domain: 'in.shop.example', support_address: 'help@shop.example' });
    try {
      const { createTicket } = await import('../../../core/tickets/ticket-store.ts');
      const { upsertContact } = await import('../../../core/contacts/contacts.ts');
      await setResponseTargets(q.t.db, q.property.id, { ...noTargets, base: { first: 10 * H } });
      // Visitors who wrote 1, 3, 5, 7, 9 and 11 hours ago: the last is breached, the 9-hour one at risk (80% = 8h).
      const refs: string[] = [];
      for (const hoursAgo of [5, 11, 1, 9, 3, 7]) {
        const at = new Date(Date.now() - hoursAgo * H);
        const contact = await upsertContact(q.t.db, q.property.id, { email: `v${hoursAgo}@example.com` });
        const t = await createTicket(q.t.db, { propertyId: q.property.id, subject: `${hoursAgo}h ago`, contact, createdAt: at });
        await appendMessage(q.t.db, {
          propertyId: q.property.id,
          target: { ticketId: t.id },
          sender: 'visitor',
          body: 'Help',
          createdAt: at,
        });
        refs.push(`T${t.number}`);
      }
      // One with no clock: it is in no due listing.
      const quiet = await upsertContact(q.t.db, q.property.id, { email: 'quiet@example.com' });
      await createTicket(q.t.db, { propertyId: q.property.id, subject: 'no visitor message', contact: quiet });
      await setResponseTargets(q.t.db, q.property.id, { ...noTargets, base: { first: 10 * H } }); // computes the clocks
      const titles = (items: { title: string }[]) => items.map((i) => i.title);

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listInbox(q.t.db, q.property.id, { sort: 'due', order: 'asc', limit: 2, cursor });
        seen.push(...titles(page.items));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(['11h ago', '9h ago', '7h ago', '5h ago', '3h ago', '1h ago']);
      // With a rare word the word's index is the way in (filterFirst), the clocks' index left aside: same listing.
      const byWord: string[] = [];
      cursor = undefined;
      do {
        const page = await listInbox(q.t.db, q.property.id, { text: 'ago', sort: 'due', order: 'asc', limit: 4, cursor });
        byWord.push(...titles(page.items));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(byWord).toEqual(['11h ago', '9h ago', '7h ago', '5h ago', '3h ago', '1h ago']);
      const desc = await listInbox(q.t.db, q.property.id, { sort: 'due', order: 'desc', limit: 3 });
      expect(titles(desc.items)).toEqual(['1h ago', '3h ago', '5h ago']);

      expect(titles((await listInbox(q.t.db, q.property.id, { due: 'breached' })).items)).toEqual(['11h ago']);
      expect(titles((await listInbox(q.t.db, q.property.id, { due: 'at-risk' })).items)).toEqual(['9h ago']);
      expect(
        titles(
          (await listInbox(q.t.db, q.property.id, { due: { before: new Date(Date.now() + 5.5 * H) }, sort: 'due', order: 'asc' })).items,
        ),
      ).toEqual(['11h ago', '9h ago', '7h ago', '5h ago']);
      expect(
        titles(
          (await listInbox(q.t.db, q.property.id, { waitingSince: new Date(Date.now() - 6 * H), sort: 'created', order: 'asc' })).items,
        ),
      ).toEqual(['11h ago', '9h ago', '7h ago']);
      const [first] = (await listInbox(q.t.db, q.property.id, { sort: 'due', order: 'asc', limit: 1 })).items;
      const { waitingAndDue } = await import('../../../cli/commands/inbox-command.ts');
      expect(waitingAndDue(first!)).toEqual([expect.stringMatching(/^11h 0\dm$/), expect.stringMatching(/^1h 0\dm over$/)]);
      expect(refs).toHaveLength(6);
    } finally {
      await q.close();
    }
  });
});
