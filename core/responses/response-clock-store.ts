import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { BusinessHours } from '../hours/business-hours.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { computeClocks, type ClockFacts, type ClockState } from './response-clocks.ts';
import { readTargets, type ResponseTargets } from './response-targets.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** An item whose clocks to recompute. */
export interface ClockItem {
  kind: 'conversation' | 'ticket';
  id: string;
}

/** The job key of an item's clock checks: `ticket-12`, `conversation-7`. */
export const clockItemKey = (item: ClockItem): string => `${item.kind}-${item.id}`;

export function parseClockItemKey(key: string): ClockItem {
  const match = /^(conversation|ticket)-(\d+)$/.exec(key);
  if (!match) throw new Error(`not a clock item key: ${key}`);
  return { kind: match[1] as ClockItem['kind'], id: match[2]! };
}

interface FactsRow {
  id: string;
  property_id: string;
  slug: string;
  status: ClockFacts['status'];
  status_changed_at: Date;
  priority: number;
  department_id: string | null;
  trashed: boolean;
  first_start: Date | null;
  first_agent_at: Date | null;
  last_agent_at: Date | null;
  visitor_since_last_agent: Date | null;
  waiting_since: Date | null;
  paused_since: Date | null;
  paused_ms: string;
  business_hours: BusinessHours | null;
  response_targets: unknown;
}

/**
 * The facts of the clocks of several items of one kind, in one statement. A visitor's message
 * counts unless it came in as automatic mail; only an agent's message counts as a reply (trigger
 * messages and system notes have senders of their own). A ticket made from a chat counts from
 * the chat's start. `lock` takes the items' rows (FOR UPDATE), so that a clock check and a writer
 * of the same item decide one after the other.
 */
async function readFacts(db: Db, kind: ClockItem['kind'], ids: string[], lock: boolean): Promise<FactsRow[]> {
  const ticket = kind === 'ticket';
  const item = sql.table(ticket ? 'tickets' : 'conversations');
  const itemColumn = sql.ref(ticket ? 'm.ticket_id' : 'm.conversation_id');
  const visitor = sql`m.sender = 'visitor' AND NOT EXISTS (SELECT 1 FROM inbound_emails e WHERE e.id = m.inbound_email_id AND e.automatic)`;
  const chatStart = ticket ? sql`(SELECT c.created_at FROM conversations c WHERE c.id = i.conversation_id)` : sql`i.created_at`;
  const result = await sql<FactsRow>`
    SELECT i.id, i.property_id, p.slug, i.status, i.status_changed_at, i.priority, i.department_id, i.trashed_at IS NOT NULL AS trashed,
      i.waiting_since, i.paused_since, i.paused_ms, p.business_hours, p.response_targets,
      f.first_start, fa.at AS first_agent_at, la.at AS last_agent_at, wv.at AS visitor_since_last_agent
    FROM ${item} i
    JOIN properties p ON p.id = i.property_id
    CROSS JOIN LATERAL (
      SELECT coalesce(${chatStart}, (SELECT min(m.created_at) FROM messages m WHERE ${itemColumn} = i.id AND ${visitor})) AS first_start
    ) f
    CROSS JOIN LATERAL (SELECT max(m.created_at) AS at FROM messages m WHERE ${itemColumn} = i.id AND m.sender = 'agent') la
    CROSS JOIN LATERAL (
      SELECT min(m.created_at) AS at FROM messages m WHERE ${itemColumn} = i.id AND m.sender = 'agent' AND m.created_at >= f.first_start
    ) fa
    CROSS JOIN LATERAL (
      SELECT min(m.created_at) AS at FROM messages m
      WHERE ${itemColumn} = i.id AND ${visitor} AND m.created_at > coalesce(la.at, '-infinity')
    ) wv
    WHERE i.id = ANY(${ids}::bigint[])
    ORDER BY i.id
    ${lock ? sql`FOR UPDATE OF i` : sql``}`.execute(db);
  return result.rows;
}

const toFacts = (kind: ClockItem['kind'], r: FactsRow): ClockFacts => ({
  kind,
  status: r.status,
  statusChangedAt: r.status_changed_at,
  priority: r.priority,
  departmentId: r.department_id,
  trashed: r.trashed,
  firstStart: r.first_start,
  firstAgentAt: r.first_agent_at,
  lastAgentAt: r.last_agent_at,
  visitorSinceLastAgent: r.visitor_since_last_agent,
  storedWaitingSince: r.waiting_since,
  pausedSince: r.paused_since,
  pausedMs: Number(r.paused_ms),
});

