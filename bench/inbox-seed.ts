// The inbox benchmark's data set: one large property and one small one whose rows are
// interleaved with it (every 101st id), so that a query forgetting to scope by property, or an
// index not led by property_id, shows up. Everything is generated set-based in Postgres; rows
// are written as the app would leave them (preview, search vector, timestamps in order).
import { sql } from 'kysely';
import pg from 'pg';
import { connectDatabase } from '../core/db/connect.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../core/db/schema.ts';
import { databaseUrlFor } from '../core/db/database-url.ts';
import { drawResponseClocks } from './inbox-seed/response-clocks.ts';
import { seed } from './inbox-seed/seed.ts';
import { mainSlug, type SeedSize } from './inbox-seed/shape.ts';
import { timed } from './inbox-seed/seed-step.ts';

export { mainSlug, searchWords, type SeedSize } from './inbox-seed/shape.ts';
export { drawResponseClocks } from './inbox-seed/response-clocks.ts';
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
