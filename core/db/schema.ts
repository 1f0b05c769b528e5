import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The one Database interface of Switchboard: every table, as Postgres holds it.
 * Nullable columns are `T | null`, defaults are `Generated<T>`; bigint ids come back as
 * strings from pg (int8 does not fit a JS number), so they are typed as such.
 */
export interface Database {
  properties: PropertiesTable;
  agents: AgentsTable;
  departments: DepartmentsTable;
  tags: TagsTable;
  contacts: ContactsTable;
  conversations: ConversationsTable;
  tickets: TicketsTable;
  messages: MessagesTable;
}

type NullableTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;
/** Tag ids, kept on the item as an array so that a tag filter is one GIN/array check. */
type TagIds = ColumnType<string[], string[] | undefined, string[]>;
type TsVector = ColumnType<string, string | undefined, string>;

export interface PropertiesTable {
  id: Generated<string>;
  slug: string;
  name: string;
  support_address: string | null;
  inbound_domain: string | null;
  signing_secret: string;
  trigger_enabled: Generated<boolean>;
  trigger_delay_seconds: Generated<number>;
  trigger_message: Generated<string>;
  trigger_sender_name: Generated<string>;
  trash_retention_days: Generated<number>;
  next_ticket_number: Generated<number>;
  created_at: Generated<Date>;
}

export interface AgentsTable {
  id: Generated<string>;
  property_id: string;
  email: string;
  name: string;
  created_at: Generated<Date>;
}

export interface DepartmentsTable {
  id: Generated<string>;
  property_id: string;
  name: string;
}

export interface TagsTable {
  id: Generated<string>;
  property_id: string;
  name: string;
}

export interface ContactsTable {
  id: Generated<string>;
  property_id: string;
  /** Always lower-case: one contact per property and address. */
  email: string;
  name: string | null;
  bouncing: Generated<boolean>;
  created_at: Generated<Date>;
}

export type ConversationKind = 'chat' | 'offline';
export type ConversationStatus = 'open' | 'closed';
export type TicketStatus = 'open' | 'pending' | 'closed';
export type MessageSender = 'visitor' | 'agent' | 'system' | 'trigger';

export interface ConversationsTable {
  id: Generated<string>;
  property_id: string;
  kind: ConversationKind;
  /** The chat's id on the chat side, unique per property; null for items made here. */
  external_id: string | null;
  status: Generated<ConversationStatus>;
  missed: Generated<boolean>;
  agent_id: string | null;
  department_id: string | null;
  priority: Generated<number>;
  tag_ids: TagIds;
  contact_id: string | null;
  visitor_id: string | null;
  visitor_name: string | null;
  visitor_email: string | null;
  prechat: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** The first visitor words, for list views. */
  preview: string | null;
  search: TsVector;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  status_changed_at: Generated<Date>;
  last_message_at: NullableTimestamp;
  ended_at: NullableTimestamp;
  trashed_at: NullableTimestamp;
}

export interface TicketsTable {
  id: Generated<string>;
  property_id: string;
  /** Per-property number, shown to people as T<number> and in mail subjects as [#<number>]. */
  number: number;
  status: Generated<TicketStatus>;
  subject: string;
  contact_id: string;
  conversation_id: string | null;
  agent_id: string | null;
  department_id: string | null;
  priority: Generated<number>;
  tag_ids: TagIds;
  search: TsVector;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  status_changed_at: Generated<Date>;
  last_message_at: NullableTimestamp;
  trashed_at: NullableTimestamp;
}

export interface MessagesTable {
  id: Generated<string>;
  property_id: string;
  conversation_id: string | null;
  ticket_id: string | null;
  sender: MessageSender;
  agent_id: string | null;
  author_name: string | null;
  body: string;
  /** The message's id on its source (chat message id), unique per property when set. */
  external_id: string | null;
  created_at: Generated<Date>;
}

export type Property = Selectable<PropertiesTable>;
export type NewProperty = Insertable<PropertiesTable>;
export type PropertyUpdate = Updateable<PropertiesTable>;
export type Agent = Selectable<AgentsTable>;
export type Department = Selectable<DepartmentsTable>;
export type Tag = Selectable<TagsTable>;
export type Contact = Selectable<ContactsTable>;
export type Conversation = Selectable<ConversationsTable>;
export type NewConversation = Insertable<ConversationsTable>;
export type Ticket = Selectable<TicketsTable>;
export type NewTicket = Insertable<TicketsTable>;
export type Message = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
