import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../../core/db/schema.ts';
import { beginBulkLoad, finishBulkLoad } from './bulk-load.ts';
import { insertConversations, insertMessages, insertTickets } from './item-rows.ts';
import { planConversations, planMessages, planTickets } from './item-plans.ts';
import { seedContacts, seedProperties, seedSentences } from './reference-rows.ts';
import { drawResponseClocks } from './response-clocks.ts';
import { otherStride, type SeedSize } from './shape.ts';
import { timed, type SeedContext } from './seed-step.ts';

/** Builds the data set of `size` on `db` (migrated, empty; one connection, for the session settings). */
export async function seed(db: Kysely<Database>, size: SeedSize, log: (msg: string) => void): Promise<void> {
  const run = (label: string, ...queries: RawBuilder<unknown>[]): Promise<void> => timed(log, label, db, ...queries);
  const conversations = Math.round((size.conversations * otherStride) / (otherStride - 1));
  const tickets = Math.round((size.tickets * otherStride) / (otherStride - 1));
  const context: SeedContext = { db, run };

  const indexes = await beginBulkLoad(context);
  await seedProperties(context);
  await seedSentences(context);
  await seedContacts(context, conversations);
  await planConversations(context, conversations);
  await planTickets(context, tickets);
  await planMessages(context);
  await insertConversations(context);
  await insertTickets(context);
  await insertMessages(context);
  await finishBulkLoad(context, indexes);
  // After the commit, so that the clocks are relative to now and not to the seed's start.
  await drawResponseClocks(db, log);
  await run('vacuum analyze', sql`VACUUM ANALYZE`);
}