/** An item's clocks as computed now. */
export interface ItemClocks {
  item: ClockItem;
  propertyId: string;
  propertySlug: string;
  priority: number;
  departmentId: string | null;
  state: ClockState;
  /** The property's targets the clocks were computed with. */
  targets: ResponseTargets;
}

/** Computes the clocks of `items` from their facts (without writing them). */
export async function computeItemClocks(db: Db, items: ClockItem[], { lock = false } = {}): Promise<ItemClocks[]> {
  const out: ItemClocks[] = [];
  for (const kind of ['conversation', 'ticket'] as const) {
    const ids = [...new Set(items.filter((i) => i.kind === kind).map((i) => i.id))];
    if (!ids.length) continue;
    for (const row of await readFacts(db, kind, ids, lock)) {
      const targets = readTargets(row.response_targets);
      const state = computeClocks(toFacts(kind, row), { hours: row.business_hours, targets });
      out.push({
        item: { kind, id: row.id },
        propertyId: row.property_id,
        propertySlug: row.slug,
        priority: row.priority,
        departmentId: row.department_id,
        state,
        targets,
      });
    }
  }
  return out;
}

/**
 * Recomputes the clocks of `items` and stores them on the items, in the caller's transaction
 * (the one that changed them), then asks for a clock check at each coming at-risk and due time.
 * Check jobs are named by the item and the time, so asking twice adds one; a time that moved
 * leaves its old job to find nothing due (response-alerts.ts). Without a job queue (an inbox
 * action), reconcile asks for the checks as their times near (core/jobs/reconcile.ts).
 */
export async function refreshResponseClocks(db: Db, jobs: JobQueue | null, items: ClockItem[], now = new Date()): Promise<ItemClocks[]> {
  if (!items.length) return [];
  const computed = await computeItemClocks(db, items);
  await storeClocks(db, computed);
  if (jobs) await scheduleClockChecks(jobs, computed, now);
  return computed;
}

/**
 * Writes computed clocks onto their items: one statement per kind. A clock check passes
 * `checkedAt` (clocks_checked_at: what it saw covers every time up to then), in the same statement.
 */
export async function storeClocks(db: Db, computed: ItemClocks[], options: { checkedAt?: Date } = {}): Promise<void> {
  for (const kind of ['conversation', 'ticket'] as const) {
    const rows = computed.filter((c) => c.item.kind === kind);
    if (!rows.length) continue;
    const col = <T>(f: (s: ClockState) => T) => rows.map((r) => f(r.state));
    const resolution = kind === 'ticket' ? sql`, resolution_due_at = v.resolution_due_at` : sql``;
    const checked = options.checkedAt ? sql`, clocks_checked_at = ${options.checkedAt}::timestamptz` : sql``;
    await sql`
      UPDATE ${sql.table(kind === 'ticket' ? 'tickets' : 'conversations')} i SET
        waiting_since = v.waiting_since, paused_since = v.paused_since, paused_ms = v.paused_ms,
        first_due_at = v.first_due_at, next_due_at = v.next_due_at, due_at = v.due_at, at_risk_at = v.at_risk_at ${resolution} ${checked}
      FROM unnest(${rows.map((r) => r.item.id)}::bigint[], ${col((s) => s.waitingSince)}::timestamptz[],
        ${col((s) => s.pausedSince)}::timestamptz[], ${col((s) => Math.round(s.pausedMs))}::bigint[],
        ${col((s) => s.dueOf.first)}::timestamptz[], ${col((s) => s.dueOf.next)}::timestamptz[],
        ${col((s) => s.dueOf.resolution)}::timestamptz[], ${col((s) => s.dueAt)}::timestamptz[], ${col((s) => s.atRiskAt)}::timestamptz[])
        AS v(id, waiting_since, paused_since, paused_ms, first_due_at, next_due_at, resolution_due_at, due_at, at_risk_at)
      WHERE i.id = v.id`.execute(db);
  }
}

/** Asks for a clock check at each at-risk and due time still to come (and now for one just passed). */
export async function scheduleClockChecks(jobs: JobQueue, computed: ItemClocks[], now: Date): Promise<void> {
  // All at once: inside a chat's transaction each add is a round trip to Redis under its lock.
  const adds: Promise<void>[] = [];
  for (const c of computed) {
    const times = new Set<number>();
    for (const r of c.state.running) for (const at of [r.atRiskAt, r.dueAt]) if (at) times.add(at.getTime());
    for (const at of times)
      adds.push(
        jobs.add('response-check', { item: clockItemKey(c.item) }, { runAt: new Date(Math.max(at, now.getTime())), idSuffix: String(at) }),
      );
  }
  await Promise.all(adds);
}
