import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { NotVisibleYetError } from '../errors.ts';
import { postSignedCallback } from './signed-callback.ts';

/**
 * POSTs a message (a trigger's, typically) to the property's callback URL so the chat side
 * shows it to the visitor, signed like inbound events. The message id is in the body: the
 * chat side de-duplicates, since a delivery that timed out may be repeated.
 */
export async function deliverMessage(
  db: Kysely<Database>,
  messageId: string,
  options: { timeoutMs?: number } = {},
): Promise<'delivered' | 'no-callback'> {
  const row = await db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .innerJoin('properties as p', 'p.id', 'm.property_id')
    .select([
      'm.id',
      'm.sender',
      'm.body',
      'm.author_name',
      'm.created_at',
      'c.external_id',
      'c.id as conversation_id',
      'p.slug',
      'p.callback_url',
      'p.signing_secret',
    ])
    .where('m.id', '=', messageId)
    .executeTakeFirst();
  if (!row) throw new NotVisibleYetError(`message ${messageId} is not visible (yet)`);
  if (!row.callback_url) return 'no-callback';
  const body = JSON.stringify({
    type: 'chat.message',
    property: row.slug,
    chat: { id: row.external_id, conversation: `C${row.conversation_id}` },
    message: { id: `switchboard-${row.id}`, sender: row.sender, name: row.author_name, text: row.body, at: row.created_at.toISOString() },
  });
  return postSignedCallback(row.callback_url, row.signing_secret, body, `message ${messageId}`, options.timeoutMs);
}
