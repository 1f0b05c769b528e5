import type { ChatEvent } from '../../core/chats/chat-event.ts';
import { storeChatEvents } from '../../core/chats/store-chat-events.ts';
import type { Property } from '../../core/db/schema.ts';
import type { IngressContext } from './ingress-context.ts';

/** The 202 body: events newly stored, and events already stored by an earlier delivery. */
export interface AcceptedEvents {
  accepted: number;
  duplicates: number;
}

/**
 * Stores a request's events (one transaction) and only then queues their processing. Postgres
 * is the source of truth: once storing returned, the answer is yes even if Redis is down,
 * because the reconcile sweep re-enqueues events that were stored and never processed. The
 * enqueue still happens before answering, bounded by a short timeout, so that normally the
 * work is queued by the time the sender hears yes.
 */
export async function acceptEvents(
  ctx: IngressContext,
  property: Property,
  events: ChatEvent[],
  source: 'api' | 'tawk',
): Promise<AcceptedEvents> {
  const stored = await storeChatEvents(ctx.db, property.id, events, source);
  ctx.metrics?.chatEventsReceived.inc({ source, outcome: 'stored' }, stored.newRowIds.length);
  ctx.metrics?.chatEventsReceived.inc({ source, outcome: 'duplicate' }, stored.duplicates);
  await enqueueWithin(ctx, property.id, stored.newRowIds);
  ctx.logger.debug(
    { propertyId: property.id, source, accepted: stored.newRowIds.length, duplicates: stored.duplicates },
    'chat events stored',
  );
  return { accepted: stored.newRowIds.length, duplicates: stored.duplicates };
}

async function enqueueWithin(ctx: IngressContext, propertyId: string, rowIds: string[]): Promise<void> {
  if (rowIds.length === 0) return;
  const adding = Promise.all(rowIds.map((eventRowId) => ctx.jobs.add('chat-event', { eventRowId })));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ctx.enqueueTimeoutMs);
  });
  try {
    const outcome = await Promise.race([adding.then(() => 'queued' as const), timedOut]);
    if (outcome === 'timeout') {
      ctx.logger.warn(
        { propertyId, events: rowIds.length, timeoutMs: ctx.enqueueTimeoutMs },
        'enqueueing chat events timed out; stored, the sweep will queue them',
      );
      // The adds may still land (or fail) later; either way there is nobody left to tell.
      adding.catch(() => {});
    }
  } catch (error) {
    ctx.logger.warn(
      { propertyId, events: rowIds.length, err: error },
      'could not enqueue chat events (Redis down?); stored, the sweep will queue them',
    );
  } finally {
    clearTimeout(timer);
  }
}
