import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { formatDuration } from '../hours/business-duration.ts';
import { transactionThenJobs } from '../jobs/jobs-after-commit.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { formatItemRef } from '../inbox/item-ref.ts';
import { newMessageId, supportAddress } from '../mail/message-id.ts';
import { writeOutboxEmail } from '../mail/outbound/outbox.ts';
import { appendMessage } from '../messages/append-message.ts';
import {
  clockItemKey,
  computeItemClocks,
  parseClockItemKey,
  storeClocks,
  type ClockItem,
  type ItemClocks,
} from './response-clock-store.ts';
import { readTargets, type ClockName } from './response-targets.ts';

/** An alert a check fired for the first time. */
export interface FiredAlert {
  propertyId: string;
  property: string;
  clock: ClockName;
  kind: 'at_risk' | 'breach';
}

const clockWords: Record<ClockName, string> = { first: 'first response', next: 'next response', resolution: 'resolution' };

/** How many other items a check takes along whose at-risk or due time has come (see below). */
const checkBatch = 49;
/** How far back a time may lie for a check to take its item along; older ones are their own jobs' or reconcile's. */
const batchWindowSeconds = 120;

/**
 * A clock check (the `response-check` job, at an at-risk or due time): recomputes the item's
 * clocks under its row lock and records each at-risk and breach that is now due. The record's
 * unique key (the item, the clock, the clock's start, the kind) makes each fire exactly once,
 * however often the job runs (a retry, a duplicate, a reconcile after a Redis wipe); an answer
 * that came before a time means that time never fires. One that came after it (or a close
 * after it) does not undo it: a check that runs late, after the first clock stopped, still
 * records the times the clock passed while it ran (ClockState.firstStopped). A breach also writes a system
 * note on the item, in the same transaction, and the notifications the property asks for.
 *
 * A check also takes along up to `checkBatch` other items of its property whose earliest
 * at-risk or due time has come in the last two minutes and no check has seen (FOR UPDATE SKIP
 * LOCKED: never waiting for one), checks them in the same transaction, and then removes their
 * own jobs for the times it covered. A minute in which thousands of clocks come due is then a
 * few checks of many items each instead of a check per item and time, each its own transaction
 * and job (bench/timers.ts: a queue that did 170 checks a second fell 45 s behind 330 asked).
 * Only its own item's lock is waited for, and first, so two checks cannot deadlock; a property
 * whose breaches are emailed is not batched (each email takes its recipient's lock).
 */
export async function checkResponseClocks(db: Kysely<Database>, jobs: JobQueue, itemKey: string, now = new Date()): Promise<FiredAlert[]> {
  const item: ClockItem = parseClockItemKey(itemKey);
  const { fired, covered } = await transactionThenJobs(db, jobs, async (trx, jobs) => {
    // The item's lock first, in a statement of its own: the facts are then read by the next
    // statement, which sees whatever a writer that held the lock committed. Read by the
    // statement that waited for the lock, they would be as they were when it began (READ
    // COMMITTED): an answer committed meanwhile unseen, a breach recorded on an item answered
    // in time and the clocks from before the answer stored over the writer's. (The items taken
    // along are locked by comeDue's statement and read after it, likewise.)
    await trx
      .selectFrom(item.kind === 'ticket' ? 'tickets' : 'conversations')
      .select('id')
      .where('id', '=', item.id)
      .forUpdate()
      .execute();
    const [own] = await computeItemClocks(trx, [item], { lock: true });
    if (!own) return { fired: [], covered: [] };
    const others = await computeItemClocks(trx, await comeDue(trx, own, now));
    const all = [own, ...others];
    // What this check saw covers every time up to now: reconcile does not ask for them again.
    await storeClocks(trx, all, { checkedAt: now });
    const fired: FiredAlert[] = [];
    for (const clocks of all) fired.push(...(await recordDue(trx, jobs, clocks, now)));
    return { fired, covered: others };
  });
  // The jobs of the items taken along, for the times this check covered, have nothing left to
  // do. A job already running cannot be removed: it runs and finds nothing new.
  const removals = covered.flatMap((c) =>
    [
      ...new Set(
        c.state.running
          .flatMap((r) => [r.atRiskAt, r.dueAt])
          .filter((at): at is Date => at !== null && at <= now)
          .map((at) => at.getTime()),
      ),
    ].map((at) => jobs.remove('response-check', { item: clockItemKey(c.item) }, { idSuffix: String(at) }).catch(() => {})),
  );
  await Promise.all(removals);
  return fired;
}

