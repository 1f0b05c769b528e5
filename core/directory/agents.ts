import type { Kysely } from 'kysely';
import type { Agent, Database } from '../db/schema.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { boundText, requireLength, textBounds } from '../text/bounded-text.ts';

/** RFC 5321's longest path, less its brackets (as contacts' addresses are bounded). */
const maxAddressLength = 254;

/** Adds an agent to a property, or returns the existing one with that email (renamed if a name is given). */
export async function upsertAgent(db: Kysely<Database>, propertyId: string, input: { email: string; name?: string }): Promise<Agent> {
  const email = input.email.trim().toLowerCase();
  if (email.length > maxAddressLength)
    throw new ValidationError(
      `agent email addresses are at most ${maxAddressLength} characters, got ${email.length.toLocaleString('en-US')}`,
    );
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new ValidationError(`"${input.email}" is not an email address`);
  // Typed by a person: refused when too long, not cut (the local part of a valid address fits).
  const name = input.name?.trim()
    ? requireLength(input.name.trim(), textBounds.displayName, 'agent names are')
    : boundText(email.split('@')[0]!, textBounds.displayName).text;
  return db
    .insertInto('agents')
    .values({ property_id: propertyId, email, name })
    .onConflict((oc) => oc.columns(['property_id', 'email']).doUpdateSet(input.name ? { name } : { email }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The agents of a property by name. */
export async function listAgents(db: Kysely<Database>, propertyId: string): Promise<Agent[]> {
  return db.selectFrom('agents').selectAll().where('property_id', '=', propertyId).orderBy('name').execute();
}

/** Finds a property's agent by id, email or exact name. */
export async function resolveAgent(db: Kysely<Database>, propertyId: string, ref: string): Promise<Agent> {
  const value = ref.trim();
  const found = await db
    .selectFrom('agents')
    .selectAll()
    .where('property_id', '=', propertyId)
    .where((eb) =>
      /^\d+$/.test(value) ? eb('id', '=', value) : value.includes('@') ? eb('email', '=', value.toLowerCase()) : eb('name', '=', value),
    )
    .execute();
  if (found.length === 0) throw new NotFoundError(`no agent "${ref}" in this property (see: switchboard agent list)`);
  if (found.length > 1) throw new ValidationError(`"${ref}" names ${found.length} agents; use the email or id`);
  return found[0]!;
}
