import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { decodeCursor, encodeCursor, type CursorPosition } from './inbox-cursor.ts';
import { itemColumns, toInboxItem, type InboxItem, type ItemRow } from './inbox-item.ts';
import type { ItemKind } from './item-ref.ts';
import { searchQuery } from './search-text.ts';

export type InboxSort = 'created' | 'updated' | 'status_changed' | 'priority';
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
  /** Created at or after. */
  createdFrom?: Date;
  /** Created strictly before. */
  createdTo?: Date;
  text?: string;
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
  if (!(sort in sortColumns)) throw new ValidationError(`unknown sort "${sort}": use created, updated, status_changed or priority`);
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
  if (!['conversations', 'tickets', 'both'].includes(show)) throw new ValidationError(`unknown view "${show}": use conversations, tickets or both`);
  if (kinds.length === 0) return { items: [], nextCursor: null };

  const column = sql.ref(`i.${sortColumns[sort]}`);
  const dir = sql.raw(order);
  const branches = kinds.map(
    (kind) => sql`(SELECT ${itemColumns(kind)}, ${sortValue(sort)} AS sort_value, ${kindRank[kind]}::int AS rank
      FROM ${sql.table(kind === 'conversation' ? 'conversations' : 'tickets')} AS i
      WHERE ${sql.join(conditions(kind, propertyId, query, tsquery, sort, order, cursor), sql` AND `)}
      ORDER BY ${column} ${dir}, i.id ${dir} LIMIT ${limit + 1})`,
  );
  const sortField = sql.ref(`u.${sortColumns[sort]}`);
  const { rows } = await sql<ItemRow & { sort_value: string; rank: number }>`
    SELECT * FROM (${sql.join(branches, sql` UNION ALL `)}) AS u
    ORDER BY ${sortField} ${dir}, u.rank ${dir}, u.id::bigint ${dir}
    LIMIT ${limit + 1}`.execute(db);

  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(toInboxItem),
    nextCursor: hasMore && last ? encodeCursor(sortKey, { value: last.sort_value, rank: last.rank, id: last.id }) : null,
  };
}

/** The sort value as exact text: timestamps in epoch microseconds (a JS Date would drop them). */
function sortValue(sort: InboxSort): RawBuilder<string> {
  return sort === 'priority'
    ? sql<string>`i.priority::text`
    : sql<string>`(extract(epoch FROM ${sql.ref(`i.${sortColumns[sort]}`)}) * 1000000)::bigint::text`;
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
): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [sql`i.property_id = ${propertyId}`, sql`i.trashed_at IS NULL`];
  if (query.status && query.status !== 'all') where.push(sql`i.status = ${query.status}`);
  if (query.agent === 'assigned') where.push(sql`i.agent_id IS NOT NULL`);
  else if (query.agent === 'unassigned') where.push(sql`i.agent_id IS NULL`);
  else if (query.agent) where.push(sql`i.agent_id = ${query.agent.id}`);
  if (query.departmentId) where.push(sql`i.department_id = ${query.departmentId}`);
  if (query.tagId) where.push(sql`i.tag_ids @> ARRAY[${query.tagId}]::bigint[]`);
  if (query.missed !== undefined && kind === 'conversation') where.push(sql`i.missed = ${query.missed}`);
  if (query.createdFrom) where.push(sql`i.created_at >= ${query.createdFrom}`);
  if (query.createdTo) where.push(sql`i.created_at < ${query.createdTo}`);
  if (tsquery) where.push(sql`i.search @@ to_tsquery('simple', ${tsquery})`);
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
