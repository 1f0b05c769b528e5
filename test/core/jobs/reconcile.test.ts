import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { parseChatEvents } from '../../../core/chats/chat-event.ts';
import { storeChatEvents } from '../../../core/chats/store-chat-events.ts';
import { reconcile, reconcileAlone, reconcileBusy } from '../../../core/jobs/reconcile.ts';
import { at, eventId, startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';
import { waitFor } from '../../support/wait-for.ts';

// Redis holds work in flight only: work stored in Postgres whose job is gone (never queued
// while Redis was down, or wiped with Redis's data) is queued again by reconcile.

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

it('queues stored events that have no job, and their conversions follow', async () => {
  p = await startPipeline({ trigger_enabled: false });
  const chat = 'lost-chat';
  const events = parseChatEvents({
    events: [
      {
        id: eventId(),
        type: 'chat.started',
        property: 'shop',
        at: at(),
        chat: { id: chat },
        visitor: { id: 'v' },
        prechat: { email: 'lost@example.com' },
      },
      {
        id: eventId(),
        type: 'chat.message',
        property: 'shop',
        at: at(),
        chat: { id: chat },
        message: { id: 'm', sender: 'visitor', text: 'hello' },
      },
      { id: eventId(), type: 'chat.ended', property: 'shop', at: at(), chat: { id: chat } },
    ],
  });
  // Stored as the ingress does, but no job was ever queued (Redis was down).
  await storeChatEvents(p.t.db, p.property.id, events);
  await sql`UPDATE chat_events SET received_at = now() - interval '5 minutes'`.execute(p.t.db);

  // Before any worker runs: a starting worker's own reconcile (its schedule's first run is
  // immediate) would queue these too, and their processing could race this count.
  expect(await reconcile(p.t.db, p.jobs)).toEqual({
    chatEvents: 3,
    conversions: 0,
    inboundEmails: 0,
    outboxEmails: 0,
    chatTimers: 0,
    clockChecks: 0,
  });
  await p.startWorker();
  const ticket = await waitFor(() => p!.t.db.selectFrom('tickets').selectAll().executeTakeFirst(), 'the ticket');
  expect(ticket.subject).toBe('Missed chat from lost@example.com');
  // Nothing is left to do, and doing it again changes nothing.
  expect(await reconcile(p.t.db, p.jobs)).toMatchObject({ chatEvents: 0, conversions: 0, inboundEmails: 0 });
});

it('converts a missed chat whose conversion job was wiped with Redis', async () => {
  p = await startPipeline({ trigger_enabled: false, auto_convert: false });
  await p.startWorker();
  await p.post({
    events: [
      {
        id: eventId(),
        type: 'chat.started',
        property: 'shop',
        at: at(),
        chat: { id: 'c' },
        visitor: { id: 'v' },
        prechat: { email: 'wiped@example.com' },
      },
      { id: eventId(), type: 'chat.ended', property: 'shop', at: at(), chat: { id: 'c' } },
    ],
  });
  const conversation = await waitFor(async () => {
    const c = await p!.t.db.selectFrom('conversations').selectAll().executeTakeFirst();
    return c?.ended_at ? c : undefined;
  }, 'the missed chat');
  // auto_convert was off, so no job exists: as if Redis had lost it. Turn it on and reconcile.
  await sql`UPDATE properties SET auto_convert = true`.execute(p.t.db);
  await sql`UPDATE conversations SET ended_at = now() - interval '5 minutes' WHERE id = ${conversation.id}`.execute(p.t.db);
  expect(await reconcile(p.t.db, p.jobs)).toMatchObject({ chatEvents: 0, conversions: 1, inboundEmails: 0 });
  await waitFor(() => p!.t.db.selectFrom('tickets').selectAll().executeTakeFirst(), 'the ticket');
  expect(await p.t.db.selectFrom('outbox_emails').select('id').execute()).toHaveLength(1);
});

it('fires the recovery trigger of a live chat whose timer was wiped with Redis', async () => {
  p = await startPipeline({ trigger_delay_seconds: 2 });
  await p.startWorker();
  await p.post({
    events: [
      { id: eventId(), type: 'chat.started', property: 'shop', at: at(), chat: { id: 'live' }, visitor: { id: 'v' } },
      {
        id: eventId(),
        type: 'chat.message',
        property: 'shop',
        at: at(),
        chat: { id: 'live' },
        message: { id: 'm', sender: 'visitor', text: 'anyone?' },
      },
    ],
  });
  await waitFor(
    async () =>
      (await p!.t.db.selectFrom('chat_events').select('id').where('processed_at', 'is', null).execute()).length === 0 || undefined,
    'the events processed',
  );
  // Redis loses its data: the delayed trigger job is gone.
  await p.jobs.queue('chat-timers').obliterate({ force: true });
  await sql`UPDATE conversations SET created_at = now() - interval '5 minutes'`.execute(p.t.db);
  expect(await reconcile(p.t.db, p.jobs)).toMatchObject({ chatTimers: 1 });
  const trigger = await waitFor(
    () => p!.t.db.selectFrom('messages').selectAll().where('sender', '=', 'trigger').executeTakeFirst(),
    'the trigger message',
  );
  expect(trigger.body).toBeTruthy();
  // Scheduled again later, the fired trigger stays single.
  await reconcile(p.t.db, p.jobs);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await p.t.db.selectFrom('messages').select('id').where('sender', '=', 'trigger').execute()).toHaveLength(1);
});

it('runs one pass at a time across processes: a pass that finds another running adds nothing', async () => {
  p = await startPipeline({ trigger_enabled: false });
  const events = parseChatEvents({
    events: [{ id: eventId(), type: 'chat.started', property: 'shop', at: at(), chat: { id: 'busy' }, visitor: { id: 'v' } }],
  });
  await storeChatEvents(p.t.db, p.property.id, events);
  await sql`UPDATE chat_events SET received_at = now() - interval '5 minutes'`.execute(p.t.db);
  // Another process's pass, as a session holding the lock on a connection of its own.
  const other = await p.t.db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(hashtextextended('switchboard/reconcile', 0))`.execute(conn);
    const seen = await reconcileAlone(p!.t.db, p!.jobs);
    await sql`SELECT pg_advisory_unlock(hashtextextended('switchboard/reconcile', 0))`.execute(conn);
    return seen;
  });
  expect(other).toBe(reconcileBusy);
  expect(await p.jobs.queue('chat-events').getJobCounts('waiting')).toEqual({ waiting: 0 });
  // Once it is done, the next pass runs, and leaves the lock free for the one after.
  expect(await reconcileAlone(p.t.db, p.jobs)).toMatchObject({ chatEvents: 1 });
  expect(await reconcileAlone(p.t.db, p.jobs)).not.toBe(reconcileBusy);
});
