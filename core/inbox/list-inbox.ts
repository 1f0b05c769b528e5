import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { decodeCursor, encodeCursor, type CursorPosition } from './inbox-cursor.ts';
import { itemColumns, toInboxItem, type InboxItem, type ItemRow } from './inbox-item.ts';
import type { ItemKind } from './item-ref.ts';
import { searchQuery } from './search-text.ts';

export type InboxSort = 'created' | 'updated' | 'status_changed' | 'priority' | 'due';
export type SortOrder = 'asc' | 'desc';

/** What the inbox shows. Ids (agent, department, tag) are resolved by the caller. */
export interface InboxQuery {
  show?: 'conversations' | 'tickets' | 'both';
  /** open / closed / all as in the product; pending (tickets waiting on the visitor) too. */
  status?: 'open' | 'pending' | 'closed' | 'all';
  /** 'assigned', 'unassigned', an agent id, or undefined for all. */
  agent?: 'assigned' | 'unassigned' | { id: string };
  departmentId?: string;
  tagId?: string;
  missed?: boolean;
  /** Only items with a visitor email to answer (every ticket has one; a conversation when its visitor left it). */
  withEmail?: boolean;
  /** Created at or after. */
  createdFrom?: Date;
  /** Created strictly before. */
  createdTo?: Date;
  text?: string;
  /** By response clocks: breached (due passed), at risk (not yet due), or due before a time (the CLI's "today"). */
  due?: 'breached' | 'at-risk' | { before: Date };
  /** Only items whose visitor has waited since before this time. */
  waitingSince?: Date;
  sort?: InboxSort;
  order?: SortOrder;
  limit?: number;
  cursor?: string;
}

/** A page of the inbox and the cursor of the next one (null on the last page). */
export interface InboxPage {
  items: InboxItem[];
  nextCursor: string | null;
}

const sortColumns: Record<InboxSort, string> = {
  created: 'created_at',
  updated: 'updated_at',
  status_changed: 'status_changed_at',
  priority: 'priority',
  // Only items with a running clock have a due time: a due listing is of them.
  due: 'due_at',
};

const kindRank: Record<ItemKind, number> = { conversation: 0, ticket: 1 };

export const maxPageSize = 500;

/**
 * Lists one property's inbox (never the trash) with keyset paging. Each kind is read by its own
 * index-ordered query limited to one page, and the two are merged; the cursor holds the last
 * row's (sort value, kind, id), so rows inserted or changed elsewhere never shift the page
 * boundaries of rows that did not change.
 */
export async function listInbox(db: Kysely<Database>, propertyId: string, query: InboxQuery = {}): Promise<InboxPage> {
  const sort = query.sort ?? 'created';
  const order = query.order ?? 'desc';
  if (!(sort in sortColumns)) throw new ValidationError(`unknown sort "${sort}": use created, updated, status_changed, priority or due`);
  if (order !== 'asc' && order !== 'desc') throw new ValidationError(`unknown order "${String(order)}": use asc or desc`);
  const limit = query.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) throw new ValidationError(`page size must be 1 to ${maxPageSize}`);
  const sortKey = `${sort}.${order}`;
  const cursor = query.cursor ? decodeCursor(query.cursor, sortKey) : null;
  if (cursor && !/^-?\d+$/.test(cursor.value)) throw new ValidationError('the cursor is malformed; start again from the first page');
  const tsquery = query.text?.trim() ? searchQuery(query.text) : null;

  const kinds: ItemKind[] = [];
  const show = query.show ?? 'both';
  if (show !== 'tickets' && query.status !== 'pending') kinds.push('conversation');
  if (show !== 'conversations' && query.missed !== true) kinds.push('ticket');
  if (!['conversations', 'tickets', 'both'].includes(show))
    throw new ValidationError(`unknown view "${show}": use conversations, tickets or both`);
  if (kinds.length === 0) return { items: [], nextCursor: null };
  // Clocks run and visitors wait only while an item is open (response-clocks.ts: pending pauses
  // a ticket's resolution clock, closing stops every clock; both are stored in the transaction
  // that changed the status), so a due or waiting listing of pending or closed items is empty.
  // Asked, Postgres would walk every running clock to find none.
  const byClock = sort === 'due' || query.due !== undefined || query.waitingSince !== undefined;
  if (byClock && (query.status === 'pending' || query.status === 'closed')) return { items: [], nextCursor: null };

  const branches: RawBuilder<unknown>[] = [];
  for (const kind of kinds) {
    let where = sql.join(conditions(kind, propertyId, query, tsquery, sort, order, cursor), sql` AND `);
    const table = sql.table(kind === 'conversation' ? 'conversations' : 'tickets');
    const first = await filterFirst(db, kind, where, query, tsquery, sort, order);
    if (first && sort === 'due' && !query.due)
      where = sql.join(conditions(kind, propertyId, query, tsquery, sort, order, cursor, { dueIndex: false }), sql` AND `);
    branches.push(sql`(SELECT ${kind}::text AS kind, i.id, ${sql.ref(`i.${sortColumns[sort]}`)} AS sort_key, ${kindRank[kind]}::int AS rank
      FROM ${table} AS i WHERE ${where}
      ORDER BY ${sortExpression(sort, first)} ${sql.raw(order)}, i.id ${sql.raw(order)} LIMIT ${limit + 1})`);
  }
  // The page is chosen from narrow rows; only its rows then get their columns and names
  // (agent, department, tags, contact), one query per kind present. Two small statements plan
  // faster than one that does both.
  const dir = sql.raw(order);
  const { rows: page } = await sql<{ kind: ItemKind; id: string; sort_value: string; rank: number }>`
    SELECT u.kind, u.id, ${sortValue(sort)} AS sort_value, u.rank FROM (${sql.join(branches, sql` UNION ALL `)}) AS u
    ORDER BY u.sort_key ${dir}, u.rank ${dir}, u.id ${dir} LIMIT ${limit + 1}`.execute(db);
  const hasMore = page.length > limit;
  const shown = hasMore ? page.slice(0, limit) : page;
  const details = new Map<string, ItemRow>();
  for (const kind of kinds) {
    const ids = shown.filter((r) => r.kind === kind).map((r) => r.id);
    if (ids.length === 0) continue;
    const table = sql.table(kind === 'conversation' ? 'conversations' : 'tickets');
    const { rows } = await sql<ItemRow>`SELECT ${itemColumns(kind)} FROM ${table} AS i WHERE i.id = ANY (${ids}::bigint[])`.execute(db);
    for (const row of rows) details.set(`${kind}/${row.id}`, row);
  }
  const last = shown[shown.length - 1];
  return {
    // A row deleted between the two statements is left out of the page.
    items: shown.flatMap((r) => {
      const row = details.get(`${r.kind}/${r.id}`);
      return row ? [toInboxItem(row)] : [];
    }),
    nextCursor: hasMore && last ? encodeCursor(sortKey, { value: last.sort_value, rank: last.rank, id: last.id }) : null,
  };
}

