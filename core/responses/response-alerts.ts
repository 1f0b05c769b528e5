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
 * that came before a time means that time never fires. One that came after it (or a close
 * after it) does not undo it: a check that runs late, after the first clock stopped, still
 * records the times the clock passed while it ran (ClockState.firstStopped). A breach also writes a system
 * note on the item, in the same transaction, and the notifications the property asks for.
 */
export async function checkResponseClocks(db: Kysely<Database>, jobs: JobQueue, itemKey: string, now = new Date()): Promise<FiredAlert[]> {
  const item: ClockItem = parseClockItemKey(itemKey);
  return transactionThenJobs(db, jobs, async (trx, jobs) => {
    // The item's lock first, in a statement of its own: the facts are then read by the next
    // statement, which sees whatever a writer that held the lock committed. Read by the
    // statement that waited for the lock, they would be as they were when it began (READ
    // COMMITTED): an answer committed meanwhile unseen, a breach recorded on an item answered
    // in time and the clocks from before the answer stored over the writer's.
    await trx.selectFrom(item.kind === 'ticket' ? 'tickets' : 'conversations').select('id').where('id', '=', item.id).forUpdate().execute();
    const [clocks] = await computeItemClocks(trx, [item], { lock: true });
    if (!clocks) return [];
    await storeClocks(trx, [clocks]);
    // What this check saw covers every time up to now: reconcile does not ask for them again.
    await trx.updateTable(item.kind === 'ticket' ? 'tickets' : 'conversations').set({ clocks_checked_at: now }).where('id', '=', item.id).execute();
    const fired: FiredAlert[] = [];
    // The running clocks' times that have come; and those the first clock passed before it
    // stopped (answered late, or closed), for a check that runs after the stop.
    const stopped = clocks.state.firstStopped;
    const clocksToRecord = [...clocks.state.running.map((r) => ({ ...r, stoppedAt: null as Date | null })), ...(stopped ? [stopped] : [])];
    for (const r of clocksToRecord) {
      for (const [kind, at] of [['at_risk', r.atRiskAt], ['breach', r.dueAt]] as const) {
        if (!at || at > now || (r.stoppedAt && r.stoppedAt <= at)) continue;
        const inserted = await sql<{ id: string }>`
          INSERT INTO response_alerts (property_id, conversation_id, ticket_id, clock, kind, started_at, due_at, agent_id, department_id, priority)
          SELECT i.property_id, ${item.kind === 'conversation' ? item.id : null}::bigint, ${item.kind === 'ticket' ? item.id : null}::bigint,
            ${r.clock}, ${kind}, ${r.startedAt}::timestamptz, ${at}::timestamptz, i.agent_id, i.department_id, i.priority
          FROM ${sql.table(item.kind === 'ticket' ? 'tickets' : 'conversations')} i WHERE i.id = ${item.id}::bigint
          ON CONFLICT DO NOTHING
          RETURNING id`.execute(trx);
        if (!inserted.rows.length) continue;
        fired.push({ propertyId: clocks.propertyId, property: clocks.propertySlug, clock: r.clock, kind });
        if (kind === 'breach') {
          const target = { [item.kind === 'ticket' ? 'ticketId' : 'conversationId']: item.id } as { ticketId: string } | { conversationId: string };
          await appendMessage(trx, {
            propertyId: clocks.propertyId,
            target,
            sender: 'system',
            body: `The ${clockWords[r.clock]} target (${formatDuration(r.targetMs)} of business time) was breached: due ${at.toISOString()}, counted from ${r.startedAt.toISOString()}.`,
            createdAt: now,
          });
          await notifyBreach(trx, jobs, item, inserted.rows[0]!.id, r.clock, at);
        }
      }
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
