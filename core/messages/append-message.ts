import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Message, MessageSender } from '../db/schema.ts';
import { appendSearchText } from '../inbox/search-text.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A message to add to a conversation or a ticket. */
export interface NewMessageInput {
  propertyId: string;
  target: { conversationId: string } | { ticketId: string };
  sender: MessageSender;
  body: string;
  agentId?: string | null;
  authorName?: string | null;
  externalId?: string | null;
  createdAt?: Date;
  /** The email this message came in as, or goes out as. */
  inboundEmailId?: string | null;
  outboxEmailId?: string | null;
}

const previewLength = 140;

/**
 * Stores a message and brings its item up to date: last-message and update times, the search
 * vector, and (for a conversation's first visitor words) the preview shown in lists.
 * Call it inside the caller's transaction when the message must land with other writes.
 */
export async function appendMessage(db: Db, input: NewMessageInput): Promise<Message> {
  const at = input.createdAt ?? new Date();
  const isConversation = 'conversationId' in input.target;
  const message = await db
    .insertInto('messages')
    .values({
      property_id: input.propertyId,
      conversation_id: isConversation ? (input.target as { conversationId: string }).conversationId : null,
      ticket_id: isConversation ? null : (input.target as { ticketId: string }).ticketId,
      sender: input.sender,
      body: input.body,
      agent_id: input.agentId ?? null,
      author_name: input.authorName ?? null,
      external_id: input.externalId ?? null,
      created_at: at,
      inbound_email_id: input.inboundEmailId ?? null,
      outbox_email_id: input.outboxEmailId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const touch = {
    last_message_at: sql<Date>`greatest(last_message_at, ${at}::timestamptz)`,
    updated_at: sql<Date>`greatest(updated_at, ${at}::timestamptz)`,
    search: appendSearchText([input.body]),
  };
  if (isConversation) {
    const preview = input.sender === 'visitor' ? input.body.replace(/\s+/g, ' ').trim().slice(0, previewLength) : null;
    await db
      .updateTable('conversations')
      .set({ ...touch, preview: sql`coalesce(preview, ${preview})` })
      .where('id', '=', message.conversation_id!)
      .execute();
  } else {
    await db.updateTable('tickets').set(touch).where('id', '=', message.ticket_id!).execute();
  }
  return message;
}