/**
 * Whether to fetch every match and sort it rather than walk the sort index. Postgres walks
 * the index when it expects many matches, and that is right unless it misjudges a filter:
 * - free text: a word it has no statistics for is assumed to match 0.5% of rows; when a term
 *   is not among the column's common elements it is rare, and its GIN index is the way in;
 * - a created-date range sorted by update or status change: it assumes those dates are
 *   unrelated to creation and walks the whole index; the range's own size (well estimated
 *   from the histogram) is what counts. An ascending walk is bounded by the range already.
 */
async function filterFirst(
  db: Kysely<Database>,
  kind: ItemKind,
  where: RawBuilder<unknown>,
  query: InboxQuery,
  tsquery: string | null,
  sort: InboxSort,
  order: SortOrder,
): Promise<boolean> {
  const table = kind === 'conversation' ? 'conversations' : 'tickets';
  if (tsquery) {
    const common = await commonSearchTerms(db, table);
    const terms = tsquery.split(' & ').map((t) => t.replace(/:\*$/, ''));
    if (terms.some((term) => !common.some((e) => e.startsWith(term)))) return true;
  }
  // Priority is unrelated to creation, so there the planner's walk is right.
  const correlated = sort === 'updated' || sort === 'status_changed';
  if (correlated && (query.createdFrom || query.createdTo) && !(order === 'asc' && query.createdFrom)) {
    const { rows } = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>`
      EXPLAIN (FORMAT JSON) SELECT 1 FROM ${sql.table(table)} AS i WHERE ${where}`.execute(db);
    return rows[0]!['QUERY PLAN'][0].Plan['Plan Rows'] <= 50_000;
  }
  return false;
}

const commonTermsCache = new WeakMap<Kysely<Database>, { at: number; terms: Promise<Record<string, string[]>> }>();

/**
 * The most common search lexemes of each table, from Postgres's statistics (which change
 * only with ANALYZE): read at most once a minute per database, as pg_stats is slow to query.
 */
function commonSearchTerms(db: Kysely<Database>, table: 'conversations' | 'tickets'): Promise<string[]> {
  let cached = commonTermsCache.get(db);
  if (!cached || Date.now() - cached.at > 60_000) {
    const terms = sql<{ table: string; elems: string[] | null }>`
      SELECT tablename AS table, most_common_elems::text::text[] AS elems FROM pg_stats
      WHERE tablename IN ('conversations', 'tickets') AND attname = 'search' AND schemaname = current_schema()`
      .execute(db)
      .then(({ rows }) => Object.fromEntries(rows.map((r) => [r.table, r.elems ?? []])));
    cached = { at: Date.now(), terms };
    commonTermsCache.set(db, cached);
    terms.catch(() => commonTermsCache.delete(db));
  }
  return cached.terms.then((t) => t[table] ?? []);
}

