import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, InboundEmail } from '../../../db/schema.ts';

// Filing reads every stored message back. As bytea, raw mail arrives as hex text: twice its
// size on the wire, a string of that size on the JS heap, then a hex decode. Read as Latin-1
// text instead (each byte one character, so the conversion is exact both ways) mostly-ASCII
// mail arrives at about its own size and `Buffer.from(text, 'latin1')` gives back its bytes.
// Measured on a 64 KB message over loopback: 0.58 ms of Node CPU per read as bytea, 0.23 ms as
// Latin-1 (bench/mail: the filing worker reads the whole inbound stream). Text cannot hold a
// NUL byte, and the mapping is exact only when server and client both speak UTF-8 (pg decodes
// text as UTF-8): any other row is read as bytea. (The NUL is written decode('00', 'hex'),
// which means the same whatever standard_conforming_strings says.)
const asLatin1 = sql<boolean>`(position(decode('00', 'hex') IN raw) = 0
  AND current_setting('server_encoding') = 'UTF8' AND current_setting('client_encoding') = 'UTF8')`;

/** The inbound_emails columns filing reads. */
export type RawMailRow = Pick<
  InboundEmail,
  'id' | 'property_id' | 'message_id' | 'envelope_to' | 'processed_at' | 'status' | 'reason' | 'sender_auth' | 'raw'
>;

/**
 * A select of the columns filing reads, raw mail as Latin-1 text where it can be; decode each
 * row with rawMailRow. The raw mail of the rows in `handed` (a RawMailHandoff's) is not read.
 */
export function selectRawMailRows(db: Kysely<Database> | Transaction<Database>, handed: ReadonlyMap<string, Buffer> = new Map()) {
  const read = handed.size ? sql<boolean>`NOT (id = ANY(${[...handed.keys()]}::bigint[]))` : sql<boolean>`true`;
  return db
    .selectFrom('inbound_emails')
    .select([
      'id',
      'property_id',
      'message_id',
      'envelope_to',
      'processed_at',
      'status',
      'reason',
      'sender_auth',
      sql<string | null>`CASE WHEN ${read} AND ${asLatin1} THEN convert_from(raw, 'LATIN1') END`.as('raw_latin1'),
      sql<Buffer | null>`CASE WHEN ${read} AND NOT ${asLatin1} THEN raw END`.as('raw_bytes'),
    ]);
}

type SelectedRow = Omit<RawMailRow, 'raw'> & { raw_latin1: string | null; raw_bytes: Buffer | null };

/** A row of selectRawMailRows with its raw mail as bytes (from `handed` when they were there). */
export function rawMailRow({ raw_latin1, raw_bytes, ...row }: SelectedRow, handed: ReadonlyMap<string, Buffer> = new Map()): RawMailRow {
  const raw = handed.get(row.id) ?? (raw_latin1 !== null ? Buffer.from(raw_latin1, 'latin1') : raw_bytes);
  // A row selected as handed must be decoded with the same map (its raw mail was not read).
  if (raw === null) throw new Error(`inbound email ${row.id}: raw mail neither read nor handed over`);
  return { ...row, raw };
}
