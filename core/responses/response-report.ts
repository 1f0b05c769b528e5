import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Database } from '../db/schema.ts';
import { type BusinessHours } from '../hours/business-hours.ts';
import { businessTimeBetween } from '../hours/business-time.ts';
import { getPropertyById } from '../properties/property-store.ts';
import type { ReportClock, ReportGrouping } from './report-groupings.ts';
import { priorityNames } from '../inbox/priority-names.ts';
import { candidateBatches, readResponses, readBreaches, type BreachRow } from './report-reads.ts';

// How fast a property answered over a window [from, to), computed from the messages
// themselves (not from the clocks stored on the items, which only know the present), in the
// property's business time (core/hours; no hours: 24/7). Which messages count is what
// response-clocks.ts says: a visitor's message unless it came as automatic mail; only an
// agent's message (sender 'agent') is a reply; 'system', 'trigger' and any other sender (an
// agent's internal note) neither start nor stop anything.
//
// - first response: from the chat's start (a conversation, or a ticket made from a chat) or
//   else the visitor's first counting message, to the first agent reply at or after it.
// - next response: from the first visitor message after an agent reply to the next agent
//   reply; a run of visitor messages is one wait, measured from its first.
// A response is in the window when its reply is (it was measured then). A clock that started
// in the window and has no reply before `to` is counted as unanswered, apart from the
// durations: its wait is not over, and putting it in the percentiles would pull them towards
// whatever `to` happens to be. Such a clock whose item was closed unanswered counts as well:
// nobody answered. A reopen without a message leaves no trace among the messages, so the
// next-response clock it starts is not measured here (its breach, if any, is counted).
// Items in the trash are left out; so is a conversation that became a ticket: the ticket
// holds a copy of its transcript and its clocks (from the chat's start), so it counts once.
//
// Breach rate = breach alerts (response_alerts, kind 'breach') fired in the window on the
// clock / responses measured in the window on it. An alert is grouped by what it recorded
// when it fired (the agent then assigned, the department and priority then), a response by
// the agent who replied (unanswered: the item's assignee) and the item's department and
// priority now.
//
// Cost: the items touched since `from` (updated_at is bumped by every message) are found by
// one scan, through a cursor, and read `itemBatch` at a time, each batch one statement in
// which window functions over the items' messages (their (item, created_at) indexes) cut the
// responses out; only the start and end of each response comes back. Business time is
// counted in TS (core/hours), and what is kept is one number per measured response, in its
// group, for the percentiles. All of it runs in one read-only repeatable-read transaction.

export interface ClockFigures {
  /** Responses whose reply fell in the window. */
  measured: number;
  /** Clocks started in the window with no reply before its end. */
  unanswered: number;
  /** Business milliseconds, over the measured responses (linear between ranks, as Postgres' percentile_cont); null: none measured. */
  medianMs: number | null;
  p90Ms: number | null;
  /** Breach alerts fired in the window. */
  breaches: number;
  /** breaches / measured; null when nothing was measured. */
  breachRate: number | null;
}

export interface ReportGroup {
  /** The agent's or department's id, the priority's name; null: none (unassigned, no department). */
  key: string | null;
  label: string;
  first: ClockFigures;
  next: ClockFigures;
}

export interface ResponseReport {
  propertyId: string;
  from: Date;
  to: Date;
  /** The zone days are counted in: the business hours' zone, else the one given. */
  zone: string;
  by: ReportGrouping | null;
  total: ReportGroup;
  /** One row per group, largest first; empty without a grouping. */
  groups: ReportGroup[];
  /** Breaches (first and next) per local day of the window, oldest first, for a sparkline. */
  breachesPerDay: { date: string; breaches: number }[];
}

export interface ReportOptions {
  by?: ReportGrouping | null;
  /** The zone of the days when the property has no business hours (default: this machine's). */
  fallbackZone?: string;
  itemBatch?: number;
}

/** The p-quantile (0..1) of sorted values, interpolated between the closest ranks. */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const at = (sorted.length - 1) * p;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

/** What is gathered per group and clock while the responses stream by. */
interface Tally {
  durations: number[];
  unanswered: number;
  breaches: number;
}
const newTally = (): Record<ReportClock, Tally> => ({
  first: { durations: [], unanswered: 0, breaches: 0 },
  next: { durations: [], unanswered: 0, breaches: 0 },
});

function figures(t: Tally): ClockFigures {
  const sorted = t.durations.sort((a, b) => a - b);
  const measured = sorted.length;
  return {
    measured,
    unanswered: t.unanswered,
    medianMs: quantile(sorted, 0.5),
    p90Ms: quantile(sorted, 0.9),
    breaches: t.breaches,
    breachRate: measured ? t.breaches / measured : null,
  };
}

