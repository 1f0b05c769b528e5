import type { Kysely, Transaction, UpdateObject } from 'kysely';
import type { Conversation, ConversationKind, Database } from '../db/schema.ts';
import { searchVector } from '../inbox/search-text.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** What a new conversation is made of; timestamps default to now. */
export interface NewConversationInput {
  propertyId: string;
  kind: ConversationKind;
  externalId?: string | null;
  visitor?: { id?: string | null; name?: string | null; email?: string | null };
  prechat?: Record<string, unknown> | null;
  contactId?: string | null;
  departmentId?: string | null;
  agentId?: string | null;
  priority?: number;
  tagIds?: string[];
  createdAt?: Date;
}

/** Inserts a conversation, indexed for search by the visitor's name and email. */
export async function createConversation(db: Db, input: NewConversationInput): Promise<Conversation> {
  const at = input.createdAt ?? new Date();
  return db
    .insertInto('conversations')
    .values({
      property_id: input.propertyId,
      kind: input.kind,
      external_id: input.externalId ?? null,
      visitor_id: input.visitor?.id ?? null,
      visitor_name: input.visitor?.name ?? null,
      visitor_email: input.visitor?.email?.toLowerCase() ?? null,
      prechat: input.prechat ? JSON.stringify(input.prechat) : null,
      contact_id: input.contactId ?? null,
      department_id: input.departmentId ?? null,
      agent_id: input.agentId ?? null,
      priority: input.priority,
      tag_ids: input.tagIds,
      search: searchVector([input.visitor?.name, input.visitor?.email]),
      created_at: at,
      updated_at: at,
      status_changed_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A change to a conversation's columns: values, or SQL expressions over its own columns. */
export type ConversationChange = UpdateObject<Database, 'conversations'>;

/** Applies a change to one conversation (none by that id: nothing happens). */
export async function updateConversation(db: Db, conversationId: string, change: ConversationChange): Promise<void> {
  await db.updateTable('conversations').set(change).where('id', '=', conversationId).execute();
}

/** True when a conversation with this id exists (is visible to this transaction). */
export async function conversationExists(db: Db, conversationId: string): Promise<boolean> {
  return (await db.selectFrom('conversations').select('id').where('id', '=', conversationId).executeTakeFirst()) !== undefined;
}