/**
 * Other items of the check's property and kind whose earliest at-risk or due time has just come and that no check has seen since,
 * locked (those another holds are skipped).
 */
async function comeDue(trx: Transaction<Database>, own: ItemClocks, now: Date): Promise<ClockItem[]> {
  // A breach emailed takes its recipient's advisory lock (core/mail/outbound/outbox.ts): several in one
  // transaction, in item order, could deadlock with another batch. Such properties check alone.
  if (own.targets.notify.email !== 'off') return [];
  const since = new Date(now.getTime() - batchWindowSeconds * 1000);
  const { rows } = await sql<{ id: string }>`
    SELECT i.id FROM ${sql.table(own.item.kind === 'ticket' ? 'tickets' : 'conversations')} i
    WHERE i.property_id = ${own.propertyId} AND i.trashed_at IS NULL AND i.id <> ${own.item.id}::bigint
      AND ((i.due_at IS NOT NULL AND i.due_at > ${since} AND i.due_at <= ${now}
          AND (i.clocks_checked_at IS NULL OR i.clocks_checked_at < i.due_at))
        OR (i.at_risk_at IS NOT NULL AND i.at_risk_at > ${since} AND i.at_risk_at <= ${now}
          AND (i.clocks_checked_at IS NULL OR i.clocks_checked_at < i.at_risk_at)))
    ORDER BY i.id
    LIMIT ${checkBatch}
    FOR UPDATE SKIP LOCKED`.execute(trx);
  return rows.map((r) => ({ kind: own.item.kind, id: r.id }));
}

/**
 * Records each at-risk and breach of one item that is now due (one statement), with a breach's note and notifications; returns
 * those that are new.
 */
async function recordDue(trx: Transaction<Database>, jobs: JobQueue, clocks: ItemClocks, now: Date): Promise<FiredAlert[]> {
  const { item } = clocks;
  // The running clocks' times that have come; and those the first clock passed before it
  // stopped (answered late, or closed), for a check that runs after the stop.
  const stopped = clocks.state.firstStopped;
  const toRecord = [...clocks.state.running.map((r) => ({ ...r, stoppedAt: null as Date | null })), ...(stopped ? [stopped] : [])];
  const due = toRecord.flatMap((r) =>
    (
      [
        ['at_risk', r.atRiskAt],
        ['breach', r.dueAt],
      ] as const
    )
      .filter(([, at]) => at !== null && at <= now && !(r.stoppedAt && r.stoppedAt <= at))
      .map(([kind, at]) => ({ r, kind, at: at! })),
  );
  if (!due.length) return [];
  const inserted = await sql<{ id: string; clock: ClockName; kind: 'at_risk' | 'breach' }>`
    INSERT INTO response_alerts
      (property_id, conversation_id, ticket_id, clock, kind, started_at, due_at, agent_id, department_id, priority)
    SELECT i.property_id, ${item.kind === 'conversation' ? item.id : null}::bigint, ${item.kind === 'ticket' ? item.id : null}::bigint,
      v.clock, v.kind, v.started_at, v.due_at, i.agent_id, i.department_id, i.priority
    FROM ${sql.table(item.kind === 'ticket' ? 'tickets' : 'conversations')} i,
      unnest(${due.map((d) => d.r.clock)}::text[], ${due.map((d) => d.kind)}::text[],
        ${due.map((d) => d.r.startedAt)}::timestamptz[], ${due.map((d) => d.at)}::timestamptz[])
        AS v(clock, kind, started_at, due_at)
    WHERE i.id = ${item.id}::bigint
    ON CONFLICT DO NOTHING
    RETURNING id, clock, kind`.execute(trx);
  const fired: FiredAlert[] = [];
  for (const { r, kind, at } of due) {
    const alert = inserted.rows.find((row) => row.clock === r.clock && row.kind === kind);
    if (!alert) continue;
    fired.push({ propertyId: clocks.propertyId, property: clocks.propertySlug, clock: r.clock, kind });
    if (kind !== 'breach') continue;
    const target = { [item.kind === 'ticket' ? 'ticketId' : 'conversationId']: item.id } as
      { ticketId: string } | { conversationId: string };
    await appendMessage(trx, {
      propertyId: clocks.propertyId,
      target,
      sender: 'system',
      body:
        `The ${clockWords[r.clock]} target (${formatDuration(r.targetMs)} of business time) was breached: ` +
        `due ${at.toISOString()}, counted from ${r.startedAt.toISOString()}.`,
      createdAt: now,
    });
    // A property that asks for no notification has nothing to read for it.
    if (clocks.targets.notify.email !== 'off' || clocks.targets.notify.callback) await notifyBreach(trx, jobs, item, alert.id, r.clock, at);
  }
  return fired;
}

