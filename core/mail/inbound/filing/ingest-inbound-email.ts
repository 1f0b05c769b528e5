import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { JobQueue } from '../../../jobs/job-queue.ts';
import { fileInboundBatch } from './file-inbound-emails.ts';
import type { IngestOutcome, InboundLimits } from './filing-types.ts';

/**
 * Parses, threads and files one stored inbound email, once: a bounce marks its outbound
 * email and address; anything else joins the ticket it replies to (reopening it) or starts a
 * new ticket of the sender's contact, with an acknowledgement unless the mail was automatic.
 * Mail that cannot be parsed or has no sender is quarantined with its reason. It is a batch
 * of one (file-inbound-emails.ts; the inbound-email job files larger batches). How threading
 * treats a sender who is not the ticket's contact: plan/stranger-policy.ts.
 */
export async function ingestInboundEmail(
  db: Kysely<Database>,
  jobs: JobQueue,
  inboundEmailId: string,
  limits: InboundLimits,
): Promise<IngestOutcome> {
  return (await fileInboundBatch(db, jobs, inboundEmailId, limits, { batchSize: 1 })).own;
}
