// Builders for inbox tests: items with chosen timestamps, states and labels, made through
// core's own store functions so the rows look exactly like the product's.
import { sql, type Kysely } from 'kysely';
import { upsertContact } from '../../core/contacts/contacts.ts';
import { createConversation } from '../../core/conversations/conversation-store.ts';
import type { Database } from '../../core/db/schema.ts';
import { appendMessage } from '../../core/messages/append-message.ts';
import { createProperty } from '../../core/properties/property-store.ts';
import { createTicket } from '../../core/tickets/ticket-store.ts';

export const day = 86_400_000;
export const base = new Date('2026-01-01T00:00:00.000Z').getTime();

/** Item fields a test can set; times are in days after `base`. */
export interface ItemSpec {
  kind: 'conversation' | 'ticket';
  created: number;
  updated?: number;
  statusChanged?: number;
  status?: 'open' | 'pending' | 'closed';
  missed?: boolean;
  priority?: number;
  agentId?: string | null;
  departmentId?: string | null;
  tagIds?: string[];
  contact?: { email: string; name: string };
  subject?: string;
  body?: string;
}

/** Creates a property with the given slug. */
export async function makeProperty(db: Kysely<Database>, slug: string) {
  return createProperty(db, { slug });
}

/** A made item: its public ref, row id and table. */
export interface MadeItem {
  ref: string;
  id: string;
  table: 'conversations' | 'tickets';
}

/** Creates one item from a spec. */
export async function makeItem(db: Kysely<Database>, propertyId: string, spec: ItemSpec): Promise<MadeItem> {
  const createdAt = new Date(base + spec.created * day);
  const contact = spec.contact ? await upsertContact(db, propertyId, spec.contact) : null;
  let ref: string;
  let id: string;
  if (spec.kind === 'conversation') {
    const c = await createConversation(db, {
      propertyId,
      kind: 'chat',
      visitor: { name: spec.contact?.name ?? null, email: spec.contact?.email ?? null },
      contactId: contact?.id ?? null,
      agentId: spec.agentId ?? null,
      departmentId: spec.departmentId ?? null,
      priority: spec.priority,
      tagIds: spec.tagIds,
      createdAt,
    });
    if (spec.body) await appendMessage(db, { propertyId, target: { conversationId: c.id }, sender: 'visitor', body: spec.body, createdAt });
    ref = `C${c.id}`;
    id = c.id;
  } else {
    const t = await createTicket(db, {
      propertyId,
      subject: spec.subject ?? 'A question',
      contact:
        contact ??
        (await upsertContact(db, propertyId, { email: `someone-${Math.random().toString(36).slice(2)}@example.com`, name: null })),
      agentId: spec.agentId ?? null,
      departmentId: spec.departmentId ?? null,
      priority: spec.priority,
      tagIds: spec.tagIds,
      status: spec.status,
      createdAt,
    });
    if (spec.body) await appendMessage(db, { propertyId, target: { ticketId: t.id }, sender: 'visitor', body: spec.body, createdAt });
    ref = `T${t.number}`;
    id = t.id;
  }
  await db
    .updateTable(spec.kind === 'conversation' ? 'conversations' : 'tickets')
    .set({
      status: spec.status ?? 'open',
      updated_at: new Date(base + (spec.updated ?? spec.created) * day),
      status_changed_at: new Date(base + (spec.statusChanged ?? spec.created) * day),
      ...(spec.kind === 'conversation' ? { missed: spec.missed ?? false } : {}),
    } as never)
    .where('id', '=', id)
    .execute();
  return { ref, id, table: spec.kind === 'conversation' ? 'conversations' : 'tickets' };
}

/** Moves an item's update time, for tests that change rows between pages. */
export async function touch(db: Kysely<Database>, item: MadeItem, days: number): Promise<void> {
  await sql`UPDATE ${sql.table(item.table)} SET updated_at = ${new Date(base + days * day)} WHERE id = ${item.id}`.execute(db);
}
