// The inbox benchmark's data set: one large property and one small one whose rows are
// interleaved with it (every 101st id), so that a query forgetting to scope by property, or an
// index not led by property_id, shows up. Everything is generated set-based in Postgres; rows
// are written as the app would leave them (preview, search vector, timestamps in order).
import { type Kysely, type RawBuilder, sql } from 'kysely';
import pg from 'pg';
import { connectDatabase } from '../core/db/connect.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import type { Database } from '../core/db/schema.ts';
import { databaseUrlFor } from '../core/db/database-url.ts';
import { checkTargets, noTargets } from '../core/responses/response-targets.ts';

/** Slugs of the two seeded properties; the benchmark lists the main one. */
export const mainSlug = 'bench-main';
const otherSlug = 'bench-other';

/** Every 101st conversation and ticket id belongs to the small property (1% of the rows). */
const otherStride = 101;

/** How large a data set to build. */
export interface SeedSize {
  /** Conversations of the main property; the small property gets 1% as many. */
  conversations: number;
  /** Tickets of the main property; the small property gets 1% as many. */
  tickets: number;
}

/** The words free-text search is benchmarked with, and why they were chosen. */
export const searchWords = {
  /** A body word drawn often by the Zipf-like vocabulary below (in roughly a fifth of the items). */
  common: 'refund',
  /** A surname given to one contact in 5,000 (a few hundred items). */
  rare: 'quasimodo',
};

export { databaseUrlFor };

/**
 * Makes sure `database` holds a seeded data set of `size`, migrated to the latest schema,
 * reusing it when its row counts already match (seeding takes minutes, a check takes
 * milliseconds; migrations added since the seed are applied to the reused data). Returns
 * whether it (re)seeded.
 */
export async function ensureSeeded(
  serverUrl: string,
  database: string,
  size: SeedSize,
  options: { reseed: boolean; log: (msg: string) => void },
): Promise<boolean> {
  const url = databaseUrlFor(serverUrl, database);
  if (!options.reseed && (await hasSize(url, size))) {
    const db = connectDatabase(url, { max: 1 });
    try {
      for (const applied of await migrateToLatest(db)) options.log(applied);
      // Response clocks are drawn relative to the time of the draw: a day-old draw has no item
      // left at risk, so a reused data set gets them drawn again when they have gone stale.
      if (await clocksStale(db)) {
        await drawResponseClocks(db, options.log);
        await timed(options.log, 'vacuum analyze (clocks)', db, sql`VACUUM ANALYZE conversations`, sql`VACUUM ANALYZE tickets`);
      }
    } finally {
      await db.destroy();
    }
    return false;
  }

  const admin = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  // One connection, so that the session settings below apply to every statement.
  const db = connectDatabase(url, { max: 1 });
  try {
    await migrateToLatest(db);
    await seed(db, size, options.log);
  } finally {
    await db.destroy();
  }
  return true;
}

/** The clocks were drawn more than 10 minutes ago (the newest wait starts at the draw), or never. */
async function clocksStale(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ stale: boolean }>`
    SELECT coalesce(max(c.waiting_since) < now() - interval '10 minutes', true) AS stale
    FROM conversations c JOIN properties p ON p.id = c.property_id
    WHERE p.slug = ${mainSlug} AND c.trashed_at IS NULL AND c.waiting_since IS NOT NULL`.execute(db);
  return rows[0]!.stale;
}