const groupKey = (by: ReportGrouping, row: { agent_id: string | null; department_id: string | null; priority: number }): string | null =>
  by === 'agent' ? row.agent_id : by === 'department' ? row.department_id : (priorityNames[row.priority] ?? String(row.priority));

/** The local days of [from, to) in `zone`, as ISO dates. */
export function daysOf(from: Date, to: Date, zone: string): string[] {
  const days: string[] = [];
  if (to <= from) return days;
  const last = DateTime.fromJSDate(new Date(to.getTime() - 1), { zone }).startOf('day');
  for (let d = DateTime.fromJSDate(from, { zone }).startOf('day'); d <= last; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
  return days;
}

/** The zone a report counts its days in: the business hours' zone, else `fallback` (default: this machine's). */
export const reportZone = (hours: BusinessHours | null, fallback?: string): string =>
  hours?.zone ?? fallback ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The last `days` local days up to `to` (today so far, and the whole days before it): the default window. */
export function lastDays(to: Date, zone: string, days = 7): { from: Date; to: Date } {
  const lastDay = DateTime.fromJSDate(new Date(to.getTime() - 1), { zone }).startOf('day');
  return { from: lastDay.minus({ days: days - 1 }).toJSDate(), to };
}

/** The response report of one property over [from, to) (see the top of this file for what counts). */
export async function responseReport(
  db: Kysely<Database>,
  propertyId: string,
  from: Date,
  to: Date,
  options: ReportOptions = {},
): Promise<ResponseReport> {
  const by = options.by ?? null;
  const property = await getPropertyById(db, propertyId);
  const hours: BusinessHours | null = property.business_hours;
  const zone = reportZone(hours, options.fallbackZone);
  const total = newTally();
  const groups = new Map<string | null, Record<ReportClock, Tally>>();
  const tallyOf = (key: string | null) => {
    let t = groups.get(key);
    if (!t) groups.set(key, (t = newTally()));
    return t;
  };

  let breaches: BreachRow[] = [];
  // One snapshot for the whole report (repeatable read): the cursors' batches and the
  // breaches all see the same messages, whatever is written meanwhile.
  await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      for (const kind of ['conversation', 'ticket'] as const) {
        for await (const ids of candidateBatches(trx, kind, propertyId, from, to, options.itemBatch ?? 500)) {
          for (const r of await readResponses(trx, kind, ids, from, to)) {
            const targets = by ? [total[r.clock], tallyOf(groupKey(by, r))[r.clock]] : [total[r.clock]];
            const ms = r.end ? businessTimeBetween(hours, r.start, r.end) : null;
            for (const t of targets) {
              if (ms === null) t.unanswered += 1;
              else t.durations.push(ms);
            }
          }
        }
      }
      breaches = await readBreaches(trx, propertyId, from, to, zone, by);
    });

  const perDay = new Map(daysOf(from, to, zone).map((d) => [d, 0]));
  for (const b of breaches) {
    total[b.clock].breaches += b.n;
    if (by) tallyOf(by === 'priority' ? (priorityNames[Number(b.key)] ?? b.key) : b.key)[b.clock].breaches += b.n;
    perDay.set(b.day, (perDay.get(b.day) ?? 0) + b.n);
  }

  const labels = by ? await groupLabels(db, propertyId, by) : new Map<string, string>();
  const none = by === 'agent' ? '(unassigned)' : by === 'department' ? '(no department)' : '';
  const grouped = [...groups.entries()]
    .map(([k, t]): ReportGroup => ({
      key: k,
      label: k === null ? none : (labels.get(k) ?? (by === 'priority' ? k : `#${k}`)),
      first: figures(t.first),
      next: figures(t.next),
    }))
    .sort((a, b) => b.first.measured + b.next.measured - (a.first.measured + a.next.measured) || a.label.localeCompare(b.label));
  return {
    propertyId,
    from,
    to,
    zone,
    by,
    total: { key: null, label: 'all', first: figures(total.first), next: figures(total.next) },
    groups: grouped,
    breachesPerDay: [...perDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, n]) => ({ date, breaches: n })),
  };
}

async function groupLabels(db: Kysely<Database>, propertyId: string, by: ReportGrouping): Promise<Map<string, string>> {
  if (by === 'priority') return new Map(priorityNames.map((p) => [p, p]));
  const rows =
    by === 'agent'
      ? await db.selectFrom('agents').select(['id', 'name']).where('property_id', '=', propertyId).execute()
      : await db.selectFrom('departments').select(['id', 'name']).where('property_id', '=', propertyId).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
