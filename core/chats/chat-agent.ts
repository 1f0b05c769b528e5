import type { Transaction } from 'kysely';
import type { Agent, Database } from '../db/schema.ts';

/**
 * The property's agent named by a chat event: by the chat side's id, else by email; made on
 * first sight. An agent known only by id gets a placeholder address in the reserved .invalid
 * domain until an event names their email.
 */
export async function findOrCreateChatAgent(
  trx: Transaction<Database>,
  propertyId: string,
  ref: { id?: string; email?: string; name?: string },
): Promise<Agent> {
  const email = ref.email?.toLowerCase();
  const found = await trx
    .selectFrom('agents')
    .selectAll()
    .where('property_id', '=', propertyId)
    .where((eb) => eb.or([...(ref.id ? [eb('external_id', '=', ref.id)] : []), ...(email ? [eb('email', '=', email)] : [])]))
    .orderBy('id')
    .executeTakeFirst();
  if (found) {
    if ((ref.id && !found.external_id) || (email && found.email.endsWith('.invalid'))) {
      return trx
        .updateTable('agents')
        .set({ external_id: found.external_id ?? ref.id ?? null, email: email ?? found.email })
        .where('id', '=', found.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    return found;
  }
  const address = email ?? `agent-${ref.id!.replace(/[^A-Za-z0-9._-]/g, '_')}@chat.invalid`;
  return trx
    .insertInto('agents')
    .values({ property_id: propertyId, email: address, name: ref.name ?? address.split('@')[0]!, external_id: ref.id ?? null })
    .onConflict((oc) => oc.columns(['property_id', 'email']).doUpdateSet({ external_id: ref.id ?? null }))
    .returningAll()
    .executeTakeFirstOrThrow();
}
