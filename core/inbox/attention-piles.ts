import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { InboxQuery } from './list-inbox.ts';

// The piles a support lead watches, with how many items each holds and how long the oldest
// has waited: open and unassigned, missed chats that left an email, breached, at risk, and
// pending. Counts are exact up to a cap; past it, Postgres's estimate (marked as such), so
// that a pile of a million costs what a pile of ten thousand does.

export const pileNames = ['unassigned', 'missed', 'breached', 'atRisk', 'pending'] as const;
export type PileName = (typeof pileNames)[number];

export interface Pile {
  name: PileName;
  count: number;
  /** The count is Postgres's estimate: the pile is larger than the cap. */
  estimate: boolean;
  /** Since when its longest-waiting item has waited; null: the pile is empty. */
  oldestSince: Date | null;
}

export const pileLabels: Record<PileName, string> = {
  unassigned: 'open unassigned',
  missed: 'missed with email',
  breached: 'breached',
  atRisk: 'at risk',
  pending: 'pending',
};

/** The inbox query that lists a pile (the dashboard's jump keys, the CLI). */
export const pileQueries: Record<PileName, InboxQuery> = {
  unassigned: { status: 'open', agent: 'unassigned', sort: 'created', order: 'asc' },
  missed: { status: 'open', missed: true, withEmail: true, show: 'conversations', sort: 'created', order: 'asc' },
  breached: { due: 'breached', sort: 'due', order: 'asc' },
  atRisk: { due: 'at-risk', sort: 'due', order: 'asc' },
  pending: { status: 'pending', sort: 'status_changed', order: 'asc' },
};

interface PileSql {
  kinds: ('conversations' | 'tickets')[];
  where: RawBuilder<unknown>;
  since: RawBuilder<unknown>;
}

const piles: Record<PileName, PileSql> = {
  unassigned: {
    kinds: ['conversations', 'tickets'],
    where: sql`i.status = 'open' AND i.agent_id IS NULL`,
    since: sql`coalesce(i.waiting_since, i.created_at)`,
  },
  missed: {
    kinds: ['conversations'],
    where: sql`i.status = 'open' AND i.missed AND i.visitor_email IS NOT NULL`,
    since: sql`i.created_at`,
  },
  breached: {
    kinds: ['conversations', 'tickets'],
    where: sql`i.due_at IS NOT NULL AND i.due_at <= now()`,
    since: sql`coalesce(i.waiting_since, i.due_at)`,
  },
  atRisk: {
    kinds: ['conversations', 'tickets'],
    where: sql`i.due_at IS NOT NULL AND i.at_risk_at <= now() AND i.due_at > now()`,
    since: sql`coalesce(i.waiting_since, i.at_risk_at)`,
  },
  pending: { kinds: ['tickets'], where: sql`i.status = 'pending'`, since: sql`i.status_changed_at` },
};

/** Every pile of the property, in pileNames order. */
export async function attentionPiles(db: Kysely<Database>, propertyId: string, { cap = 10_000 } = {}): Promise<Pile[]> {
  return Promise.all(
    pileNames.map(async (name) => {
      const pile = piles[name];
      let count = 0;
      let estimate = false;
      let oldest: Date | null = null;
      for (const kind of pile.kinds) {
        const where = sql`i.property_id = ${propertyId} AND i.trashed_at IS NULL AND ${pile.where}`;
        const { rows } = await sql<{ n: number; oldest: Date | null }>`
          SELECT (SELECT count(*)::int FROM (SELECT 1 FROM ${sql.table(kind)} i WHERE ${where} LIMIT ${cap + 1}) x) AS n,
            (SELECT min(${pile.since}) FROM ${sql.table(kind)} i WHERE ${where}) AS oldest`.execute(db);
        let n = rows[0]!.n;
        if (n > cap) {
          const plan = await sql<{
            'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }];
          }>`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${sql.table(kind)} i WHERE ${where}`.execute(db);
          n = Math.max(cap + 1, Math.round(plan.rows[0]!['QUERY PLAN'][0].Plan['Plan Rows']));
          estimate = true;
        }
        count += n;
        const at = rows[0]!.oldest;
        if (at && (!oldest || at < oldest)) oldest = at;
      }
      return { name, count, estimate, oldestSince: oldest };
    }),
  );
}
