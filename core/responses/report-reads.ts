import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { ReportClock, ReportGrouping } from './report-groupings.ts';

// The report's reads (response-report.ts says what they measure and what it costs): the
// candidate items through a cursor, the responses cut out of their messages, the breaches.

/** One response cut out of an item's messages; `end` null: unanswered. */
export interface ResponseRow {
  id: string;
  clock: ReportClock;
  start: Date;
  end: Date | null;
  agent_id: string | null;
  department_id: string | null;
  priority: number;
}

export type Db = Kysely<Database> | Transaction<Database>;

/**
 * The items of one kind the window may hold a response of, `limit` at a time, through a
 * cursor of the caller's transaction: the candidates are found by one scan however many
 * batches they make. updated_at is bumped by every message (append-message.ts and filing
 * both take the greatest), so an item with a reply or a wait in the window was updated since `from`.
 */
export async function* candidateBatches(
  trx: Transaction<Database>,
  kind: 'conversation' | 'ticket',
  propertyId: string,
  from: Date,
  to: Date,
  limit: number,
): AsyncGenerator<string[]> {
  const ticket = kind === 'ticket';
  const cursor = sql.id(`report_${kind}s`);
  // A conversation that became a ticket counts as the ticket (see the top of the file).
  const notConverted = ticket ? sql`` : sql`AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = i.id)`;
  await sql`
    DECLARE ${cursor} NO SCROLL CURSOR FOR
    SELECT i.id FROM ${sql.table(ticket ? 'tickets' : 'conversations')} i
    WHERE i.property_id = ${propertyId} AND i.trashed_at IS NULL
      AND i.updated_at >= ${from} AND i.created_at < ${to} ${notConverted}`.execute(trx);
  for (;;) {
    const { rows } = await sql<{ id: string }>`FETCH ${sql.raw(String(limit))} FROM ${cursor}`.execute(trx);
    if (!rows.length) break;
    yield rows.map((r) => r.id);
  }
  await sql`CLOSE ${cursor}`.execute(trx);
}

/** The responses of some items of one kind. */
export async function readResponses(db: Db, kind: 'conversation' | 'ticket', ids: string[], from: Date, to: Date): Promise<ResponseRow[]> {
  const ticket = kind === 'ticket';
  const item = sql.table(ticket ? 'tickets' : 'conversations');
  const column = sql.ref(ticket ? 'm.ticket_id' : 'm.conversation_id');
  const chatStart = ticket ? sql`(SELECT c.created_at FROM conversations c WHERE c.id = i.conversation_id)` : sql`i.created_at`;
  // k: how many agent replies came before a message. Visitor messages with the same k wait
  // together; the agent message with that k answers them.
  const { rows } = await sql<ResponseRow>`
    WITH items AS (
      SELECT i.id, i.agent_id, i.department_id, i.priority, ${chatStart} AS chat_start FROM ${item} i WHERE i.id = ANY(${ids}::bigint[])
    ),
    msgs AS (
      SELECT it.id AS item_id, m.id AS mid, m.created_at AS at, m.sender = 'agent' AS is_agent, m.agent_id
      FROM items it
      JOIN messages m ON ${column} = it.id
      WHERE m.created_at < ${to}
        AND (m.sender = 'agent'
          OR (m.sender = 'visitor' AND NOT EXISTS (SELECT 1 FROM inbound_emails e WHERE e.id = m.inbound_email_id AND e.automatic)))
    ),
    seg AS (
      SELECT *,
        coalesce(sum(is_agent::int) OVER (PARTITION BY item_id ORDER BY at, mid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS k
      FROM msgs
    ),
    waits AS (SELECT item_id, k, min(at) AS start FROM seg WHERE NOT is_agent GROUP BY item_id, k),
    starts AS (
      SELECT it.*, coalesce(it.chat_start, (SELECT min(w.start) FROM waits w WHERE w.item_id = it.id)) AS first_start,
        (SELECT count(*) FROM seg s WHERE s.item_id = it.id AND s.is_agent) AS replies
      FROM items it
    ),
    firsts AS (
      SELECT DISTINCT ON (s.item_id) s.item_id, s.k, s.at, s.agent_id
      FROM seg s JOIN starts st ON st.id = s.item_id
      WHERE s.is_agent AND s.at >= st.first_start
      ORDER BY s.item_id, s.at, s.mid
    )
    SELECT st.id, 'first' AS clock, st.first_start AS start, f.at AS "end", f.agent_id, st.department_id, st.priority
      FROM starts st JOIN firsts f ON f.item_id = st.id WHERE f.at >= ${from}
    UNION ALL
    SELECT st.id, 'next', w.start, s.at, s.agent_id, st.department_id, st.priority
      FROM firsts f
      JOIN starts st ON st.id = f.item_id
      JOIN seg s ON s.item_id = f.item_id AND s.is_agent AND s.k > f.k AND s.at >= ${from}
      JOIN waits w ON w.item_id = s.item_id AND w.k = s.k
    UNION ALL
    SELECT st.id, 'first', st.first_start, NULL, st.agent_id, st.department_id, st.priority
      FROM starts st WHERE st.first_start >= ${from} AND NOT EXISTS (SELECT 1 FROM firsts f WHERE f.item_id = st.id)
    UNION ALL
    SELECT st.id, 'next', w.start, NULL, st.agent_id, st.department_id, st.priority
      FROM starts st JOIN firsts f ON f.item_id = st.id
      JOIN waits w ON w.item_id = st.id AND w.k = st.replies AND w.k > f.k
      WHERE w.start >= ${from}`.execute(db);
  return rows;
}

/** Breach alerts of the window, counted in SQL per clock, group and local day. */
export async function readBreaches(
  db: Db,
  propertyId: string,
  from: Date,
  to: Date,
  zone: string,
  by: ReportGrouping | null,
): Promise<BreachRow[]> {
  const key =
    by === 'agent'
      ? sql`a.agent_id::text`
      : by === 'department'
        ? sql`a.department_id::text`
        : by === 'priority'
          ? sql`a.priority::text`
          : sql`NULL::text`;
  const { rows } = await sql<BreachRow>`
    SELECT a.clock, ${key} AS key, to_char((a.fired_at AT TIME ZONE ${zone})::date, 'YYYY-MM-DD') AS day, count(*)::int AS n
    FROM response_alerts a
    LEFT JOIN conversations c ON c.id = a.conversation_id
    LEFT JOIN tickets t ON t.id = a.ticket_id
    WHERE a.property_id = ${propertyId} AND a.kind = 'breach' AND a.clock IN ('first', 'next')
      AND a.fired_at >= ${from} AND a.fired_at < ${to}
      AND coalesce(c.trashed_at, t.trashed_at) IS NULL
      AND NOT EXISTS (SELECT 1 FROM tickets ct WHERE ct.conversation_id = a.conversation_id)
    GROUP BY 1, 2, 3`.execute(db);
  return rows;
}

export interface BreachRow {
  clock: ReportClock;
  key: string | null;
  day: string;
  n: number;
}
