import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { InvalidStateError, ValidationError } from '../errors.ts';
import { resolveAgent } from '../directory/agents.ts';
import { resolveLabel } from '../directory/labels.ts';
import { findItem, type ItemHandle } from './find-item.ts';
import { refreshResponseClocks } from '../responses/response-clock-store.ts';
import { requireLength, textBounds } from '../text/bounded-text.ts';
import { priorityNames } from './priority-names.ts';

// The actions of the inbox on one item. Each is one guarded UPDATE: the WHERE clause repeats
// the state check, so a concurrent change makes the update miss instead of overwriting, and
// the caller gets the reason. Trashed items take no action but restore and delete.

type Db = Kysely<Database>;

async function liveItem(db: Db, propertyId: string, ref: string): Promise<ItemHandle> {
  const item = await findItem(db, propertyId, ref);
  if (item.trashedAt) throw new InvalidStateError(`${item.ref} is in the trash; restore it first (switchboard restore ${item.ref})`);
  return item;
}

async function update(
  db: Db,
  item: ItemHandle,
  set: Record<string, unknown>,
  guard: { status?: string[]; tagIds?: string[] } = {},
): Promise<void> {
  // A change of status, priority or department moves the item's response clocks: they are
  // recomputed in the same transaction (the checks at the new times come from reconcile).
  const movesClocks = ['status', 'priority', 'department_id'].some((key) => key in set);
  if (!movesClocks) return updateOnce(db, item, set, guard);
  await db.transaction().execute(async (trx) => {
    await updateOnce(trx, item, set, guard);
    await refreshResponseClocks(trx, null, [{ kind: item.kind, id: item.id }]);
  });
}

async function updateOnce(
  db: Db | Transaction<Database>,
  item: ItemHandle,
  set: Record<string, unknown>,
  guard: { status?: string[]; tagIds?: string[] },
): Promise<void> {
  let query = db
    .updateTable(item.table)
    .set({ ...set, updated_at: sql`now()` } as never)
    .where('id', '=', item.id)
    .where('trashed_at', 'is', null);
  if (guard.status) query = query.where('status', 'in', guard.status as never);
  if (guard.tagIds) query = query.where(sql<boolean>`tag_ids = ${guard.tagIds}::bigint[]`);
  const result = await query.executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new InvalidStateError(`${item.ref} changed meanwhile; look at it again and retry`);
}

/** Assigns the item to an agent (id, email or name of this property), or unassigns it with null. */
export async function assignItem(db: Db, propertyId: string, ref: string, agentRef: string | null): Promise<void> {
  const item = await liveItem(db, propertyId, ref);
  const agentId = agentRef === null ? null : (await resolveAgent(db, propertyId, agentRef)).id;
  if (agentId === null && item.agentId === null) throw new InvalidStateError(`${item.ref} is not assigned`);
  await update(db, item, { agent_id: agentId });
}

/** Closes an open (or pending) item. */
export async function closeItem(db: Db, propertyId: string, ref: string): Promise<void> {
  const item = await liveItem(db, propertyId, ref);
  if (item.status === 'closed') throw new InvalidStateError(`${item.ref} is already closed`);
  await update(db, item, { status: 'closed', status_changed_at: sql`now()` }, { status: ['open', 'pending'] });
}

/** Reopens a closed item (or a pending ticket). */
export async function reopenItem(db: Db, propertyId: string, ref: string): Promise<void> {
  const item = await liveItem(db, propertyId, ref);
  if (item.status === 'open') throw new InvalidStateError(`${item.ref} is already open`);
  await update(db, item, { status: 'open', status_changed_at: sql`now()` }, { status: ['closed', 'pending'] });
}

/** Marks a ticket pending: waiting on the visitor. */
export async function markPending(db: Db, propertyId: string, ref: string): Promise<void> {
  const item = await liveItem(db, propertyId, ref);
  if (item.kind !== 'ticket') throw new InvalidStateError(`${item.ref} is a conversation; only tickets can be pending`);
  if (item.status === 'pending') throw new InvalidStateError(`${item.ref} is already pending`);
  await update(db, item, { status: 'pending', status_changed_at: sql`now()` }, { status: ['open', 'closed'] });
}

/** Parses a priority name (low, normal, high, urgent) or its number 0-3. */
export function parsePriority(text: string): number {
  const value = text.trim().toLowerCase();
  const index = /^[0-3]$/.test(value) ? Number(value) : priorityNames.indexOf(value as never);
  if (index < 0) throw new ValidationError(`unknown priority "${text}": use ${priorityNames.join(', ')} (or 0-3)`);
  return index;
}

/** Sets the item's priority. */
export async function setPriority(db: Db, propertyId: string, ref: string, priority: string): Promise<void> {
  const value = parsePriority(priority);
  await update(db, await liveItem(db, propertyId, ref), { priority: value });
}

/** Adds a tag by name (created when new); adding a tag the item has changes nothing. */
export async function addTag(db: Db, propertyId: string, ref: string, tagName: string): Promise<void> {
  // A tag is typed by a person (CLI, dashboard): a name too long is refused, not cut.
  requireLength(tagName.trim(), textBounds.label, 'tag names are');
  const item = await liveItem(db, propertyId, ref);
  const tag = await resolveLabel(db, 'tags', propertyId, tagName, { create: true });
  if (item.tagIds.includes(tag.id)) return;
  await update(db, item, { tag_ids: [...item.tagIds, tag.id] }, { tagIds: item.tagIds });
}

/** Removes a tag; removing a tag the item does not have changes nothing. */
export async function removeTag(db: Db, propertyId: string, ref: string, tagName: string): Promise<void> {
  const item = await liveItem(db, propertyId, ref);
  const tag = await resolveLabel(db, 'tags', propertyId, tagName);
  if (!item.tagIds.includes(tag.id)) return;
  await update(db, item, { tag_ids: item.tagIds.filter((id) => id !== tag.id) }, { tagIds: item.tagIds });
}
