// The planned conversations, tickets and messages inserted as the app would leave them.
import { sql } from 'kysely';
import type { SeedContext } from './seed-step.ts';
import { searchVectorOf } from './vocabulary.ts';

export async function insertConversations({ run }: SeedContext): Promise<void> {
  // A closed item changed status after its last message; updated_at is the latest of all.
  await run(
    'conversations',
    sql`INSERT INTO conversations (id, property_id, kind, status, missed, agent_id, department_id, priority, tag_ids,
          contact_id, visitor_id, visitor_name, visitor_email, preview, search,
          created_at, updated_at, status_changed_at, last_message_at, ended_at, trashed_at, paused_since)
        OVERRIDING SYSTEM VALUE
        SELECT c.id, c.property_id, c.kind, c.status, c.missed, c.agent_id, c.department_id, c.priority, c.tag_ids,
          ct.id, 'v' || c.id, ct.name, ct.email, left(t.first_body, 140),
          ${searchVectorOf(sql.raw(`concat_ws(' ', ct.name, ct.email, t.bodies)`))},
          c.created_at, greatest(x.status_changed_at, t.last_message_at) + interval '1 second', x.status_changed_at, t.last_message_at,
          CASE WHEN c.status = 'closed' THEN x.status_changed_at END,
          CASE WHEN random() < 0.01 THEN greatest(x.status_changed_at, t.last_message_at) + interval '1 day' END,
          CASE WHEN c.status <> 'open' THEN x.status_changed_at END
        FROM seed_conversations c
        JOIN seed_threads t ON t.conversation_id = c.id
        LEFT JOIN seed_contacts ct ON ct.property_id = c.property_id AND ct.n = c.contact_n
        CROSS JOIN LATERAL (SELECT CASE WHEN c.status = 'closed' THEN t.last_message_at + interval '1 minute' * (60 * random())
                                        ELSE c.created_at END AS status_changed_at) x`,
  );
}

export async function insertTickets({ db, run }: SeedContext): Promise<void> {
  await run(
    'tickets',
    sql`INSERT INTO tickets (id, property_id, number, status, subject, contact_id, agent_id, department_id, priority, tag_ids,
          search, created_at, updated_at, status_changed_at, last_message_at, trashed_at, paused_since)
        OVERRIDING SYSTEM VALUE
        SELECT tk.id, tk.property_id, tk.number, tk.status, initcap(s.body), ct.id, tk.agent_id, tk.department_id,
          tk.priority, tk.tag_ids,
          ${searchVectorOf(sql.raw(`concat_ws(' ', s.body, ct.email, ct.name, t.bodies)`))},
          tk.created_at, greatest(x.status_changed_at, t.last_message_at) + interval '1 second', x.status_changed_at, t.last_message_at,
          CASE WHEN random() < 0.01 THEN greatest(x.status_changed_at, t.last_message_at) + interval '1 day' END,
          CASE WHEN tk.status <> 'open' THEN x.status_changed_at END
        FROM seed_tickets tk
        JOIN seed_sentences s ON s.n = tk.subject_sentence
        JOIN seed_threads t ON t.ticket_id = tk.id
        JOIN seed_contacts ct ON ct.property_id = tk.property_id AND ct.n = tk.contact_n
        CROSS JOIN LATERAL (SELECT CASE WHEN tk.status = 'open' THEN tk.created_at
                                        ELSE t.last_message_at + interval '1 hour' * (24 * random()) END AS status_changed_at) x`,
  );
  // Numbers were given explicitly: the sequence must continue after them.
  await sql`SELECT setval('ticket_numbers', (SELECT max(number) FROM tickets))`.execute(db);
}

/** The messages, then the id sequences continued after the explicitly given ids. */
export async function insertMessages({ db, run }: SeedContext): Promise<void> {
  await run(
    'messages',
    sql`INSERT INTO messages (property_id, conversation_id, ticket_id, sender, agent_id, author_name, body, created_at)
        SELECT property_id, conversation_id, ticket_id, sender, CASE WHEN sender = 'agent' THEN agent_id END,
          CASE WHEN sender = 'agent' THEN 'Agent' END, body, created_at
        FROM seed_messages`,
  );
  for (const table of ['conversations', 'tickets']) {
    await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), (SELECT max(id) FROM ${sql.table(table)}))`.execute(db);
  }
}
