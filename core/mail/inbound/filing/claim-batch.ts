import type { Transaction } from 'kysely';
import { byRowId } from '../../../db/row-id-order.ts';
import type { Database } from '../../../db/schema.ts';
import { rawMailRow, selectRawMailRows, type RawMailRow } from '../store/raw-mail-rows.ts';
import type { Batch, Head } from './filing-types.ts';
import type { RawMailSource } from './raw-mail-source.ts';

/**
 * Larger emails are not taken into another job's batch (their own job files them), and a
 * batch takes others only up to a total: the raw mail a batch holds in memory is bounded.
 */
const maxBatchedRawBytes = 512 * 1024;
const maxBatchRawBytes = 16 * 1024 * 1024;

/** A batch's rows, or the head's row when an earlier run or another batch filed it. */
export type Claim = { rows: RawMailRow[]; filedEarlier?: undefined } | { filedEarlier: RawMailRow };

/**
 * Locks the head's row and up to `batchSize - 1` other waiting emails of its property, in id
 * order (the order in which their jobs were queued, and one-by-one filing's). The head's row is
 * waited for only when `waitForOwn`, or when there is nothing else to file meanwhile.
 */
export async function claimBatch(
  trx: Transaction<Database>,
  head: Head,
  { batchSize, handoff }: Batch,
  waitForOwn: boolean,
): Promise<Claim> {
  // Our own email waits for a batch that holds it only on the second try: first, others.
  const ownRaw = handoff.peek([head.id]);
  const ownQuery = selectRawMailRows(trx, ownRaw).where('id', '=', head.id).forUpdate();
  const ownRow = waitForOwn ? await ownQuery.executeTakeFirstOrThrow() : await ownQuery.skipLocked().executeTakeFirst();
  let own = ownRow && rawMailRow(ownRow, ownRaw);
  if (own?.processed_at) return { filedEarlier: own };
  const others = await claimOthers(trx, head, batchSize - (own ? 1 : 0), handoff);
  if (!own && others.length === 0) {
    // Nothing else to file meanwhile: wait for the batch that holds it here, not in a
    // transaction of its own (no lock is held yet, so this cannot deadlock).
    own = rawMailRow(await ownQuery.executeTakeFirstOrThrow(), ownRaw);
    if (own.processed_at) return { filedEarlier: own };
  }
  return { rows: [...(own ? [own] : []), ...others].sort((a, b) => byRowId(a.id, b.id)) };
}

/**
 * Claims up to `room` other waiting emails of the property, oldest first, without waiting: a
 * row another batch holds is that batch's. Rows past the byte budget stay locked but unfiled
 * until this batch commits; their jobs then file them.
 */
async function claimOthers(trx: Transaction<Database>, head: Head, room: number, handoff: RawMailSource): Promise<RawMailRow[]> {
  if (room <= 0) return [];
  const locked = await trx
    .selectFrom('inbound_emails')
    .select(['id', 'raw_size'])
    .where('property_id', '=', head.property_id)
    .where('processed_at', 'is', null)
    .where('id', '!=', head.id)
    .where('raw_size', '<=', maxBatchedRawBytes)
    .orderBy('id')
    .limit(room)
    .forUpdate()
    .skipLocked()
    .execute();
  const ids: string[] = [];
  let bytes = 0;
  for (const row of locked) {
    bytes += row.raw_size;
    if (bytes > maxBatchRawBytes) break;
    ids.push(row.id);
  }
  if (ids.length === 0) return [];
  const handed = handoff.peek(ids);
  return (await selectRawMailRows(trx, handed).where('id', 'in', ids).orderBy('id').execute()).map((r) => rawMailRow(r, handed));
}
