import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { BusinessHours } from '../hours/business-hours.ts';
import type { SenderAuth } from '../mail/sender-auth.ts';
import type { ClockName, ResponseTargets } from '../responses/response-targets.ts';

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
  chat_events: ChatEventsTable;
  outbox_emails: OutboxEmailsTable;
  purge_runs: PurgeRunsTable;
  inbound_emails: InboundEmailsTable;
  email_attachments: EmailAttachmentsTable;
  response_alerts: ResponseAlertsTable;
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
  created_at: Generated<Date>;
  /** Where trigger messages are POSTed for the chat side to show; null: not delivered. */
  callback_url: string | null;
  /** A chat with no message for this long ends as if the visitor left. */
  inactivity_timeout_seconds: Generated<number>;
  /** Missed chats and offline messages with an email become tickets automatically. */
  auto_convert: Generated<boolean>;
  /** Secret of the live-chat service's webhooks (X-Tawk-Signature); null: endpoint off. */
  tawk_webhook_secret: string | null;
  /** SMTP server of this property's mail (smtp:// or smtps:// URL); null: the global one. */
  smtp_url: string | null;
  /** Mailbox polled for inbound mail (imap:// or imaps:// URL with credentials); null: none. */
  imap_url: string | null;
  /** What mail whose sender is not authenticated may do (core/mail/sender-trust.ts). */
  sender_auth_mode: Generated<SenderAuthMode>;
  /** The authserv-id of the IMAP server's Authentication-Results trusted for this mailbox; null: none. */
  imap_authserv_id: string | null;
  /** ARC sealers (forwarders, lists) whose sealed results stand in for a broken DMARC. */
  arc_trusted_sealers: ColumnType<string[], string[] | undefined, string[]>;
  /** When the support team works (core/hours/business-hours.ts); null: always (24/7). */
  business_hours: ColumnType<BusinessHours | null, string | null | undefined, string | null>;
  /** Response-time targets in business time (core/responses/response-targets.ts); null: none. */
  response_targets: ColumnType<ResponseTargets | null, string | null | undefined, string | null>;
}

export interface AgentsTable {
  id: Generated<string>;
  property_id: string;
  email: string;
  name: string;
  created_at: Generated<Date>;
  /** The agent's id on the chat side, when events name agents by id. */
  external_id: string | null;
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
/** Who wrote a message; 'note' is an agent's internal note, which the visitor never sees. */
export type MessageSender = 'visitor' | 'agent' | 'system' | 'trigger' | 'note';

/** Each item's response clocks (core/responses), on conversations and tickets alike. */
export interface ResponseClockColumns {
  /** When the visitor's unanswered wait began (their first message since an agent's last public reply); null: nobody waits. */
  waiting_since: NullableTimestamp;
  /** When each clock is due (core/responses/response-clocks.ts); null: not running. */
  first_due_at: NullableTimestamp;
  next_due_at: NullableTimestamp;
  /** The earliest due time of the running clocks, and when the first of them is at risk. */
  due_at: NullableTimestamp;
  at_risk_at: NullableTimestamp;
  /** Since when the item is pending or closed, as the clocks last saw it, and the business time it spent so before (pg int8 → string). */
  paused_since: NullableTimestamp;
  paused_ms: ColumnType<string, string | number | undefined, string | number>;
  /** When a clock check (core/responses/response-alerts.ts) last looked at the item. */
  clocks_checked_at: NullableTimestamp;
}
export interface ConversationsTable extends ResponseClockColumns {
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
  first_agent_reply_at: NullableTimestamp;
  trigger_fired_at: NullableTimestamp;
}

export interface TicketsTable extends ResponseClockColumns {
  id: Generated<string>;
  property_id: string;
  /** Shown to people as T<number> and in mail subjects as [#<number>]; from one sequence, so unique per property. */
  number: Generated<number>;
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
  resolution_due_at: NullableTimestamp;
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
  inbound_email_id: string | null;
  outbox_email_id: string | null;
}

export interface ChatEventsTable {
  id: Generated<string>;
  property_id: string;
  /** The sender's event id: de-duplication key within a property. */
  event_id: string;
  type: string;
  /** The chat the event belongs to (null for offline messages): events of one chat apply in order. */
  chat_id: string | null;
  occurred_at: Date;
  payload: ColumnType<unknown, string, string>;
  source: Generated<'api' | 'tawk'>;
  received_at: Generated<Date>;
  processed_at: NullableTimestamp;
  error: string | null;
}

export type OutboxStatus = 'queued' | 'sent' | 'failed' | 'bounced' | 'suppressed';

export interface OutboxEmailsTable {
  id: Generated<string>;
  property_id: string;
  ticket_id: string | null;
  kind: 'ticket_ack' | 'agent_reply' | 'breach_notice';
  /** Fixed when the row is written, in our own domain, with angle brackets. */
  message_id: string;
  from_address: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  in_reply_to: string | null;
  references: Generated<string[]>;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: NullableTimestamp;
  /** The ticket's signed reply address, so the visitor's answer finds its way back. */
  reply_to: string | null;
  /** Sent by the system, not a person: rate-limited per recipient, marked Auto-Submitted. */
  automatic: Generated<boolean>;
}

export interface PurgeRunsTable {
  id: Generated<string>;
  job_id: string;
  started_at: Generated<Date>;
  finished_at: NullableTimestamp;
  conversations_removed: Generated<number>;
  tickets_removed: Generated<number>;
}

export type SenderAuthMode = 'enforce' | 'flag' | 'off';

export type InboundStatus = 'received' | 'threaded' | 'bounce' | 'quarantined';

export interface InboundEmailsTable {
  id: Generated<string>;
  property_id: string;
  received_via: 'smtp' | 'imap' | 'cli';
  raw: Buffer;
  raw_size: number;
  /** Written only when message_id is null: what finds the same message delivered twice then. */
  content_hash: string | null;
  message_id: string | null;
  envelope_from: string | null;
  envelope_to: Generated<string[]>;
  from_address: string | null;
  subject: string | null;
  status: Generated<InboundStatus>;
  /** Why it was quarantined, or why it is automatic. */
  reason: string | null;
  automatic: Generated<boolean>;
  ticket_id: string | null;
  received_at: Generated<Date>;
  processed_at: NullableTimestamp;
  /** SPF, DKIM, DMARC and ARC of the sender as the ingress found them; null: stored before they were checked. */
  sender_auth: ColumnType<SenderAuth | null, SenderAuth | null | undefined, SenderAuth | null>;
  /** Whether filing counted the sender as authenticated (core/mail/sender-trust.ts); null: not filed as mail. */
  sender_verified: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
}

export interface EmailAttachmentsTable {
  id: Generated<string>;
  inbound_email_id: string;
  filename: string | null;
  content_type: string;
  size: number;
  content: Buffer | null;
  skipped: Generated<boolean>;
}

export interface ResponseAlertsTable {
  id: Generated<string>;
  property_id: string;
  conversation_id: string | null;
  ticket_id: string | null;
  clock: ClockName;
  kind: 'at_risk' | 'breach';
  started_at: Date;
  due_at: Date;
  fired_at: Generated<Date>;
  agent_id: string | null;
  department_id: string | null;
  priority: number;
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
export type ChatEventRow = Selectable<ChatEventsTable>;
export type OutboxEmail = Selectable<OutboxEmailsTable>;
export type InboundEmail = Selectable<InboundEmailsTable>;
export type NewMessage = Insertable<MessagesTable>;
