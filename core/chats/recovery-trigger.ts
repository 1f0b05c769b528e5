import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { NotVisibleYetError } from '../errors.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { appendMessage } from '../messages/append-message.ts';
import { lockConversation } from './chat-lock.ts';
import { conversationExists, updateConversation } from '../conversations/conversation-store.ts';

export type RecoveryOutcome = 'fired' | 'answered' | 'already-fired' | 'ended' | 'disabled' | 'stale';

/**
 * Posts the property's chat-recovery message into a chat nobody has answered, and has it
 * delivered to the chat side. Runs under the conversation's lock and re-checks everything
 * there, so it fires at most once per chat and never after an agent's message was stored,
 * whatever order the jobs and events race in. Events of the chat that are stored but not yet
 * applied (a backlog after an outage) may hold the agent's answer: the decision waits for them.
 */
export async function fireRecoveryTrigger(db: Kysely<Database>, jobs: JobQueue, conversationId: string): Promise<RecoveryOutcome> {
  return db.transaction().execute(async (trx) => {
    if (!(await conversationExists(trx, conversationId)))
      throw new NotVisibleYetError(`conversation ${conversationId} is not visible (yet)`);
    const { conversation, property } = await lockConversation(trx, conversationId);
    if (conversation.trigger_fired_at) return 'already-fired';
    if (conversation.first_agent_reply_at) return 'answered';
    if (conversation.ended_at || conversation.trashed_at) return 'ended';
    if (!property.trigger_enabled) return 'disabled';
    // A trigger run long after it was due (its job lost with Redis and scheduled again by
    // reconcile) must not greet a visitor who left: past the inactivity timeout the chat is
    // the inactivity check's to end.
    const lastActivity = conversation.last_message_at ?? conversation.created_at;
    if (Date.now() - lastActivity.getTime() > property.inactivity_timeout_seconds * 1000) return 'stale';
    if (conversation.external_id) {
      const deadline = new Date(conversation.created_at.getTime() + property.trigger_delay_seconds * 1000);
      const pending = await trx
        .selectFrom('chat_events')
        .select('id')
        .where('property_id', '=', property.id)
        .where('chat_id', '=', conversation.external_id)
        .where('processed_at', 'is', null)
        .where('error', 'is', null)
        .where('occurred_at', '<=', deadline)
        .executeTakeFirst();
      if (pending)
        throw new NotVisibleYetError(`chat ${conversation.external_id} has events not yet applied: the trigger decides after them`);
    }
    await updateConversation(trx, conversationId, { trigger_fired_at: sql`now()` });
    const message = await appendMessage(trx, {
      propertyId: property.id,
      target: { conversationId },
      sender: 'trigger',
      body: property.trigger_message,
      authorName: property.trigger_sender_name,
      externalId: `trigger/${conversationId}`,
    });
    if (property.callback_url) await jobs.add('deliver-message', { messageId: message.id });
    return 'fired';
  });
}
