import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import { formatItemRef, parseItemRef, type ItemKind } from './item-ref.ts';

/** An inbox item located in its table, with the state that actions check. */
export interface ItemHandle {
  kind: ItemKind;
  table: 'conversations' | 'tickets';
  id: string;
  ref: string;
  status: 'open' | 'pending' | 'closed';
  trashedAt: Date | null;
  tagIds: string[];
  agentId: string | null;
}

/**
 * Finds an item of one property by its public id. Another property's item is "not found",
 * exactly like an id that does not exist, so ids leak nothing across properties.
 */
export async function findItem(db: Kysely<Database>, propertyId: string, refText: string): Promise<ItemHandle> {
  const ref = parseItemRef(refText);
  const table = ref.kind === 'conversation' ? 'conversations' : 'tickets';
  const row =
    ref.kind === 'conversation'
      ? await db
          .selectFrom('conversations')
          .select(['id', 'status', 'trashed_at', 'tag_ids', 'agent_id'])
          .where('property_id', '=', propertyId)
          .where('id', '=', ref.id)
          .executeTakeFirst()
      : await db
          .selectFrom('tickets')
          .select(['id', 'status', 'trashed_at', 'tag_ids', 'agent_id'])
          .where('property_id', '=', propertyId)
          .where('number', '=', ref.number)
          .executeTakeFirst();
  const display = formatItemRef(ref.kind, ref.kind === 'conversation' ? ref.id : ref.number);
  if (!row) throw new NotFoundError(`no ${ref.kind} ${display} in this property`);
  return {
    kind: ref.kind,
    table,
    id: row.id,
    ref: display,
    status: row.status,
    trashedAt: row.trashed_at,
    tagIds: row.tag_ids,
    agentId: row.agent_id,
  };
}
