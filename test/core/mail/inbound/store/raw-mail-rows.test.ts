import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectDatabase } from '../../../../../core/db/connect.ts';
import type { Property } from '../../../../../core/db/schema.ts';
import { rawMailRow, selectRawMailRows } from '../../../../../core/mail/inbound/store/raw-mail-rows.ts';
import { makeProperty } from '../../../../support/inbox-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../../../../support/test-database.ts';

// Filing reads raw mail back as Latin-1 text where that is exact, as bytea otherwise. Real
// Postgres; the bytes must come back exactly either way.

let t: TestDatabase;
let property: Property;

beforeAll(async () => {
  t = await createTestDatabase();
  property = await makeProperty(t.db, 'rawrows');
});

afterAll(async () => {
  await t?.drop();
});

async function store(raw: Buffer, tag: string): Promise<string> {
  const row = await t.db
    .insertInto('inbound_emails')
    .values({
      property_id: property.id,
      received_via: 'cli',
      raw,
      raw_size: raw.length,
      content_hash: tag,
      message_id: `<${tag}@example.com>`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const everyByteButNul = Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1));
const samples = {
  ascii: Buffer.from('From: a@example.com\r\nSubject: hi\r\n\r\nplain text\r\n'),
  eightBit: Buffer.concat([Buffer.from('Subject: caf\xe9\r\n\r\n', 'latin1'), Buffer.from('naïve — ünïcödé ✓\r\n'), everyByteButNul]),
  withNul: Buffer.concat([Buffer.from('Subject: nul\r\n\r\nbefore'), Buffer.from([0]), Buffer.from('after'), everyByteButNul]),
};

it('reads every stored byte back exactly: as Latin-1 text without NUL, as bytea with one', async () => {
  const ids = new Map<string, string>();
  for (const [name, raw] of Object.entries(samples)) ids.set(await store(raw, name), name);
  const rows = await selectRawMailRows(t.db)
    .where('id', 'in', [...ids.keys()])
    .execute();
  expect(rows).toHaveLength(3);
  for (const row of rows) {
    const name = ids.get(row.id)! as keyof typeof samples;
    // Which way each row came (the NUL row cannot be text).
    expect(row.raw_latin1 === null, name).toBe(name === 'withNul');
    expect(rawMailRow(row).raw.equals(samples[name]), name).toBe(true);
  }
});

it('reads bytea when the client does not speak UTF-8 (the text would not decode as Latin-1)', async () => {
  const id = await store(samples.eightBit, 'latin1-client');
  const db = connectDatabase(t.url, { max: 1 });
  try {
    await sql`SET client_encoding = 'LATIN1'`.execute(db);
    const row = await selectRawMailRows(db).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.raw_latin1).toBeNull();
    expect(rawMailRow(row).raw.equals(samples.eightBit)).toBe(true);
  } finally {
    await db.destroy();
  }
});

it('reads the same with standard_conforming_strings off (a server configured the old way)', async () => {
  const id = await store(samples.withNul, 'old-strings');
  const other = await store(samples.eightBit, 'old-strings-8bit');
  const db = connectDatabase(t.url, { max: 1 });
  try {
    await sql`SET standard_conforming_strings = off`.execute(db);
    const rows = await selectRawMailRows(db).where('id', 'in', [id, other]).orderBy('id').execute();
    expect(rows.map((r) => r.raw_latin1 === null)).toEqual([true, false]);
    expect(rawMailRow(rows[0]!).raw.equals(samples.withNul)).toBe(true);
    expect(rawMailRow(rows[1]!).raw.equals(samples.eightBit)).toBe(true);
  } finally {
    await db.destroy();
  }
});
