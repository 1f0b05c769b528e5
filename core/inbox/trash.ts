import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { InvalidStateError, ValidationError } from '../errors.ts';
import { findItem } from './find-item.ts';
import { itemColumns, toInboxItem, type InboxItem, type ItemRow } from './inbox-item.ts';

// The trash. Moving an item there touches nothing but trashed_at, so restoring it brings it
// back exactly as it was (same status, assignee, tags, timestamps, place in every sort).
// Deleting permanently is possible only from the trash, and takes the item's messages along
// (ON DELETE CASCADE); a ticket made from a deleted conversation stays, unlinked.

type Db = Kysely<Database>;

/** Moves an item to the trash. */
export async function moveToTrash(db: Db, propertyId: string, ref: string): Promise<void> {
  const item = await findItem(db, propertyId, ref);
  if (item.trashedAt) throw new InvalidStateError(`${item.ref} is already in the trash`);
  const result = await db
    .updateTable(item.table)
    .set({ trashed_at: sql`now()` } as never)
    .where('id', '=', item.id)
    .where('trashed_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new InvalidStateError(`${item.ref} is already in the trash`);
}

/** Brings an item back from the trash, unchanged. */
export async function restoreFromTrash(db: Db, propertyId: string, ref: string): Promise<void> {
  const item = await findItem(db, propertyId, ref);
  if (!item.trashedAt) throw new InvalidStateError(`${item.ref} is not in the trash`);
  await db
    .updateTable(item.table)
    .set({ trashed_at: null } as never)
    .where('id', '=', item.id)
    .execute();
}

/** Deletes a trashed item and its messages for good; refused for an item not in the trash. */
export async function deletePermanently(db: Db, propertyId: string, ref: string): Promise<void> {
  const item = await findItem(db, propertyId, ref);
  if (!item.trashedAt) {
    throw new InvalidStateError(
      `${item.ref} is not in the trash; only items in the trash can be deleted permanently ` +
        `(move it there first: switchboard trash ${item.ref})`,
    );
  }
  const result = await db.deleteFrom(item.table).where('id', '=', item.id).where('trashed_at', 'is not', null).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new InvalidStateError(`${item.ref} was restored meanwhile; it was not deleted`);
}

/** The trash of one property, most recently trashed first. */
export async function listTrash(db: Db, propertyId: string, options: { limit?: number } = {}): Promise<InboxItem[]> {
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ValidationError('trash page size must be 1 to 1000');
  const { rows } = await sql<ItemRow>`
    SELECT * FROM (
      (SELECT ${itemColumns('conversation')} FROM conversations i
        WHERE i.property_id = ${propertyId} AND i.trashed_at IS NOT NULL ORDER BY i.trashed_at DESC, i.id DESC LIMIT ${limit})
      UNION ALL
      (SELECT ${itemColumns('ticket')} FROM tickets i
        WHERE i.property_id = ${propertyId} AND i.trashed_at IS NOT NULL ORDER BY i.trashed_at DESC, i.id DESC LIMIT ${limit})
    ) t ORDER BY trashed_at DESC, kind, id DESC LIMIT ${limit}`.execute(db);
  return rows.map(toInboxItem);
}
