import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { formatDuration } from '../hours/business-duration.ts';
import { transactionThenJobs } from '../jobs/jobs-after-commit.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { appendMessage } from '../messages/append-message.ts';
import { computeItemClocks, parseClockItemKey, storeClocks, type ClockItem } from './response-clock-store.ts';
import type { ClockName } from './response-targets.ts';

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
 * note on the item, in the same transaction.
 */
export async function checkResponseClocks(db: Kysely<Database>, jobs: JobQueue, itemKey: string, now = new Date()): Promise<FiredAlert[]> {
  const item: ClockItem = parseClockItemKey(itemKey);
  return transactionThenJobs(db, jobs, async (trx) => {
    const [clocks] = await computeItemClocks(trx, [item], { lock: true });
    if (!clocks) return [];
    await storeClocks(trx, [clocks]);
    // What this check saw covers every time up to now: reconcile does not ask for them again.
    await trx.updateTable(item.kind === 'ticket' ? 'tickets' : 'conversations').set({ clocks_checked_at: now }).where('id', '=', item.id).execute();
    const fired: FiredAlert[] = [];
    for (const r of clocks.state.running) {
      for (const [kind, at] of [['at_risk', r.atRiskAt], ['breach', r.dueAt]] as const) {
        if (!at || at > now) continue;
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
        }
      }
    }
    return fired;
  });
}
