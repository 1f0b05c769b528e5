import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { NotVisibleYetError } from '../errors.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { appendMessage } from '../messages/append-message.ts';
import { lockConversation } from './chat-lock.ts';

export type RecoveryOutcome = 'fired' | 'answered' | 'already-fired' | 'ended' | 'disabled';

/**
 * Posts the property's chat-recovery message into a chat nobody has answered, and has it
 * delivered to the chat side. Runs under the conversation's lock and re-checks everything
 * there, so it fires at most once per chat and never after an agent's message was stored,
 * whatever order the jobs and events race in.
 */
export async function fireRecoveryTrigger(db: Kysely<Database>, jobs: JobQueue, conversationId: string): Promise<RecoveryOutcome> {
  return db.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom('conversations').select('id').where('id', '=', conversationId).executeTakeFirst();
    if (!exists) throw new NotVisibleYetError(`conversation ${conversationId} is not visible (yet)`);
    const { conversation, property } = await lockConversation(trx, conversationId);
    if (conversation.trigger_fired_at) return 'already-fired';
    if (conversation.first_agent_reply_at) return 'answered';
    if (conversation.ended_at || conversation.trashed_at) return 'ended';
    if (!property.trigger_enabled) return 'disabled';
    await trx.updateTable('conversations').set({ trigger_fired_at: sql`now()` }).where('id', '=', conversationId).execute();
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
