import type { Kysely, Transaction } from 'kysely';
import type { Contact, Database } from '../db/schema.ts';
import { NotFoundError, ValidationError } from '../errors.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Normalises an email address for lookup (contacts are unique per property and address). */
export function normalizeEmail(email: string): string {
  const value = email.trim().toLowerCase();
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(value)) throw new ValidationError(`"${email}" is not an email address`);
  return value;
}

/** Finds the property's contact for an address or creates it; a known name is kept, a missing one filled. */
export async function upsertContact(db: Db, propertyId: string, input: { email: string; name?: string | null }): Promise<Contact> {
  const email = normalizeEmail(input.email);
  const name = input.name?.trim() || null;
  return db
    .insertInto('contacts')
    .values({ property_id: propertyId, email, name })
    .onConflict((oc) =>
      oc.columns(['property_id', 'email']).doUpdateSet((eb) => ({ name: eb.fn.coalesce('contacts.name', eb.ref('excluded.name')) })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The property's contact with this address. */
export async function findContact(db: Db, propertyId: string, email: string): Promise<Contact> {
  const contact = await db
    .selectFrom('contacts')
    .selectAll()
    .where('property_id', '=', propertyId)
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  if (!contact) throw new NotFoundError(`no contact "${email}" in this property`);
  return contact;
}