/**
 * The notifications of a breach the property asks for (its targets' `notify`): an email to the
 * item's agent (else the lead address) or to the lead, written to the outbox in the breach's
 * transaction (automatic, so the outbox's once-an-hour rule per recipient holds it back in a
 * storm), and a signed POST to the callback URL (a job, queued after the commit).
 */
async function notifyBreach(
  trx: Transaction<Database>,
  jobs: JobQueue,
  item: ClockItem,
  alertId: string,
  clock: ClockName,
  dueAt: Date,
): Promise<void> {
  const table = item.kind === 'ticket' ? 'tickets' : 'conversations';
  const row = await trx
    // Both tables have the columns read here: typed as one of them.
    .selectFrom(`${table} as i` as 'tickets as i')
    .innerJoin('properties as p', 'p.id', 'i.property_id')
    .leftJoin('agents as g', 'g.id', 'i.agent_id')
    .selectAll('p')
    .select(['g.email as agent_email', 'g.name as agent_name'])
    .where('i.id', '=', item.id)
    .executeTakeFirstOrThrow();
  const { agent_email: agentEmail, agent_name: agentName, ...property } = row;
  const notify = readTargets(property.response_targets).notify;
  if (notify.callback && property.callback_url) await jobs.add('deliver-alert', { alertId });
  if (notify.email === 'off') return;
  const to = notify.email === 'assignee' ? (agentEmail ?? notify.leadAddress) : notify.leadAddress;
  if (!to) return;
  const ref =
    item.kind === 'ticket'
      ? formatItemRef(
          'ticket',
          (await trx.selectFrom('tickets').select('number').where('id', '=', item.id).executeTakeFirstOrThrow()).number,
        )
      : formatItemRef('conversation', item.id);
  await writeOutboxEmail(trx, jobs, {
    propertyId: property.id,
    ticketId: item.kind === 'ticket' ? item.id : null,
    kind: 'breach_notice',
    messageId: newMessageId(property, `breach-${alertId}`),
    from: supportAddress(property),
    to,
    subject: `${ref} breached its ${clockWords[clock]} target`,
    text:
      `${ref} of ${property.name} breached its ${clockWords[clock]} target: it was due ${dueAt.toISOString()}.` +
      `${agentName ? `\nAssigned to ${agentName}.` : '\nNobody is assigned.'}\n\nswitchboard inbox show ${ref}\n`,
    automatic: true,
  });
}
