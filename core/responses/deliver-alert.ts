import type { Kysely } from 'kysely';
import { postSignedCallback } from '../chats/signed-callback.ts';
import type { Database } from '../db/schema.ts';
import { NotVisibleYetError } from '../errors.ts';
import { formatItemRef } from '../inbox/item-ref.ts';

/**
 * POSTs a breach to the property's callback URL, signed as trigger messages are, so a chat
 * tool can hook in (core/chats/signed-callback.ts).
 */
export async function deliverAlert(
  db: Kysely<Database>,
  alertId: string,
  options: { timeoutMs?: number } = {},
): Promise<'delivered' | 'no-callback'> {
  const row = await db
    .selectFrom('response_alerts as a')
    .innerJoin('properties as p', 'p.id', 'a.property_id')
    .leftJoin('tickets as t', 't.id', 'a.ticket_id')
    .leftJoin('agents as g', 'g.id', 'a.agent_id')
    .select([
      'a.id',
      'a.kind',
      'a.clock',
      'a.started_at',
      'a.due_at',
      'a.fired_at',
      'a.conversation_id',
      'a.priority',
      't.number',
      'g.email as agent_email',
      'p.slug',
      'p.callback_url',
      'p.signing_secret',
    ])
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
  return postSignedCallback(row.callback_url, row.signing_secret, body, `alert ${alertId}`, options.timeoutMs);
}
