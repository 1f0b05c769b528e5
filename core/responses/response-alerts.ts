import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { formatDuration } from '../hours/business-duration.ts';
import { transactionThenJobs } from '../jobs/jobs-after-commit.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { formatItemRef } from '../inbox/item-ref.ts';
import { newMessageId, supportAddress } from '../mail/message-id.ts';
import { writeOutboxEmail } from '../mail/outbox.ts';
import { appendMessage } from '../messages/append-message.ts';
import { computeItemClocks, parseClockItemKey, storeClocks, type ClockItem } from './response-clock-store.ts';
import { readTargets, type ClockName } from './response-targets.ts';

/** An alert a check fired for the first time. */
export interface FiredAlert {
  propertyId: string;
  property: string;
  clock: ClockName;
  kind: 'at_risk' | 'breach';
}

const clockWords: Record<ClockName, string> = { first: 'first response', next: 'next response', resolution: 'resolution' };

/**
 * A clock check (the `response-check` job, at an at-risk or due time): recomputes the item's
 * clocks under its row lock and records each at-risk and breach that is now due. The record's
 * unique key (the item, the clock, the clock's start, the kind) makes each fire exactly once,
 * however often the job runs (a retry, a duplicate, a reconcile after a Redis wipe); an answer
 * that came first leaves no running clock, so nothing fires. A breach also writes a system
 * note on the item, in the same transaction, and the notifications the property asks for.
 */
export async function checkResponseClocks(db: Kysely<Database>, jobs: JobQueue, itemKey: string, now = new Date()): Promise<FiredAlert[]> {
  const item: ClockItem = parseClockItemKey(itemKey);
  return transactionThenJobs(db, jobs, async (trx, jobs) => {
    const [clocks] = await computeItemClocks(trx, [item], { lock: true });
    if (!clocks) return [];
    // What this check saw covers every time up to now: reconcile does not ask for them again.
    await storeClocks(trx, [clocks], { checkedAt: now });
    // Every at-risk and breach now due, recorded in one statement; those it inserts are new.
    const due = clocks.state.running.flatMap((r) =>
      ([['at_risk', r.atRiskAt], ['breach', r.dueAt]] as const).filter(([, at]) => at !== null && at <= now).map(([kind, at]) => ({ r, kind, at: at! })),
    );
    if (!due.length) return [];
    const inserted = await sql<{ id: string; clock: ClockName; kind: 'at_risk' | 'breach' }>`
      INSERT INTO response_alerts (property_id, conversation_id, ticket_id, clock, kind, started_at, due_at, agent_id, department_id, priority)
      SELECT i.property_id, ${item.kind === 'conversation' ? item.id : null}::bigint, ${item.kind === 'ticket' ? item.id : null}::bigint,
        v.clock, v.kind, v.started_at, v.due_at, i.agent_id, i.department_id, i.priority
      FROM ${sql.table(item.kind === 'ticket' ? 'tickets' : 'conversations')} i,
        unnest(${due.map((d) => d.r.clock)}::text[], ${due.map((d) => d.kind)}::text[], ${due.map((d) => d.r.startedAt)}::timestamptz[], ${due.map((d) => d.at)}::timestamptz[])
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
      const target = { [item.kind === 'ticket' ? 'ticketId' : 'conversationId']: item.id } as { ticketId: string } | { conversationId: string };
      await appendMessage(trx, {
        propertyId: clocks.propertyId,
        target,
        sender: 'system',
        body: `The ${clockWords[r.clock]} target (${formatDuration(r.targetMs)} of business time) was breached: due ${at.toISOString()}, counted from ${r.startedAt.toISOString()}.`,
        createdAt: now,
      });
      // A property that asks for no notification has nothing to read for it.
      if (clocks.targets.notify.email !== 'off' || clocks.targets.notify.callback) await notifyBreach(trx, jobs, item, alert.id, r.clock, at);
    }
    return fired;
  });
}

/**
 * The notifications of a breach the property asks for (its targets' `notify`): an email to the
 * item's agent (else the lead address) or to the lead, written to the outbox in the breach's
 * transaction (automatic, so the outbox's once-an-hour rule per recipient holds it back in a
 * storm), and a signed POST to the callback URL (a job, queued after the commit).
 */
async function notifyBreach(trx: Transaction<Database>, jobs: JobQueue, item: ClockItem, alertId: string, clock: ClockName, dueAt: Date): Promise<void> {
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
  const ref = item.kind === 'ticket' ? formatItemRef('ticket', (await trx.selectFrom('tickets').select('number').where('id', '=', item.id).executeTakeFirstOrThrow()).number) : formatItemRef('conversation', item.id);
  await writeOutboxEmail(trx, jobs, {
    propertyId: property.id,
    ticketId: item.kind === 'ticket' ? item.id : null,
    kind: 'breach_notice',
    messageId: newMessageId(property, `breach-${alertId}`),
    from: supportAddress(property),
    to,
    subject: `${ref} breached its ${clockWords[clock]} target`,
    text: `${ref} of ${property.name} breached its ${clockWords[clock]} target: it was due ${dueAt.toISOString()}.${agentName ? `\nAssigned to ${agentName}.` : '\nNobody is assigned.'}\n\nswitchboard inbox show ${ref}\n`,
    automatic: true,
  });
}
