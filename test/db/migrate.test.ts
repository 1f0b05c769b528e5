import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { connectDatabase } from '../../core/db/connect.ts';
import { migrateDown, migrateToLatest, migrationStatus } from '../../core/db/migrate.ts';
import { migrations } from '../../migrations/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

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
    SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%'`.execute(t.db);
  expect(tables.rows[0]!.n).toBe(0);
  expect(await migrateToLatest(t.db)).toEqual(names.map((n) => `applied ${n}`));
  expect(await migrateToLatest(t.db)).toEqual([]);
});
