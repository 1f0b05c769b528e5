import type { Transaction } from 'kysely';
import { byRowId } from '../../../db/row-id-order.ts';
import type { Database } from '../../../db/schema.ts';
import { rawMailRow, selectRawMailRows } from '../store/raw-mail-rows.ts';
import type { ClaimedEmail, InboundLimits } from './filing-types.ts';
import { parseBatch } from './parse-batch.ts';
import { isMail } from './plan/derive.ts';
import { referencedIds } from './plan/find-thread.ts';
import type { RawMailSource } from './raw-mail-source.ts';

/** How far up its threads a batch takes in waiting emails that its replies answer, and how much of them. */
const maxAnsweredRounds = 5;
const maxAnsweredRawBytes = 64 * 1024 * 1024;

/**
 * Under the property's lock: the waiting emails that the batch's emails answer (by
 * In-Reply-To/References, and what those answer in turn) are taken into the batch when no
 * other batch holds them, so that they are filed first; an email that answers one another
 * batch holds, or one past the budget below (or answers an email left for that reason), is
 * left for later, with what it waits for. Filing order is id order in the end, as filing one
 * by one would have it.
 */
export async function claimAnswered(
  trx: Transaction<Database>,
  propertyId: string,
  parsed: ClaimedEmail[],
  limits: InboundLimits,
  handoff: RawMailSource,
): Promise<{ claimed: ClaimedEmail[]; waitsFor: Map<string, string> }> {
  const claimed = [...parsed];
  const ours = new Set(parsed.flatMap((c) => (c.row.message_id ? [c.row.message_id] : [])));
  // Held elsewhere (or beyond the budget): Message-ID → the id of the email that carries it.
  const held = new Map<string, string>();
  let takenBytes = 0;
  // Each round looks one step further up the threads of what the last round took in.
  for (let frontier = parsed, round = 0; frontier.length && round < maxAnsweredRounds; round++) {
    const answered = [...new Set(frontier.filter(isMail).flatMap(({ mail }) => referencedIds(mail)))].filter(
      (id) => !ours.has(id) && !held.has(id),
    );
    if (answered.length === 0) break;
    const waiting = await trx
      .selectFrom('inbound_emails')
      .select(['id', 'message_id', 'raw_size'])
      .where('property_id', '=', propertyId)
      .where('processed_at', 'is', null)
      .where('message_id', 'in', answered)
      .orderBy('id')
      .execute();
    const affordable = waiting.filter((w) => (takenBytes += w.raw_size) <= maxAnsweredRawBytes).map((w) => w.id);
    const handed = handoff.peek(affordable);
    const taken = affordable.length
      ? (
          await selectRawMailRows(trx, handed)
            .where('id', 'in', affordable)
            .where('processed_at', 'is', null)
            .forUpdate()
            .skipLocked()
            .execute()
        ).map((r) => rawMailRow(r, handed))
      : [];
    const takenIds = new Set(taken.map((r) => r.id));
    for (const w of waiting) {
      if (takenIds.has(w.id)) ours.add(w.message_id!);
      else held.set(w.message_id!, w.id);
    }
    frontier = await parseBatch(taken, '', limits);
    claimed.push(...frontier);
  }
  claimed.sort((a, b) => byRowId(a.row.id, b.row.id));
  const waitsFor = waitingFor(claimed, held);
  return { claimed: claimed.filter((c) => !waitsFor.has(c.row.id)), waitsFor };
}

/** Which emails wait, and for which email: those that answer one held elsewhere, or answer one that waits. */
function waitingFor(claimed: ClaimedEmail[], held: Map<string, string>): Map<string, string> {
  const waitsFor = new Map<string, string>();
  for (let changed = held.size > 0; changed;) {
    changed = false;
    for (const c of claimed) {
      if (waitsFor.has(c.row.id) || !isMail(c)) continue;
      const blocker = referencedIds(c.mail).find((id) => held.has(id));
      if (blocker === undefined) continue;
      waitsFor.set(c.row.id, held.get(blocker)!);
      if (c.row.message_id) held.set(c.row.message_id, held.get(blocker)!);
      changed = true;
    }
  }
  return waitsFor;
}
