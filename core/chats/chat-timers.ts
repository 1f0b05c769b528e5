import type { Conversation, Property } from '../db/schema.ts';
import type { JobQueue } from '../jobs/job-queue.ts';

/**
 * Schedules a new chat's timers: the recovery trigger (when the property has it on) at
 * start + delay, and the first inactivity check at start + timeout. Both re-check the chat
 * when they run, so scheduling them again is harmless.
 */
export async function scheduleChatTimers(
  jobs: JobQueue,
  property: Pick<Property, 'trigger_enabled' | 'trigger_delay_seconds' | 'inactivity_timeout_seconds'>,
  conversation: Pick<Conversation, 'id' | 'created_at' | 'last_message_at' | 'first_agent_reply_at' | 'trigger_fired_at'>,
): Promise<void> {
  const data = { conversationId: conversation.id };
  const started = conversation.created_at.getTime();
  if (property.trigger_enabled && !conversation.first_agent_reply_at && !conversation.trigger_fired_at) {
    await jobs.add('recovery', data, { runAt: new Date(started + property.trigger_delay_seconds * 1000) });
  }
  // Counted from the last activity, as the check itself counts: scheduled again by reconcile,
  // it names the job already waiting instead of a new one that runs at once.
  const lastActivity = Math.max(started, conversation.last_message_at?.getTime() ?? 0);
  const deadline = lastActivity + property.inactivity_timeout_seconds * 1000;
  await jobs.add('inactivity', data, { runAt: new Date(deadline), idSuffix: String(deadline) });
}
