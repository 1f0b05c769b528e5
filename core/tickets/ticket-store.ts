import type { Kysely, Transaction } from 'kysely';
import type { Database, Ticket } from '../db/schema.ts';
import { searchVector } from '../inbox/search-text.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** What a new ticket is made of; timestamps default to now. */
export interface NewTicketInput {
  propertyId: string;
  subject: string;
  contact: { id: string; email: string; name: string | null };
  conversationId?: string | null;
  departmentId?: string | null;
  agentId?: string | null;
  priority?: number;
  tagIds?: string[];
  status?: Ticket['status'];
  createdAt?: Date;
}

/** Inserts a ticket; its number comes from the ticket_numbers sequence (no lock to wait for). */
export async function createTicket(db: Db, input: NewTicketInput): Promise<Ticket> {
  const at = input.createdAt ?? new Date();
  return db
    .insertInto('tickets')
    .values({
      property_id: input.propertyId,
      subject: input.subject,
      status: input.status,
      contact_id: input.contact.id,
      conversation_id: input.conversationId ?? null,
      department_id: input.departmentId ?? null,
      agent_id: input.agentId ?? null,
      priority: input.priority,
      tag_ids: input.tagIds,
      search: searchVector([input.subject, input.contact.email, input.contact.name]),
      created_at: at,
      updated_at: at,
      status_changed_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
