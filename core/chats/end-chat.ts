import { sql, type Transaction } from 'kysely';
import type { Conversation, Database, Property } from '../db/schema.ts';
import type { JobQueue } from '../jobs/job-queue.ts';

/**
 * Ends a chat (the visitor left, an agent closed it, or it went silent). Idempotent: a chat
 * ends once. With no agent message it is missed: it stays open, and becomes a ticket when the
 * visitor left an email and the property converts automatically. An answered chat is closed.
 */
export async function endChat(
  trx: Transaction<Database>,
  jobs: JobQueue,
  property: Property,
  conversation: Conversation,
  at: Date,
): Promise<void> {
  if (conversation.ended_at) return;
  const answered = conversation.first_agent_reply_at !== null;
  await trx
    .updateTable('conversations')
    .set(
      answered
        ? { ended_at: at, status: 'closed', status_changed_at: sql`greatest(status_changed_at, ${at}::timestamptz)`, updated_at: sql`now()` }
        : { ended_at: at, missed: true, updated_at: sql`now()` },
    )
    .where('id', '=', conversation.id)
    .execute();
  const data = { conversationId: conversation.id };
  await jobs.remove('recovery', data);
  if (!answered && conversation.visitor_email && property.auto_convert) await jobs.add('convert', data);
}
