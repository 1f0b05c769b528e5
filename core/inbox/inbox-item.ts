import { sql, type RawBuilder } from 'kysely';
import type { ConversationKind } from '../db/schema.ts';
import { formatItemRef, type ItemKind } from './item-ref.ts';

/** One row of the inbox, the same shape for conversations and tickets. */
export interface InboxItem {
  /** Public id: C<id> or T<number>. */
  ref: string;
  kind: ItemKind;
  id: string;
  /** chat or offline for conversations; null for tickets. */
  channel: ConversationKind | null;
  ticketNumber: number | null;
  status: 'open' | 'pending' | 'closed';
  missed: boolean;
  priority: number;
  title: string;
  agent: { id: string; name: string } | null;
  department: { id: string; name: string } | null;
  tags: string[];
  contact: { id: string | null; email: string | null; name: string | null };
  createdAt: Date;
  updatedAt: Date;
  statusChangedAt: Date;
  lastMessageAt: Date | null;
  trashedAt: Date | null;
  /** When the visitor's unanswered wait began; null: nobody waits on us. */
  waitingSince: Date | null;
  /** The earliest due time of the item's running response clocks, and when it is at risk; null: none runs. */
  dueAt: Date | null;
  atRiskAt: Date | null;
}

/** Raw row of `itemColumns`, before `toInboxItem`. */
export interface ItemRow {
  kind: ItemKind;
  id: string;
  channel: ConversationKind | null;
  ticket_number: number | null;
  status: InboxItem['status'];
  missed: boolean;
  priority: number;
  title: string | null;
  agent_id: string | null;
  agent_name: string | null;
  department_id: string | null;
  department_name: string | null;
  tag_names: string[] | null;
  contact_id: string | null;
  contact_email: string | null;
  contact_name: string | null;
  created_at: Date;
  updated_at: Date;
  status_changed_at: Date;
  last_message_at: Date | null;
  trashed_at: Date | null;
  waiting_since: Date | null;
  due_at: Date | null;
  at_risk_at: Date | null;
}

/**
 * The select list shared by every inbox read over `i`, an aliased conversations or tickets
 * row: names of the agent, department, tags and contact are looked up for the few rows shown.
 */
export function itemColumns(kind: ItemKind): RawBuilder<unknown> {
  const isConversation = kind === 'conversation';
  const contactEmail = isConversation
    ? sql`coalesce((SELECT email FROM contacts WHERE id = i.contact_id), i.visitor_email)`
    : sql`(SELECT email FROM contacts WHERE id = i.contact_id)`;
  const contactName = isConversation
    ? sql`coalesce((SELECT name FROM contacts WHERE id = i.contact_id), i.visitor_name)`
    : sql`(SELECT name FROM contacts WHERE id = i.contact_id)`;
  return sql`
    ${kind}::text AS kind, i.id,
    ${isConversation ? sql`i.kind` : sql`NULL::text`} AS channel,
    ${isConversation ? sql`NULL::int` : sql`i.number`} AS ticket_number,
    i.status, ${isConversation ? sql`i.missed` : sql`false`} AS missed, i.priority::int AS priority,
    ${isConversation ? sql`coalesce(i.preview, i.visitor_name, 'Chat ' || i.id)` : sql`i.subject`} AS title,
    i.agent_id, (SELECT name FROM agents WHERE id = i.agent_id) AS agent_name,
    i.department_id, (SELECT name FROM departments WHERE id = i.department_id) AS department_name,
    (SELECT array_agg(name ORDER BY name) FROM tags WHERE id = ANY (i.tag_ids)) AS tag_names,
    i.contact_id,
    ${contactEmail} AS contact_email,
    ${contactName} AS contact_name,
    i.created_at, i.updated_at, i.status_changed_at, i.last_message_at, i.trashed_at, i.waiting_since, i.due_at, i.at_risk_at`;
}

/** Shapes a row selected with `itemColumns`. */
export function toInboxItem(row: ItemRow): InboxItem {
  return {
    ref: formatItemRef(row.kind, row.kind === 'ticket' ? row.ticket_number! : row.id),
    kind: row.kind,
    id: row.id,
    channel: row.channel,
    ticketNumber: row.ticket_number,
    status: row.status,
    missed: row.missed,
    priority: row.priority,
    title: row.title ?? '',
    agent: row.agent_id ? { id: row.agent_id, name: row.agent_name ?? '' } : null,
    department: row.department_id ? { id: row.department_id, name: row.department_name ?? '' } : null,
    tags: row.tag_names ?? [],
    contact: { id: row.contact_id, email: row.contact_email, name: row.contact_name },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    statusChangedAt: row.status_changed_at,
    lastMessageAt: row.last_message_at,
    trashedAt: row.trashed_at,
    waitingSince: row.waiting_since,
    dueAt: row.due_at,
    atRiskAt: row.at_risk_at,
  };
}
