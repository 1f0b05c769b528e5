import { sql, type Transaction } from 'kysely';
import type { Conversation, Database, Property } from '../db/schema.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { updateConversation } from '../conversations/conversation-store.ts';

/**
 * Ends a chat (the visitor left, an agent closed it, or it went silent). Idempotent: a chat
 * ends once. With no agent message it is missed: it stays open, and becomes a ticket when the
 * visitor left an email and the property converts automatically. An answered chat is closed.
 * Resolves true when this cancelled a recovery trigger that was still due (nobody answered,
 * nothing fired), so the worker can count cancellations without knowing chat rules.
 */
export async function endChat(
  trx: Transaction<Database>,
  jobs: JobQueue,
  property: Property,
  conversation: Conversation,
  at: Date,
): Promise<boolean> {
  if (conversation.ended_at) return false;
  const answered = conversation.first_agent_reply_at !== null;
  await updateConversation(
    trx,
    conversation.id,
    answered
      ? { ended_at: at, status: 'closed', status_changed_at: sql`greatest(status_changed_at, ${at}::timestamptz)`, updated_at: sql`now()` }
      : { ended_at: at, missed: true, updated_at: sql`now()` },
  );
  const data = { conversationId: conversation.id };
  await jobs.remove('recovery', data);
  if (!answered && conversation.visitor_email && property.auto_convert) await jobs.add('convert', data);
  // An answered chat's trigger was cancelled by the answer, and counted then.
  return !answered && triggerPending(property, conversation);
}

/** True while a chat's recovery trigger may still fire: on, not fired, unanswered, not ended. */
export function triggerPending(
  property: Pick<Property, 'trigger_enabled'>,
  conversation: Pick<Conversation, 'trigger_fired_at' | 'first_agent_reply_at' | 'ended_at' | 'trashed_at'>,
): boolean {
  return (
    property.trigger_enabled &&
    !conversation.trigger_fired_at &&
    !conversation.first_agent_reply_at &&
    !conversation.ended_at &&
    !conversation.trashed_at
  );
}
