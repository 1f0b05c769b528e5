// The rows items refer to: properties, agents, departments, tags, contacts, and the sentence pool.
import { sql } from 'kysely';
import { benchTargets, mainSlug, otherSlug, otherStride, searchWords } from './shape.ts';
import type { SeedContext } from './seed-step.ts';
import { domains, firstNames, lastNames, sentencePool, textArray, vocabulary } from './vocabulary.ts';

/** Both properties with their agents, departments and tags, and each property's reference ids as arrays. */
export async function seedProperties({ run }: SeedContext): Promise<void> {
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
}

/** The pool of sentences message bodies and ticket subjects are drawn from. */
export async function seedSentences({ run }: SeedContext): Promise<void> {
  await run(
    `${sentencePool.toLocaleString('en')} sentences`,
    sql`CREATE TEMP TABLE seed_sentences AS
        SELECT n, string_agg(${textArray(vocabulary)}[1 + floor(${vocabulary.length} * random() ^ 2.2)::int], ' ') AS body
        FROM generate_series(1, ${sentencePool}::int) n, generate_series(1, 3 + (random() * 7)::int + 0 * n) w
        GROUP BY n`,
  );
}

/** Contacts for `conversations` conversations, numbered per property. */
export async function seedContacts({ run }: SeedContext, conversations: number): Promise<void> {
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
}