/**
 * The ORDER BY key. When few rows match, the column is wrapped in a no-op expression so that
 * Postgres cannot walk the sort index and must use the filter's own index, then sort.
 */
function sortExpression(sort: InboxSort, filterFirst: boolean): RawBuilder<unknown> {
  const column = sql.ref(`i.${sortColumns[sort]}`);
  if (!filterFirst) return column;
  return sort === 'priority' ? sql`(${column} + 0)` : sql`(${column} + interval '0')`;
}

/** The sort value as exact text: timestamps in epoch microseconds (a JS Date would drop them). */
function sortValue(sort: InboxSort): RawBuilder<string> {
  return sort === 'priority' ? sql<string>`u.sort_key::text` : sql<string>`(extract(epoch FROM u.sort_key) * 1000000)::bigint::text`;
}

function sortLiteral(sort: InboxSort, value: string): RawBuilder<unknown> {
  return sort === 'priority' ? sql`${value}::smallint` : sql`(timestamptz 'epoch' + ${value}::bigint * interval '1 microsecond')`;
}

function conditions(
  kind: ItemKind,
  propertyId: string,
  query: InboxQuery,
  tsquery: string | null,
  sort: InboxSort,
  order: SortOrder,
  cursor: CursorPosition | null,
  { dueIndex = true } = {},
): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [sql`i.property_id = ${propertyId}`, sql`i.trashed_at IS NULL`];
  if (query.status && query.status !== 'all') where.push(sql`i.status = ${query.status}`);
  if (query.agent === 'assigned') where.push(sql`i.agent_id IS NOT NULL`);
  else if (query.agent === 'unassigned') where.push(sql`i.agent_id IS NULL`);
  else if (query.agent) where.push(sql`i.agent_id = ${query.agent.id}`);
  if (query.departmentId) where.push(sql`i.department_id = ${query.departmentId}`);
  if (query.tagId) where.push(sql`i.tag_ids @> ARRAY[${query.tagId}]::bigint[]`);
  if (query.missed !== undefined && kind === 'conversation') where.push(sql`i.missed = ${query.missed}`);
  if (query.withEmail && kind === 'conversation') where.push(sql`i.visitor_email IS NOT NULL`);
  if (query.createdFrom) where.push(sql`i.created_at >= ${query.createdFrom}`);
  if (query.createdTo) where.push(sql`i.created_at < ${query.createdTo}`);
  // Updates and status changes never precede creation (a CHECK constraint holds it), so the
  // range bounds them too: an ascending walk of their index can start at the range.
  if (query.createdFrom && (sort === 'updated' || sort === 'status_changed')) {
    where.push(sql`${sql.ref(`i.${sortColumns[sort]}`)} >= ${query.createdFrom}`);
  }
  if (tsquery) where.push(sql`i.search @@ to_tsquery('simple', ${tsquery})`);
  // The due sort and filters walk the partial index of items with a running clock. When the
  // filter's own index is the way in (filterFirst), the same test is written so that Postgres
  // cannot match it to that index: it would AND a scan of every running clock into the bitmap
  // of a few matches (a rare word by due: 73,000 index entries read to keep 4 rows at 1M).
  if (sort === 'due' || query.due) where.push(dueIndex ? sql`i.due_at IS NOT NULL` : sql`(i.due_at + interval '0') IS NOT NULL`);
  if (query.due === 'breached') where.push(sql`i.due_at <= now()`);
  else if (query.due === 'at-risk') where.push(sql`i.at_risk_at <= now() AND i.due_at > now()`);
  else if (query.due) where.push(sql`i.due_at < ${query.due.before}`);
  if (query.waitingSince) where.push(sql`i.waiting_since < ${query.waitingSince}`);
  if (cursor) where.push(afterCursor(kindRank[kind], sort, order, cursor));
  return where;
}

/**
 * Rows strictly after the cursor in (sort value, kind rank, id) order. Within the cursor's own
 * kind this is a row comparison the index answers; for the other kind, rows that tie on the
 * sort value fall before or after the cursor by rank alone.
 */
function afterCursor(rank: number, sort: InboxSort, order: SortOrder, cursor: CursorPosition): RawBuilder<unknown> {
  const column = sql.ref(`i.${sortColumns[sort]}`);
  const value = sortLiteral(sort, cursor.value);
  const op = sql.raw(order === 'desc' ? '<' : '>');
  if (rank === cursor.rank) return sql`(${column}, i.id) ${op} (${value}, ${cursor.id}::bigint)`;
  const tiesFollow = order === 'desc' ? rank < cursor.rank : rank > cursor.rank;
  return sql`${column} ${sql.raw(order === 'desc' ? '<' : '>')}${sql.raw(tiesFollow ? '=' : '')} ${value}`;
}
