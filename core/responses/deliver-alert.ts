import type { Kysely } from 'kysely';
import { signBody } from '../chats/event-signature.ts';
import type { Database } from '../db/schema.ts';
import { DeliveryRefusedError, NotVisibleYetError } from '../errors.ts';
import { formatItemRef } from '../inbox/item-ref.ts';

/**
 * POSTs a breach to the property's callback URL, signed as trigger messages are
 * (X-Switchboard-Signature), so a chat tool can hook in. The alert id is in the body: the
 * receiver de-duplicates, since a delivery that timed out may be repeated. 4xx (but 408/429)
 * is a refusal, not retried; anything else is thrown to be retried.
 */
export async function deliverAlert(db: Kysely<Database>, alertId: string, options: { timeoutMs?: number } = {}): Promise<'delivered' | 'no-callback'> {
  const row = await db
    .selectFrom('response_alerts as a')
    .innerJoin('properties as p', 'p.id', 'a.property_id')
    .leftJoin('tickets as t', 't.id', 'a.ticket_id')
    .leftJoin('agents as g', 'g.id', 'a.agent_id')
    .select(['a.id', 'a.kind', 'a.clock', 'a.started_at', 'a.due_at', 'a.fired_at', 'a.conversation_id', 'a.priority', 't.number', 'g.email as agent_email', 'p.slug', 'p.callback_url', 'p.signing_secret'])
    .where('a.id', '=', alertId)
    .executeTakeFirst();
  if (!row) throw new NotVisibleYetError(`response alert ${alertId} is not visible (yet)`);
  if (!row.callback_url) return 'no-callback';
  const item = row.conversation_id ? formatItemRef('conversation', row.conversation_id) : formatItemRef('ticket', row.number!);
  const body = JSON.stringify({
    type: row.kind === 'breach' ? 'response.breached' : 'response.at_risk',
    id: `switchboard-alert-${row.id}`,
    property: row.slug,
    item,
    clock: row.clock,
    startedAt: row.started_at.toISOString(),
    dueAt: row.due_at.toISOString(),
    at: row.fired_at.toISOString(),
    priority: row.priority,
    agent: row.agent_email,
  });
  const response = await fetch(row.callback_url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchboard-signature': signBody(row.signing_secret, body) },
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  await response.body?.cancel();
  if (response.ok) return 'delivered';
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
    throw new DeliveryRefusedError(`callback ${row.callback_url} refused alert ${alertId}: HTTP ${response.status}`);
  }
  throw new Error(`callback ${row.callback_url} answered HTTP ${response.status}; will retry`);
}
