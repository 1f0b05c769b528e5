import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../../core/db/schema.ts';
import { benchTargets } from './shape.ts';
import { timed } from './seed-step.ts';

/**
 * Stores response clocks on every open item, in bulk, as core/responses stores them
 * (response-clock-store.ts): waiting_since, first_due_at / next_due_at (and a ticket's
 * resolution_due_at), due_at and at_risk_at the earliest of the running clocks. Which clock runs
 * follows from the item's messages as computeClocks reads them: no agent reply yet, a first
 * clock from the wait's start; an agent replied and the visitor wrote last, a next clock; the
 * agent wrote last, none (a ticket's resolution clock runs all the same). Pending and closed
 * items run no first or next clock, and a pending ticket's resolution clock is paused (its
 * paused_since was set with its row); the trash runs none.
 *
 * The seeded messages are up to two years old, and clocks read from them would all be long
 * breached; the start of each wait is drawn instead, relative to now, as a fraction r of the
 * clock's target: 25% breached (r from 1 to 25, days for the longest), 12% at risk (0.8 to 1),
 * the rest due later (0 to 0.8). A ticket's resolution started at its wait, or up to one
 * target before it when an agent has answered.
 */
export async function drawResponseClocks(db: Kysely<Database>, log: (msg: string) => void): Promise<void> {
  const { base, byPriority, atRiskShare } = benchTargets;
  const urgent = 3;
  const ms = (value: RawBuilder<unknown>) => sql`interval '1 millisecond' * round(${value})`;
  const r = sql.raw(`CASE WHEN u1 < 0.25 THEN 1 + 24 * u2 ^ 3 WHEN u1 < 0.37 THEN 0.8 + 0.2 * u2 ELSE 0.8 * u2 END`);
  for (const kind of ['conversation', 'ticket'] as const) {
    const table = sql.table(kind === 'ticket' ? 'tickets' : 'conversations');
    const fk = sql.ref(kind === 'ticket' ? 'm.ticket_id' : 'm.conversation_id');
    const ticket = kind === 'ticket';
    const resolutionMs = base.resolution!;
    // A ticket's resolution clock: where it started, then its due and at-risk times.
    const resStart = sql`CASE WHEN NOT c.answered THEN c.waiting_since
                              WHEN c.waiting_since IS NOT NULL THEN c.waiting_since - ${ms(sql`${resolutionMs}::float8 * c.u3`)}
                              ELSE now() - ${ms(sql`${resolutionMs * 1.25}::float8 * c.u3`)} END`;
    const resDue = ticket ? sql`(${resStart}) + ${ms(sql`${resolutionMs}::float8`)}` : sql`NULL::timestamptz`;
    const resRisk = ticket ? sql`(${resStart}) + ${ms(sql`${resolutionMs * atRiskShare}::float8`)}` : sql`NULL::timestamptz`;
    const firstDue = sql`CASE WHEN NOT c.answered THEN c.waiting_since + ${ms(sql`c.target_ms`)} END`;
    const nextDue = sql`CASE WHEN c.answered THEN c.waiting_since + ${ms(sql`c.target_ms`)} END`;
    const risk = sql`c.waiting_since + ${ms(sql`c.target_ms * ${atRiskShare}::float8`)}`;
    await timed(
      log,
      `response clocks of open ${kind}s`,
      db,
      sql`WITH facts AS (
            SELECT ${fk} AS id, bool_or(m.sender = 'agent') AS answered,
              (array_agg(m.sender ORDER BY m.created_at DESC, m.id DESC))[1] = 'visitor' AS visitor_last
            FROM messages m JOIN ${table} i ON i.id = ${fk}
            WHERE i.status = 'open' AND i.trashed_at IS NULL
            GROUP BY ${fk}),
          draw AS (
            SELECT f.id, f.answered, NOT f.answered OR f.visitor_last AS waiting,
              CASE WHEN f.answered THEN CASE WHEN i.priority = ${urgent} THEN ${byPriority.urgent!.next!} ELSE ${base.next!} END
                   ELSE CASE WHEN i.priority = ${urgent} THEN ${byPriority.urgent!.first!} ELSE ${base.first!} END END::float8 AS target_ms,
              random() AS u1, random() AS u2, random() AS u3
            FROM facts f JOIN ${table} i ON i.id = f.id),
          c AS (
            SELECT id, answered, target_ms, u3, CASE WHEN waiting THEN now() - ${ms(sql`target_ms * ${r}`)} END AS waiting_since FROM draw)
          UPDATE ${table} i SET
            waiting_since = c.waiting_since, paused_since = NULL, paused_ms = 0,
            first_due_at = ${firstDue}, next_due_at = ${nextDue}, ${ticket ? sql`resolution_due_at = ${resDue},` : sql``}
            due_at = least(${firstDue}, ${nextDue}, ${resDue}),
            at_risk_at = least(${risk}, ${resRisk})
          FROM c WHERE i.id = c.id`,
    );
  }
}
