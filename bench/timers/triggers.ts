// Chat recovery triggers: chats whose recovery triggers are due within the spread.
import { type Kysely, sql } from 'kysely';
import { scheduleChatTimers } from '../../core/chats/chat-timers.ts';
import { createConversation } from '../../core/conversations/conversation-store.ts';
import type { Database } from '../../core/db/schema.ts';
import { transactionThenJobs } from '../../core/jobs/jobs-after-commit.ts';
import { appendMessage } from '../../core/messages/append-message.ts';
import { parsePropertyChange } from '../../core/properties/property-settings.ts';
import { createProperty, updateProperty } from '../../core/properties/property-store.ts';
import { BullJobQueue } from '../../queue/bullmq-job-queue.ts';
import { count, leadMs, settleMs, triggerDelaySeconds, inactivityTimeoutSeconds, batchSize, log, dueAt, seconds } from './options.ts';
import { type Lateness, tally, waitUntil } from './lateness.ts';
import { printQueueSkew } from './queue-skew.ts';

export async function benchTriggers(db: Kysely<Database>, jobs: BullJobQueue): Promise<Lateness> {
  // `property create bench-chats`, `property set bench-chats trigger-delay=600 inactivity-timeout=3600`; no targets.
  const created = await createProperty(db, { slug: 'bench-chats', name: 'Chat Bench' });
  const property = await updateProperty(
    db,
    created.id,
    parsePropertyChange([`trigger-delay=${triggerDelaySeconds}`, `inactivity-timeout=${inactivityTimeoutSeconds}`, 'trigger-enabled=true'])
      .update,
  );

  // Chats as a `chat_started` event with the visitor's first words leaves them (core/chats/apply-chat-event.ts).
  let started = performance.now();
  const ids: string[] = [];
  for (let done = 0; done < count; done += batchSize) {
    await db.transaction().execute(async (trx) => {
      for (let i = done; i < Math.min(count, done + batchSize); i++) {
        const chat = await createConversation(trx, {
          propertyId: property.id,
          kind: 'chat',
          externalId: `bench-chat-${i}`,
          visitor: { id: `v${i}`, name: `Visitor ${i}` },
        });
        await appendMessage(trx, {
          propertyId: property.id,
          target: { conversationId: chat.id },
          sender: 'visitor',
          body: `Hi, is anyone there? (${i})`,
          externalId: `bench-chat-${i}/m1`,
        });
        ids.push(chat.id);
      }
    });
  }
  const createMs = performance.now() - started;
  log(`created ${count} live chats in ${seconds(createMs)}`);

  // Each chat started `delay` before its trigger is due in [t0, t0 + spread).
  const t0 = Date.now() + leadMs + Math.round(createMs * 0.5) + 1000;
  const starts = ids.map((_, i) => new Date(dueAt(t0, i) - triggerDelaySeconds * 1000));
  await sql`
    WITH v(id, at) AS (SELECT * FROM unnest(${ids}::bigint[], ${starts}::timestamptz[]))
    , c AS (UPDATE conversations c SET created_at = v.at, updated_at = v.at, status_changed_at = v.at, last_message_at = v.at FROM v WHERE c.id = v.id)
    UPDATE messages m SET created_at = v.at FROM v WHERE m.conversation_id = v.id`.execute(db);

  // Their timers as applying the chat's start schedules them: in the event's transaction,
  // queued once it has committed.
  started = performance.now();
  for (let done = 0; done < count; done += batchSize) {
    const batch = ids.slice(done, done + batchSize);
    await transactionThenJobs(db, jobs, async (trx, held) => {
      const rows = await trx.selectFrom('conversations').selectAll().where('id', 'in', batch).forUpdate().execute();
      for (const c of rows) await scheduleChatTimers(held, property, c);
    });
  }
  const seedEnd = Date.now();
  log(`triggers queued in ${seconds(performance.now() - started)}; first due in ${seconds(t0 - seedEnd)}`);
  const counts = await jobs.queue('chat-timers').getJobCounts('delayed', 'waiting', 'active', 'completed');
  log(`chat-timers queue: ${JSON.stringify(counts)} (a recovery trigger and an inactivity check per chat)`);

  const due = new Map(ids.map((id, i) => [id, dueAt(t0, i)]));
  await printQueueSkew(jobs.queue('chat-timers'), (job) =>
    job.name === 'recovery' ? (due.get((job.data as { conversationId: string }).conversationId) ?? null) : null,
  );
  const lastDue = dueAt(t0, count - 1);
  const fired = async () =>
    Number(
      (
        await db
          .selectFrom('conversations')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('property_id', '=', property.id)
          .where('trigger_fired_at', 'is not', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
  await waitUntil(lastDue + settleMs, async () => Date.now() > lastDue + 2000 && (await fired()) >= count);

  const messages = await db
    .selectFrom('messages')
    .select(['conversation_id', 'created_at'])
    .where('property_id', '=', property.id)
    .where('sender', '=', 'trigger')
    .execute();
  return tally(
    ids,
    due,
    messages.map((m) => ({ id: m.conversation_id!, at: m.created_at.getTime() })),
  );
}
