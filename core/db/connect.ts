import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

// int8 (bigint ids, counts) stays a string: a JS number would silently lose precision.
// timestamptz parses to Date (pg's default).

/** Opens a pooled Kysely instance on one Postgres URL; the caller owns it and destroys it. */
export function connectDatabase(url: string, options: { max?: number } = {}): Kysely<Database> {
  // A host that drops packets must fail a request in seconds (503), not hang it.
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5000 });
  // An idle client losing its connection (Postgres restart) must not crash the process;
  // the pool drops it and the next query reconnects.
  pool.on('error', () => {});
  // A client checked out but between statements (inside a transaction, or holding a row lock
  // while a mail is sent) that loses its connection emits 'error' too, and the pool listens
  // only while it is idle: unheard, that event would kill the process. The failure reaches
  // the caller anyway, through the client's next statement.
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Asks Postgres a trivial query (`select 1`): resolves once it answers, rejects if it cannot. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
