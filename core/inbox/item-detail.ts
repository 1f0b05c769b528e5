import { type Kysely, sql } from 'kysely';
import type { Database, MessageSender } from '../db/schema.ts';
import { findItem } from './find-item.ts';
import { itemColumns, toInboxItem, type InboxItem, type ItemRow } from './inbox-item.ts';
import { formatItemRef } from './item-ref.ts';

/** One message of a transcript or an email thread. */
export interface ItemMessage {
  id: string;
  sender: MessageSender;
  author: string | null;
  body: string;
  createdAt: Date;
  /**
   * An email's sender: false when filing could not authenticate it ("sender not verified"); null for chat and system messages, and
   * with sender-auth off.
   */
  senderVerified: boolean | null;
}

/** Everything the detail view of an item shows. */
export interface ItemDetail {
  item: InboxItem;
  messages: ItemMessage[];
  /** Conversation: the ticket it became. Ticket: the conversation it came from. */
  linked: string | null;
  visitor: { id: string | null; name: string | null; email: string | null; prechat: Record<string, unknown> | null } | null;
}

/** Loads an item of the property (trashed ones too) with its messages in order. */
export async function showItem(db: Kysely<Database>, propertyId: string, ref: string): Promise<ItemDetail> {
  const handle = await findItem(db, propertyId, ref);
  const { rows } =
    await sql<ItemRow>`SELECT ${itemColumns(handle.kind)} FROM ${sql.table(handle.table)} i WHERE i.id = ${handle.id}`.execute(db);
  const messages = await db
    .selectFrom('messages as m')
    .leftJoin('agents as a', 'a.id', 'm.agent_id')
    .leftJoin('inbound_emails as e', 'e.id', 'm.inbound_email_id')
    .select([
      'm.id',
      'm.sender',
      'm.body',
      'm.created_at',
      sql<string | null>`coalesce(m.author_name, a.name)`.as('author'),
      'e.sender_verified',
    ])
    .where(handle.kind === 'conversation' ? 'm.conversation_id' : 'm.ticket_id', '=', handle.id)
    .orderBy('m.created_at')
    .orderBy('m.id')
    .execute();
  let linked: string | null;
  let visitor: ItemDetail['visitor'] = null;
  if (handle.kind === 'conversation') {
    const conversation = await db
      .selectFrom('conversations as c')
      .leftJoin('tickets as t', 't.conversation_id', 'c.id')
      .select(['c.visitor_id', 'c.visitor_name', 'c.visitor_email', 'c.prechat', 't.number'])
      .where('c.id', '=', handle.id)
      .executeTakeFirstOrThrow();
    linked = conversation.number === null ? null : formatItemRef('ticket', conversation.number);
    visitor = {
      id: conversation.visitor_id,
      name: conversation.visitor_name,
      email: conversation.visitor_email,
      prechat: conversation.prechat,
    };
  } else {
    const ticket = await db.selectFrom('tickets').select('conversation_id').where('id', '=', handle.id).executeTakeFirstOrThrow();
    linked = ticket.conversation_id === null ? null : formatItemRef('conversation', ticket.conversation_id);
  }
  return {
    item: toInboxItem(rows[0]!),
    messages: messages.map((m) => ({
      id: m.id,
      sender: m.sender,
      author: m.author,
      body: m.body,
      createdAt: m.created_at,
      senderVerified: m.sender === 'visitor' ? (m.sender_verified ?? null) : null,
    })),
    linked,
    visitor,
  };
}
