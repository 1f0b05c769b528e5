import { sql, type Kysely, type RawBuilder } from 'kysely';
import chunk from 'lodash/chunk.js';
import type { Database } from '../db/schema.ts';
import { scheduleChatTimers } from '../chats/chat-timers.ts';
import { clockItemKey } from '../responses/response-clock-store.ts';
import type { JobQueue } from './job-queue.ts';

/** What a reconcile pass queued again. */
export interface ReconcileResult {
  chatEvents: number;
  conversions: number;
  inboundEmails: number;
  outboxEmails: number;
  /** Chats still going whose timers (recovery trigger, inactivity) were scheduled again. */
  chatTimers: number;
  /** Response-clock checks asked for again: due (or at risk) soon or already, and not yet recorded. */
  clockChecks: number;
}

const batch = 1000;
/**
 * Requeues in flight at once. Each one is a few Redis round trips; one after another, a pass
 * over a backlog (a Redis outage's worth of stored events, a thousand queued emails) took 50 s
 * on a loaded worker, and the work waited that long. ioredis pipelines concurrent commands.
 */
const inFlight = 64;

async function eachConcurrently<T>(items: readonly T[], queue: (item: T) => Promise<void>): Promise<void> {
  for (const group of chunk(items, inFlight)) await Promise.all(group.map(queue));
}

/** Another process's pass holds the lock: this one had nothing to add. */
export const reconcileBusy = 'another reconcile pass is running' as const;

/**
 * One reconcile pass at a time, across every worker process: the schedule starts a pass every
 * few seconds, and passes that overlap only repeat each other's Redis work while the backlog
 * they are clearing waits. A session advisory lock on one connection, released with it.
 */