async function timed(log: (msg: string) => void, label: string, db: Kysely<Database>, ...queries: RawBuilder<unknown>[]): Promise<void> {
  const started = performance.now();
  for (const query of queries) await query.execute(db);
  log(`${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

async function hasSize(url: string, size: SeedSize): Promise<boolean> {
  const db = connectDatabase(url, { max: 1 });
  try {
    const { rows } = await sql<{ conversations: string; tickets: string }>`
      SELECT (SELECT count(*) FROM conversations WHERE property_id = p.id) AS conversations,
             (SELECT count(*) FROM tickets WHERE property_id = p.id) AS tickets
      FROM properties p WHERE p.slug = ${mainSlug}`.execute(db);
    return Number(rows[0]?.conversations) === size.conversations && Number(rows[0]?.tickets) === size.tickets;
  } catch {
    // No such database, or a schema from an interrupted run: build it afresh.
    return false;
  } finally {
    await db.destroy();
  }
}

// Support vocabulary, most frequent first: a word's rank decides how often it is drawn.
const vocabulary = [
  'the', 'i', 'to', 'my', 'you', 'a', 'is', 'it', 'and', 'refund', 'order', 'please', 'help', 'not', 'can',
  'thanks', 'hello', 'account', 'payment', 'with', 'for', 'delivery', 'password', 'login', 'invoice', 'card',
  'shipping', 'package', 'address', 'email', 'problem', 'error', 'cancel', 'subscription', 'price', 'discount',
  'coupon', 'return', 'exchange', 'size', 'color', 'stock', 'tracking', 'number', 'today', 'tomorrow', 'week',
  'still', 'waiting', 'received', 'damaged', 'broken', 'missing', 'wrong', 'item', 'product', 'app', 'website',
  'mobile', 'update', 'install', 'download', 'reset', 'verify', 'code', 'bank', 'transfer', 'paypal', 'charge',
  'twice', 'billing', 'plan', 'upgrade', 'downgrade', 'trial', 'free', 'premium', 'support', 'agent', 'manager',
  'urgent', 'asap', 'warranty', 'repair', 'replacement', 'courier', 'warehouse', 'customs', 'tax', 'receipt',
  'vat', 'company', 'business', 'gift', 'voucher', 'loyalty', 'points', 'newsletter', 'unsubscribe', 'privacy',
  'gdpr', 'delete', 'data', 'export', 'import', 'integration', 'api', 'webhook', 'slow', 'crash', 'timeout',
  'battery', 'charger', 'screen', 'keyboard', 'printer', 'router', 'firmware', 'bluetooth', 'wifi', 'voltage',
];
const firstNames = [
  'maria', 'john', 'anna', 'luca', 'sofia', 'david', 'emma', 'marco', 'laura', 'james', 'giulia', 'paul',
  'sara', 'peter', 'elena', 'tom', 'chiara', 'mark', 'julia', 'alex', 'nina', 'omar', 'yuki', 'ines',
];
const lastNames = [
  'rossi', 'smith', 'müller', 'bianchi', 'garcia', 'brown', 'ferrari', 'martin', 'russo', 'jones', 'colombo',
  'lopez', 'ricci', 'taylor', 'marino', 'wilson', 'greco', 'moore', 'bruno', 'dubois', 'conti', 'novak',
];
const domains = ['gmail.com', 'yahoo.com', 'outlook.com', 'example.com', 'acme.io', 'mail.de', 'libero.it'];

/** How many distinct sentences message bodies and ticket subjects are drawn from. */
const sentencePool = 100_000;

function textArray(words: string[]): RawBuilder<unknown> {
  return sql.raw(`(ARRAY[${words.map((w) => `'${w}'`).join(',')}]::text[])`);
}

/** The app's search normalisation (core/inbox/search-text.ts) in SQL: lower-case runs of letters and digits. */
function searchVectorOf(text: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`strip(to_tsvector('simple', lower(regexp_replace(${text}, '[^[:alnum:]]+', ' ', 'g'))))`;
}

const hour = 3_600_000;

/**
 * Both properties' response targets (no business hours: the clocks run around the clock, so a
 * due time is its start plus the target, as core/hours computes it without hours).
 */
const benchTargets = checkTargets({
  ...noTargets,
  base: { first: 4 * hour, next: 8 * hour, resolution: 72 * hour },
  byPriority: { urgent: { first: 1 * hour, next: 2 * hour } },
});

/**
 * Stores response clocks on every open item, in bulk, as core/responses stores them
 * (response-clock-store.ts): waiting_since, first_due_at / next_due_at (and a ticket's
 * resolution_due_at), due_at and at_risk_at the earliest of the running clocks. Which clock runs
 * follows from the item's messages as computeClocks reads them: no agent reply yet, a first
 * clock from the wait's start; an agent replied and the visitor wrote last, a next clock; the
 * agent wrote last, none (a ticket's resolution clock runs all the same). Pending and closed
 * items run no first or next clock, and a pending ticket's resolution clock is paused (its
 * paused_since was set with its row); the trash runs none.
 *
 * The seeded messages are up to two years old, and clocks read from them would all be long
 * breached; the start of each wait is drawn instead, relative to now, as a fraction r of the
 * clock's target: 25% breached (r from 1 to 25, days for the longest), 12% at risk (0.8 to 1),
 * the rest due later (0 to 0.8). A ticket's resolution started at its wait, or up to one
 * target before it when an agent has answered.
 */
export async function drawResponseClocks(db: Kysely<Database>, log: (msg: string) => void): Promise<void> {
  const { base, byPriority, atRiskShare } = benchTargets;
  const urgent = 3;
  const ms = (value: RawBuilder<unknown>) => sql`interval '1 millisecond' * round(${value})`;
  const r = sql.raw(`CASE WHEN u1 < 0.25 THEN 1 + 24 * u2 ^ 3 WHEN u1 < 0.37 THEN 0.8 + 0.2 * u2 ELSE 0.8 * u2 END`);
  for (const kind of ['conversation', 'ticket'] as const) {
    const table = sql.table(kind === 'ticket' ? 'tickets' : 'conversations');
    const fk = sql.ref(kind === 'ticket' ? 'm.ticket_id' : 'm.conversation_id');
    const ticket = kind === 'ticket';
    const resolutionMs = base.resolution!;
    // A ticket's resolution clock: where it started, then its due and at-risk times.
    const resStart = sql`CASE WHEN NOT c.answered THEN c.waiting_since
                              WHEN c.waiting_since IS NOT NULL THEN c.waiting_since - ${ms(sql`${resolutionMs}::float8 * c.u3`)}
                              ELSE now() - ${ms(sql`${resolutionMs * 1.25}::float8 * c.u3`)} END`;
    const resDue = ticket ? sql`(${resStart}) + ${ms(sql`${resolutionMs}::float8`)}` : sql`NULL::timestamptz`;
    const resRisk = ticket ? sql`(${resStart}) + ${ms(sql`${resolutionMs * atRiskShare}::float8`)}` : sql`NULL::timestamptz`;
    const firstDue = sql`CASE WHEN NOT c.answered THEN c.waiting_since + ${ms(sql`c.target_ms`)} END`;
    const nextDue = sql`CASE WHEN c.answered THEN c.waiting_since + ${ms(sql`c.target_ms`)} END`;
    const risk = sql`c.waiting_since + ${ms(sql`c.target_ms * ${atRiskShare}::float8`)}`;
    await timed(
      log,
      `response clocks of open ${kind}s`,
      db,
      sql`WITH facts AS (
            SELECT ${fk} AS id, bool_or(m.sender = 'agent') AS answered,
              (array_agg(m.sender ORDER BY m.created_at DESC, m.id DESC))[1] = 'visitor' AS visitor_last
            FROM messages m JOIN ${table} i ON i.id = ${fk}
            WHERE i.status = 'open' AND i.trashed_at IS NULL
            GROUP BY ${fk}),
          draw AS (
            SELECT f.id, f.answered, NOT f.answered OR f.visitor_last AS waiting,
              CASE WHEN f.answered THEN CASE WHEN i.priority = ${urgent} THEN ${byPriority.urgent!.next!} ELSE ${base.next!} END
                   ELSE CASE WHEN i.priority = ${urgent} THEN ${byPriority.urgent!.first!} ELSE ${base.first!} END END::float8 AS target_ms,
              random() AS u1, random() AS u2, random() AS u3
            FROM facts f JOIN ${table} i ON i.id = f.id),
          c AS (
            SELECT id, answered, target_ms, u3, CASE WHEN waiting THEN now() - ${ms(sql`target_ms * ${r}`)} END AS waiting_since FROM draw)
          UPDATE ${table} i SET
            waiting_since = c.waiting_since, paused_since = NULL, paused_ms = 0,
            first_due_at = ${firstDue}, next_due_at = ${nextDue}, ${ticket ? sql`resolution_due_at = ${resDue},` : sql``}
            due_at = least(${firstDue}, ${nextDue}, ${resDue}),
            at_risk_at = least(${risk}, ${resRisk})
          FROM c WHERE i.id = c.id`,
    );
  }
}

async function seed(db: Kysely<Database>, size: SeedSize, log: (msg: string) => void): Promise<void> {
  const run = (label: string, ...queries: RawBuilder<unknown>[]): Promise<void> => timed(log, label, db, ...queries);
  const conversations = Math.round((size.conversations * otherStride) / (otherStride - 1));
  const tickets = Math.round((size.tickets * otherStride) / (otherStride - 1));

  await sql`SET maintenance_work_mem = '1GB'`.execute(db);
  await sql`SET work_mem = '256MB'`.execute(db);
  await sql`SET synchronous_commit = off`.execute(db);
  await sql`BEGIN`.execute(db);
  // Bulk load without per-row foreign-key triggers (the generated references are valid by
  // construction) and without secondary indexes, which are rebuilt afterwards from their own
  // definitions: building an index once is many times faster than growing it row by row.
  await sql`SET LOCAL session_replication_role = replica`.execute(db);
  const { rows: indexes } = await sql<{ name: string; definition: string }>`
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i
    WHERE i.indrelid IN ('conversations'::regclass, 'tickets'::regclass, 'messages'::regclass)
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`.execute(db);
  for (const index of indexes) await sql`DROP INDEX ${sql.id(index.name)}`.execute(db);

  await run(
    'properties, agents, departments, tags',
    sql`WITH p AS (
          INSERT INTO properties (slug, name, signing_secret, response_targets)
          VALUES (${mainSlug}, 'Bench main', 'bench', ${JSON.stringify(benchTargets)}::jsonb),
                 (${otherSlug}, 'Bench other', 'bench', ${JSON.stringify(benchTargets)}::jsonb)
          RETURNING id, slug),
        a AS (INSERT INTO agents (property_id, email, name)
          SELECT p.id, 'agent' || n || '@' || p.slug || '.test', 'Agent ' || n
          FROM p, generate_series(1, CASE WHEN p.slug = ${mainSlug} THEN 20 ELSE 3 END) n),
        d AS (INSERT INTO departments (property_id, name)
          SELECT p.id, 'Department ' || n FROM p, generate_series(1, CASE WHEN p.slug = ${mainSlug} THEN 5 ELSE 2 END) n)
        INSERT INTO tags (property_id, name)
        SELECT p.id, 'tag-' || n FROM p, generate_series(1, CASE WHEN p.slug = ${mainSlug} THEN 12 ELSE 3 END) n`,
  );

  // Per property, its reference ids as arrays, so generated rows can pick one by position.
  await run(
    'reference arrays',
    sql`CREATE TEMP TABLE seed_refs AS
        SELECT p.id AS property_id, p.slug = ${otherSlug} AS other,
          (SELECT array_agg(id ORDER BY id) FROM agents WHERE property_id = p.id) AS agents,
          (SELECT array_agg(id ORDER BY id) FROM departments WHERE property_id = p.id) AS departments,
          (SELECT array_agg(id ORDER BY id) FROM tags WHERE property_id = p.id) AS tags
        FROM properties p`,
  );

  await run(
    `${sentencePool.toLocaleString('en')} sentences`,
    sql`CREATE TEMP TABLE seed_sentences AS
        SELECT n, string_agg(${textArray(vocabulary)}[1 + floor(${vocabulary.length} * random() ^ 2.2)::int], ' ') AS body
        FROM generate_series(1, ${sentencePool}::int) n, generate_series(1, 3 + (random() * 7)::int + 0 * n) w
        GROUP BY n`,
  );

  // Contacts: 20% as many as conversations, names and emails from small lists (so search
  // words repeat), one in 5,000 with the rare surname.
  await run(
    'contacts',
    sql`INSERT INTO contacts (property_id, email, name, created_at)
        SELECT r.property_id, lower(f || '.' || l || n || '@' || d), initcap(f) || ' ' || initcap(l), now() - interval '800 days'
        FROM (
          SELECT n, n % ${otherStride}::int = 0 AS other,
            ${textArray(firstNames)}[1 + floor(${firstNames.length} * random() ^ 1.5)::int] AS f,
            CASE WHEN n % 5000 = 0 THEN ${searchWords.rare}
                 ELSE ${textArray(lastNames)}[1 + floor(${lastNames.length} * random() ^ 1.5)::int] END AS l,
            ${textArray(domains)}[1 + floor(${domains.length} * random())::int] AS d
          FROM generate_series(1, ${Math.round(conversations / 5)}::int) n) c
        JOIN seed_refs r ON r.other = c.other`,
  );
  // Contacts are numbered per property (not kept in an array like the few agents: reading one
  // element of a 200,000-element array detoasts all of it, once per generated row).
  await run(
    'contact numbering',
    sql`CREATE TEMP TABLE seed_contacts AS
        SELECT property_id, row_number() OVER (PARTITION BY property_id ORDER BY id)::int AS n, id, email, name FROM contacts`,
    sql`ALTER TABLE seed_refs ADD COLUMN contacts int`,
    sql`UPDATE seed_refs r SET contacts = (SELECT count(*) FROM contacts WHERE property_id = r.property_id)`,
  );

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
  await run(`${indexes.length} indexes`, ...indexes.map((index) => sql.raw(index.definition)));
  await sql`COMMIT`.execute(db);
  // After the commit, so that the clocks are relative to now and not to the seed's start.
  await drawResponseClocks(db, log);
  await run('vacuum analyze', sql`VACUUM ANALYZE`);
}
