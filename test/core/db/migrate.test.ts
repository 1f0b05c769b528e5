import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { connectDatabase } from '../../../core/db/connect.ts';
import { migrateDown, migrateToLatest, migrationStatus } from '../../../core/db/migrate.ts';
import { migrations } from '../../../migrations/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ migrated: false });
});
afterAll(async () => {
  await t?.drop();
});

it('two processes migrating at once apply each migration exactly once', async () => {
  const other = connectDatabase(t.url, { max: 2 });
  try {
    const [a, b] = await Promise.all([migrateToLatest(t.db), migrateToLatest(other)]);
    const names = Object.keys(migrations);
    expect([...a, ...b].sort()).toEqual(names.map((n) => `applied ${n}`).sort());
    expect((await migrationStatus(t.db)).every((m) => m.executedAt)).toBe(true);
  } finally {
    await other.destroy();
  }
});

it('migrates all the way down, one at a time, and up again', async () => {
  const names = Object.keys(migrations);
  for (const name of [...names].reverse()) expect(await migrateDown(t.db)).toEqual([`reverted ${name}`]);
  const tables = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%'`.execute(
    t.db,
  );
  expect(tables.rows[0]!.n).toBe(0);
  expect(await migrateToLatest(t.db)).toEqual(names.map((n) => `applied ${n}`));
  expect(await migrateToLatest(t.db)).toEqual([]);
});

it('stores raw mail and attachments with lz4 where the server has it', async () => {
  await migrateToLatest(t.db);
  const { rows } = await sql<{ column: string; compression: string }>`
    SELECT attrelid::regclass || '.' || attname AS column, attcompression AS compression FROM pg_attribute
    WHERE (attrelid = 'inbound_emails'::regclass AND attname = 'raw') OR (attrelid = 'email_attachments'::regclass AND attname = 'content')
    ORDER BY 1`.execute(t.db);
  const lz4 = (
    await sql<{ lz4: boolean }>`SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`.execute(t.db)
  ).rows[0]!.lz4;
  // 'l' is lz4; '' is the server's default (pglz), which a server built without lz4 keeps.
  expect(rows).toEqual([
    { column: 'email_attachments.content', compression: lz4 ? 'l' : '' },
    { column: 'inbound_emails.raw', compression: lz4 ? 'l' : '' },
  ]);
});
