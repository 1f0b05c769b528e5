// Temporary tables planning every conversation, ticket and message before they are inserted.
import { sql } from 'kysely';
import { otherStride } from './shape.ts';
import type { SeedContext } from './seed-step.ts';
import { sentencePool } from './vocabulary.ts';

export async function planConversations({ run }: SeedContext, conversations: number): Promise<void> {
  // Conversations: 10% open, 15% missed (never assigned), 40% unassigned, 5 departments with
  // uneven shares, 0-2 tags, priority mostly normal, 60% with a known visitor, created over
  // two years, 1% trashed. `u1`..`u14` are independent uniform draws.
  await run(
    'conversation plan',
    sql`CREATE TEMP TABLE seed_conversations AS
        SELECT g AS id, r.property_id,
          CASE WHEN u1 < 0.8 THEN 'chat' ELSE 'offline' END AS kind,
          CASE WHEN u2 < 0.1 THEN 'open' ELSE 'closed' END AS status,
          u3 < 0.15 AS missed,
          CASE WHEN u3 < 0.15 OR u4 < 0.294 THEN NULL ELSE r.agents[1 + floor(cardinality(r.agents) * u5)::int] END AS agent_id,
          r.departments[CASE WHEN u6 < 0.35 THEN 1 WHEN u6 < 0.6 THEN 2 WHEN u6 < 0.8 THEN 3 WHEN u6 < 0.92 THEN 4 ELSE 5 END
                        % cardinality(r.departments) + 1] AS department_id,
          CASE WHEN u7 < 0.05 THEN 0 WHEN u7 < 0.85 THEN 1 WHEN u7 < 0.97 THEN 2 ELSE 3 END AS priority,
          CASE WHEN u8 < 0.4 THEN '{}'::bigint[]
               WHEN u8 < 0.8 THEN ARRAY[r.tags[1 + floor(cardinality(r.tags) * u9 ^ 1.5)::int]]
               ELSE ARRAY(SELECT DISTINCT r.tags[1 + floor(cardinality(r.tags) * x)::int] FROM unnest(ARRAY[u9, u13]) x) END AS tag_ids,
          CASE WHEN u10 < 0.6 THEN 1 + floor(r.contacts * u14)::int END AS contact_n,
          now() - interval '730 days' * u11 AS created_at,
          1 + floor(5 * u12)::int AS messages
        FROM (SELECT g, g % ${otherStride}::int = 0 AS other, random() u1, random() u2, random() u3, random() u4, random() u5,
                random() u6, random() u7, random() u8, random() u9, random() u10, random() u11, random() u12, random() u13, random() u14
              FROM generate_series(1, ${conversations}::int) g) s
        JOIN seed_refs r ON r.other = s.other`,
  );
}

export async function planTickets({ run }: SeedContext, tickets: number): Promise<void> {
  await run(
    'ticket plan',
    sql`CREATE TEMP TABLE seed_tickets AS
        SELECT g AS id, r.property_id, row_number() OVER (PARTITION BY r.property_id ORDER BY g)::int AS number,
          CASE WHEN u1 < 0.15 THEN 'open' WHEN u1 < 0.2 THEN 'pending' ELSE 'closed' END AS status,
          CASE WHEN u2 < 0.3 THEN NULL ELSE r.agents[1 + floor(cardinality(r.agents) * u3)::int] END AS agent_id,
          r.departments[1 + floor(cardinality(r.departments) * u4)::int] AS department_id,
          CASE WHEN u5 < 0.05 THEN 0 WHEN u5 < 0.8 THEN 1 WHEN u5 < 0.95 THEN 2 ELSE 3 END AS priority,
          CASE WHEN u6 < 0.5 THEN '{}'::bigint[] ELSE ARRAY[r.tags[1 + floor(cardinality(r.tags) * u7)::int]] END AS tag_ids,
          1 + floor(r.contacts * u8)::int AS contact_n,
          1 + floor(${sentencePool} * u9)::int AS subject_sentence,
          now() - interval '730 days' * u10 AS created_at,
          1 + floor(5 * u11)::int AS messages
        FROM (SELECT g, g % ${otherStride}::int = 0 AS other, random() u1, random() u2, random() u3, random() u4, random() u5,
                random() u6, random() u7, random() u8, random() u9, random() u10, random() u11
              FROM generate_series(1, ${tickets}::int) g) s
        JOIN seed_refs r ON r.other = s.other`,
  );
}

/** Each item's messages, then each item's thread summary (last message, bodies, first body). */
export async function planMessages({ run }: SeedContext): Promise<void> {
  // Messages: visitor first, then visitor and agent (if any) in turn, 1-15 minutes apart.
  await run(
    'message plan',
    sql`CREATE TEMP TABLE seed_messages AS
        SELECT m.conversation_id, m.ticket_id, m.property_id, m.k, m.agent_id, m.created_at, s.body,
          CASE WHEN m.k % 2 = 0 AND m.agent_id IS NOT NULL THEN 'agent' ELSE 'visitor' END AS sender
        FROM (
          SELECT c.id AS conversation_id, NULL::bigint AS ticket_id, c.property_id, k, c.agent_id,
            c.created_at + interval '1 minute' * (k * (1 + 14 * random())) AS created_at, 1 + floor(${sentencePool} * random())::int AS sentence
          FROM seed_conversations c, generate_series(1, c.messages) k
          UNION ALL
          SELECT NULL, t.id, t.property_id, k, t.agent_id,
            t.created_at + interval '1 hour' * (k * (1 + 23 * random())), 1 + floor(${sentencePool} * random())::int
          FROM seed_tickets t, generate_series(1, t.messages) k) m
        JOIN seed_sentences s ON s.n = m.sentence`,
  );
  await run(
    'message summaries',
    sql`CREATE TEMP TABLE seed_threads AS
        SELECT conversation_id, ticket_id, max(created_at) AS last_message_at,
          string_agg(body, ' ' ORDER BY k) AS bodies, (array_agg(body ORDER BY k))[1] AS first_body
        FROM seed_messages GROUP BY conversation_id, ticket_id`,
  );
}
