import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { NotVisibleYetError } from '../errors.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { lockConversation } from './chat-lock.ts';
import { endChat } from './end-chat.ts';
import { conversationExists } from '../conversations/conversation-store.ts';

/**
 * Ends a chat that has been silent for the property's inactivity timeout, as if the visitor
 * had left; a chat with recent messages gets the next check at its new deadline instead.
 * `triggerCancelled`: ending it made a recovery trigger that was still due pointless.
 */
export async function checkInactivity(
  db: Kysely<Database>,
  jobs: JobQueue,
  conversationId: string,
  now = new Date(),
): Promise<{ outcome: 'ended' | 'rescheduled' | 'done'; triggerCancelled: boolean }> {
  return db.transaction().execute(async (trx) => {
    if (!(await conversationExists(trx, conversationId)))
      throw new NotVisibleYetError(`conversation ${conversationId} is not visible (yet)`);
    const { conversation, property } = await lockConversation(trx, conversationId);
    if (conversation.ended_at || conversation.kind !== 'chat') return { outcome: 'done', triggerCancelled: false };
    const lastActivity = Math.max(conversation.created_at.getTime(), conversation.last_message_at?.getTime() ?? 0);
    const deadline = lastActivity + property.inactivity_timeout_seconds * 1000;
    if (deadline > now.getTime()) {
      await jobs.add('inactivity', { conversationId }, { runAt: new Date(deadline), idSuffix: String(deadline) });
      return { outcome: 'rescheduled', triggerCancelled: false };
    }
    return { outcome: 'ended', triggerCancelled: await endChat(trx, jobs, property, conversation, now) };
  });
}
