import { type Kysely, sql } from 'kysely';

// Raw inbound mail and attachments are stored whole and read back once, when filed. Postgres
// compresses large values with pglz by default, which cost more CPU than the rest of storing
// a message (bench/mail: 0.25 ms of Postgres CPU per stored email with pglz, 0.09 with lz4, and
// twice the store throughput). lz4 compresses a little less and far faster. Only values written
// from now on use it; a server built without lz4 keeps pglz.

const columns = [
  ['inbound_emails', 'raw'],
  ['email_attachments', 'content'],
] as const;

async function hasLz4(db: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{
    lz4: boolean;
  }>`SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`.execute(db);
  return rows[0]?.lz4 === true;
}

export async function up(db: Kysely<any>): Promise<void> {
  if (!(await hasLz4(db))) return;
  for (const [table, column] of columns)
    await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN ${sql.ref(column)} SET COMPRESSION lz4`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(await hasLz4(db))) return;
  for (const [table, column] of columns)
    await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN ${sql.ref(column)} SET COMPRESSION pglz`.execute(db);
}
