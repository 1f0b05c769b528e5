import { sql, type Kysely, type Transaction } from 'kysely';
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

/** A contact as upsertContacts left it, with the name it had before (null when new or unnamed). */
export type UpsertedContact = Contact & { name_before: string | null };

/**
 * upsertContact for several addresses in one statement, with the same end state as one by one
 * in input order (a known name kept, else the first name given). Contacts that exist and keep
 * their name are only read, not locked: concurrent batches of mail from the same people do not
 * wait for each other. New ones are written in address order, so two such statements cannot
 * deadlock on each other. By address.
 */
export async function upsertContacts(
  db: Db,
  propertyId: string,
  inputs: { email: string; name?: string | null }[],
): Promise<Map<string, UpsertedContact>> {
  const names = new Map<string, string | null>();
  for (const input of inputs) {
    const email = normalizeEmail(input.email);
    names.set(email, names.get(email) ?? (input.name?.trim() || null));
  }
  if (names.size === 0) return new Map();
  const emails = [...names.keys()].sort();
  const emailNames = emails.map((e) => names.get(e) ?? null);
  const { rows } = await sql<UpsertedContact>`
    WITH input AS (SELECT * FROM unnest(${emails}::text[], ${emailNames}::text[]) WITH ORDINALITY AS i(email, name, ord)),
      existing AS (SELECT c.* FROM contacts c JOIN input USING (email) WHERE c.property_id = ${propertyId}::bigint),
      inserted AS (
        INSERT INTO contacts (property_id, email, name)
        SELECT ${propertyId}::bigint, i.email, i.name FROM input i WHERE i.email NOT IN (SELECT email FROM existing) ORDER BY i.ord
        ON CONFLICT (property_id, email) DO UPDATE SET name = coalesce(contacts.name, excluded.name)
        RETURNING contacts.*),
      named AS (
        UPDATE contacts c SET name = i.name FROM existing e JOIN input i USING (email)
        WHERE c.id = e.id AND e.name IS NULL AND i.name IS NOT NULL AND c.name IS NULL
        RETURNING c.id, c.name)
    SELECT e.id, e.property_id, e.email, coalesce(n.name, e.name) AS name, e.bouncing, e.created_at, e.name AS name_before
    FROM existing e LEFT JOIN named n USING (id)
    UNION ALL
    SELECT id, property_id, email, name, bouncing, created_at, NULL FROM inserted`.execute(db);
  return new Map(rows.map((r) => [r.email, r]));
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
