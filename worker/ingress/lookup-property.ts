import type { Kysely } from 'kysely';
import type { Database, Property } from '../../core/db/schema.ts';
import { NotFoundError } from '../../core/errors.ts';
import { findProperty } from '../../core/properties/property-store.ts';
import { HttpError } from './http-error.ts';

const maxBigint = 9223372036854775807n;

/**
 * The property a request names (id or slug), or a 404 "unknown property". An all-digit ref
 * beyond bigint would make Postgres fail the cast; no such id exists, so it is unknown too.
 */
export async function lookupProperty(db: Kysely<Database>, ref: string): Promise<Property> {
  const value = ref.trim();
  const unknown = new HttpError(404, 'unknown_property', `unknown property "${value}"`);
  if (/^\d+$/.test(value) && BigInt(value) > maxBigint) throw unknown;
  try {
    return await findProperty(db, value);
  } catch (error) {
    if (error instanceof NotFoundError) throw unknown;
    throw error;
  }
}
