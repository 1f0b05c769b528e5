import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Property, PropertyUpdate } from '../db/schema.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { isUniqueViolation } from '../db/pg-errors.ts';
import type { BusinessHours } from '../hours/business-hours.ts';

/** Creates a property with a fresh signing secret; the slug must be new. */
export async function createProperty(
  db: Kysely<Database>,
  input: { slug: string; name?: string; supportAddress?: string | null; inboundDomain?: string | null },
): Promise<Property> {
  const slug = input.slug.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) {
    throw new ValidationError(`property slug "${input.slug}" must be 1-63 characters of a-z, 0-9 and "-", starting with a letter or digit`);
  }
  if (/^\d+$/.test(slug)) throw new ValidationError(`property slug "${slug}" must not be all digits (digits are ids)`);
  try {
    return await db
      .insertInto('properties')
      .values({
        slug,
        name: input.name?.trim() || slug,
        support_address: input.supportAddress ?? null,
        inbound_domain: input.inboundDomain ?? null,
        signing_secret: newSigningSecret(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ValidationError(`a property with slug "${slug}" or that inbound domain already exists`);
    throw error;
  }
}

/** A new random secret for signing chat events and reply addresses. */
export function newSigningSecret(): string {
  return randomBytes(32).toString('hex');
}

/** Every property, oldest first. */
export async function listProperties(db: Kysely<Database>): Promise<Property[]> {
  return db.selectFrom('properties').selectAll().orderBy('id').execute();
}

/** Finds a property by id or slug. */
export async function findProperty(db: Kysely<Database>, ref: string): Promise<Property> {
  const value = ref.trim().toLowerCase();
  const query = db.selectFrom('properties').selectAll();
  // Ids are bigint: longer digit strings are no id (and no slug: slugs are never all digits).
  // Anything that is not slug-shaped names nothing either, and is not sent to Postgres: a NUL
  // in it (from a request body or a URL's %00) would fail the query instead of finding nothing.
  const found = /^\d{1,18}$/.test(value)
    ? await query.where('id', '=', value).executeTakeFirst()
    : /^[a-z0-9][a-z0-9-]{0,62}$/.test(value)
      ? await query.where('slug', '=', value).executeTakeFirst()
      : undefined;
  if (!found) throw new NotFoundError(`no property "${ref}" (see: switchboard property list)`);
  return found;
}

/** Applies a settings change to one property and returns it as stored. */
export async function updateProperty(db: Kysely<Database>, propertyId: string, update: PropertyUpdate): Promise<Property> {
  try {
    const row = await db.updateTable('properties').set(update).where('id', '=', propertyId).returningAll().executeTakeFirst();
    if (!row) throw new NotFoundError(`no property ${propertyId}`);
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) throw new ValidationError('that inbound domain already belongs to another property');
    throw error;
  }
}

// Look-ups by the processes and domain modules: the properties table is queried here only.
// A Transaction<Database> is a Kysely<Database>: each works inside a transaction too.

/** The property with this id; throws (Kysely's NoResultError) when there is none: callers hold an id read from a row. */
export async function getPropertyById(db: Kysely<Database>, propertyId: string): Promise<Property> {
  return db.selectFrom('properties').selectAll().where('id', '=', propertyId).executeTakeFirstOrThrow();
}

/** The property with this (normalised) slug, if any. */
export async function findPropertyBySlug(db: Kysely<Database>, slug: string): Promise<Property | undefined> {
  return db.selectFrom('properties').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** The id of the property that receives mail for this (lower-case) domain, if any. */
export async function propertyIdByInboundDomain(db: Kysely<Database>, domain: string): Promise<string | undefined> {
  const row = await db.selectFrom('properties').select('id').where('inbound_domain', '=', domain).executeTakeFirst();
  return row?.id;
}

/** What polling a property's IMAP mailbox needs to know of it. */
export type ImapSettings = Pick<Property, 'id' | 'slug' | 'imap_url' | 'imap_authserv_id'>;

/** The property's IMAP settings, or undefined when there is no such property. */
export async function findImapSettings(db: Kysely<Database>, propertyId: string): Promise<ImapSettings | undefined> {
  return db.selectFrom('properties').select(['id', 'slug', 'imap_url', 'imap_authserv_id']).where('id', '=', propertyId).executeTakeFirst();
}

/** The ids of the properties with an IMAP mailbox (a non-empty imap_url). */
export async function propertyIdsWithImap(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('properties').select('id').where('imap_url', 'is not', null).where('imap_url', '!=', '').execute();
  return rows.map((row) => row.id);
}

/** True once any property exists (a new install has none). */
export async function hasAnyProperty(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('properties').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** The property's business hours (null: always open), or undefined when there is no such property. */
export async function businessHoursOf(db: Kysely<Database>, propertyId: string): Promise<BusinessHours | null | undefined> {
  const row = await db.selectFrom('properties').select('business_hours').where('id', '=', propertyId).executeTakeFirst();
  return row?.business_hours;
}