export async function reconcileAlone(
  db: Kysely<Database>,
  jobs: JobQueue,
  options: Parameters<typeof reconcile>[2] = {},
): Promise<ReconcileResult | typeof reconcileBusy> {
  return db.connection().execute(async (conn) => {
    const key = sql`hashtextextended('switchboard/reconcile', 0)`;
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${key}) AS locked`.execute(conn);
    if (!rows[0]?.locked) return reconcileBusy;
    try {
      return await reconcile(conn, jobs, options);
    } finally {
      await sql`SELECT pg_advisory_unlock(${key})`.execute(conn);
    }
  });
}

/**
 * Postgres is the source of truth and Redis only holds work in flight, so work can outlive
 * its job: an event stored while Redis was down, a job lost with Redis's data, a job that
 * failed for good. This pass finds stored work that should have been done by now and makes
 * sure a job exists for it. Jobs are idempotent, so queueing one that is also running is safe.
 */
export async function reconcile(
  db: Kysely<Database>,
  jobs: JobQueue,
  options: { graceSeconds?: number; clockHorizonSeconds?: number } = {},
): Promise<ReconcileResult> {
  const grace = sql<Date>`now() - ${options.graceSeconds ?? 30} * interval '1 second'`;
  const chats = await requeueChatWork(db, jobs, grace);
  const mail = await requeueMailWork(db, jobs, grace);
  const chatTimers = await rescheduleChatTimers(db, jobs, grace);
  const clockChecks = await requeueClockChecks(db, jobs, options.clockHorizonSeconds ?? 180);
  return { ...chats, ...mail, chatTimers, clockChecks };
}

type Grace = RawBuilder<Date>;

/** Stored chat events not applied, and missed chats (or offline messages) without their ticket. */
async function requeueChatWork(db: Kysely<Database>, jobs: JobQueue, grace: Grace) {
  const events = await db
    .selectFrom('chat_events')
    .select('id')
    .where('processed_at', 'is', null)
    .where('received_at', '<', grace)
    .orderBy('id')
    .limit(batch)
    .execute();
  await eachConcurrently(events, ({ id }) => jobs.requeue('chat-event', { eventRowId: id }));

  const conversions = await db
    .selectFrom('conversations as c')
    .innerJoin('properties as p', 'p.id', 'c.property_id')
    .select('c.id')
    .where('p.auto_convert', '=', true)
    .where('c.visitor_email', 'is not', null)
    .where('c.trashed_at', 'is', null)
    .where('c.ended_at', '<', grace)
    .where((eb) => eb.or([eb('c.missed', '=', true), eb('c.kind', '=', 'offline')]))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('tickets as t').select('t.id').whereRef('t.conversation_id', '=', 'c.id'))))
    .limit(batch)
    .execute();
  await eachConcurrently(conversions, ({ id }) => jobs.requeue('convert', { conversationId: id }));
  return { chatEvents: events.length, conversions: conversions.length };
}

/** Inbound mail not filed, and queued outbox mail whose job is gone. */
async function requeueMailWork(db: Kysely<Database>, jobs: JobQueue, grace: Grace) {
  const inbound = await db
    .selectFrom('inbound_emails')
    .select('id')
    .where('processed_at', 'is', null)
    .where('received_at', '<', grace)
    .orderBy('id')
    .limit(batch)
    .execute();
  await eachConcurrently(inbound, ({ id }) => jobs.requeue('inbound-email', { inboundEmailId: id }));

  // A job still waiting out its backoff is left alone (requeue only re-adds missing or
  // finished jobs and retries failed ones).
  const outbox = await db
    .selectFrom('outbox_emails')
    .select('id')
    .where('status', '=', 'queued')
    .where('created_at', '<', grace)
    .orderBy('id')
    .limit(batch)
    .execute();
  await eachConcurrently(outbox, ({ id }) => jobs.requeue('send-email', { outboxId: id }));
  return { inboundEmails: inbound.length, outboxEmails: outbox.length };
}

/**
 * Chats still going: their timers are delayed jobs, which a Redis that lost its data lost
 * too. Scheduling them again is harmless (same job ids; each timer re-checks the chat), and
 * live chats are few, so all of them are covered without tracking which timers exist.
 */
async function rescheduleChatTimers(db: Kysely<Database>, jobs: JobQueue, grace: Grace): Promise<number> {
  const open = await db
    .selectFrom('conversations as c')
    .innerJoin('properties as p', 'p.id', 'c.property_id')
    .selectAll('c')
    .select(['p.trigger_enabled', 'p.trigger_delay_seconds', 'p.inactivity_timeout_seconds'])
    .where('c.kind', '=', 'chat')
    .where('c.ended_at', 'is', null)
    .where('c.trashed_at', 'is', null)
    .where('c.created_at', '<', grace)
    .orderBy('c.id')
    .limit(batch)
    .execute();
  await eachConcurrently(open, (c) => scheduleChatTimers(jobs, c, c));
  return open.length;
}

/**
 * Response clocks: the checks of times that have come, or come before the next pass, and that
 * no check has looked at yet. Those are the timers a Redis that lost its data lost, and those
 * of inbox actions and settings changes, which store due times without a job queue. Later
 * times wait for a later pass, so thousands of running clocks do not mean thousands of jobs a
 * minute.
 */
async function requeueClockChecks(db: Kysely<Database>, jobs: JobQueue, horizonSeconds: number): Promise<number> {
  const now = new Date();
  const horizon = sql<Date>`now() + ${horizonSeconds} * interval '1 second'`;
  const checks: { kind: 'conversation' | 'ticket'; id: string; at: Date }[] = [];
  for (const kind of ['conversation', 'ticket'] as const) {
    const table = sql.table(kind === 'ticket' ? 'tickets' : 'conversations');
    const resolution = kind === 'ticket' ? sql`, (i.resolution_due_at)` : sql``;
    const { rows } = await sql<{ id: string; at: Date }>`
      SELECT i.id, x.at FROM ${table} i
      CROSS JOIN LATERAL (VALUES (i.at_risk_at), (i.first_due_at), (i.next_due_at) ${resolution}) AS x(at)
      WHERE i.due_at IS NOT NULL AND i.trashed_at IS NULL AND x.at IS NOT NULL AND x.at < ${horizon}
        AND (i.clocks_checked_at IS NULL OR i.clocks_checked_at < x.at)
      ORDER BY x.at
      LIMIT ${batch}`.execute(db);
    for (const r of rows) checks.push({ kind, ...r });
  }
  // Requeued, not added: a check of that time that already ran (and saw nothing: its item not
  // committed yet, say) keeps its id in Redis a while, and adding a kept id is a no-op.
  await eachConcurrently(checks, (c) =>
    jobs.requeue(
      'response-check',
      { item: clockItemKey(c) },
      { runAt: new Date(Math.max(c.at.getTime(), now.getTime())), idSuffix: String(c.at.getTime()) },
    ),
  );
  return checks.length;
}
