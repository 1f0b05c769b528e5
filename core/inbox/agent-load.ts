import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Database } from '../db/schema.ts';
import type { BusinessHours } from '../hours/business-hours.ts';
import { businessHoursOf } from '../properties/property-store.ts';

// A lead's view of the agents: how much each holds open, how long the longest of those has
// waited on a reply, and how many response targets each has breached since a given time
// (the dashboard passes the start of the team's day: "breaches today").

export interface AgentLoad {
  agent: { id: string; name: string; email: string };
  /** Open conversations and tickets assigned to the agent, out of the trash. */
  open: number;
  /** The earliest `waiting_since` of those: since when a visitor has waited longest; null when nobody waits. */
  oldestWaitingSince: Date | null;
  /** Breach alerts fired on the agent's items since `since` (the agent is the one held when it fired). */
  breaches: number;
}

/**
 * Every agent of the property, by name, with their load. Three grouped reads (open
 * conversations, open tickets, breach alerts), each of one property, joined to the agents in
 * SQL: the cost follows the open items and the day's alerts, not the history.
 */
export async function agentLoad(db: Kysely<Database>, propertyId: string, since: Date): Promise<AgentLoad[]> {
  const { rows } = await sql<{ id: string; name: string; email: string; open: number; oldest: Date | null; breaches: number }>`
    WITH open_items AS (
      SELECT agent_id, waiting_since FROM conversations
        WHERE property_id = ${propertyId} AND status = 'open' AND trashed_at IS NULL AND agent_id IS NOT NULL
      UNION ALL
      SELECT agent_id, waiting_since FROM tickets
        WHERE property_id = ${propertyId} AND status = 'open' AND trashed_at IS NULL AND agent_id IS NOT NULL
    ),
    held AS (SELECT agent_id, count(*)::int AS open, min(waiting_since) AS oldest FROM open_items GROUP BY agent_id),
    breached AS (
      SELECT agent_id, count(*)::int AS breaches FROM response_alerts
        WHERE property_id = ${propertyId} AND kind = 'breach' AND fired_at >= ${since} AND agent_id IS NOT NULL
        GROUP BY agent_id
    )
    SELECT a.id, a.name, a.email, coalesce(h.open, 0) AS open, h.oldest, coalesce(b.breaches, 0) AS breaches
    FROM agents a
    LEFT JOIN held h ON h.agent_id = a.id
    LEFT JOIN breached b ON b.agent_id = a.id
    WHERE a.property_id = ${propertyId}
    ORDER BY a.name, a.id`.execute(db);
  return rows.map((r) => ({
    agent: { id: String(r.id), name: r.name, email: r.email },
    open: r.open,
    oldestWaitingSince: r.oldest,
    breaches: r.breaches,
  }));
}

/**
 * Where the team's "today" starts: midnight in the zone of the property's business hours
 * (the day the targets are kept in, wherever the lead's terminal is), else local midnight.
 */
export function startOfTeamDay(hours: Pick<BusinessHours, 'zone'> | null, now: Date = new Date()): Date {
  if (!hours) return new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return DateTime.fromJSDate(now, { zone: hours.zone }).startOf('day').toJSDate();
}

/** The agents' load with breaches since the start of the team's day (startOfTeamDay). */
export async function agentLoadToday(db: Kysely<Database>, propertyId: string, now: Date = new Date()): Promise<AgentLoad[]> {
  return agentLoad(db, propertyId, startOfTeamDay((await businessHoursOf(db, propertyId)) ?? null, now));
}
