import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { NotFoundError, ValidationError } from '../errors.ts';

/** Departments and tags: per-property names, referred to by name or id. */
export type LabelTable = 'departments' | 'tags';
export interface Label {
  id: string;
  name: string;
}

const noun: Record<LabelTable, string> = { departments: 'department', tags: 'tag' };
/** The command that lists them. */
const listCommand: Record<LabelTable, string> = { departments: 'department list', tags: 'tags' };

/** Finds a department or tag by id or name, creating it by name when `create` is set. */
export async function resolveLabel(
  db: Kysely<Database>,
  table: LabelTable,
  propertyId: string,
  ref: string,
  options: { create?: boolean } = {},
): Promise<Label> {
  const value = ref.trim();
  if (!value) throw new ValidationError(`${noun[table]} name must not be empty`);
  const byId = /^\d+$/.test(value);
  const found = await db
    .selectFrom(table)
    .select(['id', 'name'])
    .where('property_id', '=', propertyId)
    .where(byId ? 'id' : 'name', '=', value)
    .executeTakeFirst();
  if (found) return found;
  if (!options.create || byId) {
    throw new NotFoundError(`no ${noun[table]} "${ref}" in this property (see: switchboard ${listCommand[table]})`);
  }
  return db
    .insertInto(table)
    .values({ property_id: propertyId, name: value })
    .onConflict((oc) => oc.columns(['property_id', 'name']).doUpdateSet({ name: value }))
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
}

/** Every department or tag of a property, by name. */
export async function listLabels(db: Kysely<Database>, table: LabelTable, propertyId: string): Promise<Label[]> {
  return db.selectFrom(table).select(['id', 'name']).where('property_id', '=', propertyId).orderBy('name').execute();
}
