// Each test file (or test) gets a database of its own, cloned from a template that global
// setup migrates once per run: cloning takes milliseconds, and no test sees another's rows.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { connectDatabase } from '../../core/db/connect.ts';
import { databaseUrlFor } from '../../core/db/database-url.ts';
import { migrateToLatest } from '../../core/db/migrate.ts';
import type { Database } from '../../core/db/schema.ts';

export { databaseUrlFor };

async function admin<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates and migrates this run's template database; returns its name. */
export async function prepareTemplate(serverUrl: string, name: string): Promise<void> {
  await admin(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name}`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  const db = connectDatabase(databaseUrlFor(serverUrl, name), { max: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}

/** Drops a database, disconnecting whoever still uses it. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await admin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** A fresh, migrated database for one test or file. */
export interface TestDatabase {
  db: Kysely<Database>;
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates an empty, migrated database cloned from the run's template. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = inject('databaseUrl');
  const name = `sbtest_${randomBytes(6).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : inject('templateDatabase');
  await admin(serverUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = databaseUrlFor(serverUrl, name);
  const db = connectDatabase(url, { max: 5 });
  return {
    db,
    url,
    name,
    async drop() {
      await db.destroy();
      await dropDatabase(serverUrl, name);
    },
  };
}
