import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { refreshResponseClocks, scheduleClockChecks, type ItemClocks } from '../responses/response-clock-store.ts';
import { applyChatEvent } from './apply-chat-event.ts';
import { chatEventSchema } from './chat-event.ts';
import { lockChat } from './chat-lock.ts';
import { getPropertyById } from '../properties/property-store.ts';

/**
 * Applies a stored chat event, and before it every earlier unprocessed event of the same
 * chat, in arrival order, in one transaction that also marks them processed. Workers racing
 * on events of one chat serialise on the chat's lock; whoever comes second finds its event
 * done. A crash before commit leaves everything to the retry: effects happen once.
 */
export async function processChatEvent(
  db: Kysely<Database>,
  jobs: JobQueue,
  eventRowId: string,
  now = new Date(),
): Promise<{ applied: number; triggersCancelled: number }> {
  const head = await db
    .selectFrom('chat_events')
    .select(['property_id', 'chat_id', 'processed_at'])
    .where('id', '=', eventRowId)
    .executeTakeFirst();
  if (!head) throw new NotFoundError(`no stored chat event ${eventRowId}`);
  if (head.processed_at) return { applied: 0, triggersCancelled: 0 };
  let clocks: ItemClocks[] = [];
  const result = await db.transaction().execute(async (trx) => {
    await lockChat(trx, head.property_id, head.chat_id ?? `event/${eventRowId}`);
    let pending = trx
      .selectFrom('chat_events')
      .select(['id', 'payload'])
      .where('property_id', '=', head.property_id)
      .where('processed_at', 'is', null)
      .where('id', '<=', eventRowId)
      .orderBy('id');
    pending = head.chat_id === null ? pending.where('id', '=', eventRowId) : pending.where('chat_id', '=', head.chat_id);
    const rows = await pending.forUpdate().execute();
    if (rows.length === 0) return { applied: 0, triggersCancelled: 0 };
    const property = await getPropertyById(trx, head.property_id);
    let triggersCancelled = 0;
    const externalIds = head.chat_id ? [head.chat_id] : [];
    for (const row of rows) {
      // The payload passed this schema at the ingress; parsing again restores its types (dates).
      const event = chatEventSchema.parse(row.payload);
      // A sender's clock may run ahead (the signature window allows minutes): nothing we store
      // happens in the future, or a later action's now() would precede the item's creation.
      if (event.at > now) event.at = now;
      if (!head.chat_id) externalIds.push(`offline/${event.id}`);
      if ((await applyChatEvent({ trx, property, jobs, now }, event)).triggerCancelled) triggersCancelled++;
    }
    await trx
      .updateTable('chat_events')
      .set({ processed_at: sql`now()` })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    // The chat's response clocks, as its events left it, in the same transaction; their checks
    // are asked for once it has committed. A check asked for inside it could run first (one due
    // already, as for events stored long ago, or queued again after a Redis wipe, is due at once):
    // it would not see the chat it was made for, fire nothing and, done, stand in Redis under the
    // id reconcile asks for again, so the at-risk and breach would never fire.
    const touched =
      externalIds.length === 0
        ? []
        : await trx
            .selectFrom('conversations')
            .select('id')
            .where('property_id', '=', head.property_id)
            .where('external_id', 'in', externalIds)
            .execute();
    clocks = await refreshResponseClocks(
      trx,
      null,
      touched.map((c) => ({ kind: 'conversation' as const, id: c.id })),
      now,
    );
    return { applied: rows.length, triggersCancelled };
  });
  // A failure to queue them (Redis down, the process killed) is reconcile's: the due times are stored.
  await scheduleClockChecks(jobs, clocks, now).catch(() => {});
  return result;
}
