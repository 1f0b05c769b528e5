import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { JobQueue } from '../../../jobs/job-queue.ts';
import type { FilingOptions, InboundBatchResult, InboundLimits } from './filing-types.ts';
import { noRawMail } from './raw-mail-source.ts';
import { fileEach, type FilingRun } from './retry-policy.ts';

// Filing inbound mail one email per transaction cost ~14 statements and a commit per email, so
// Postgres round trips, not parsing, bounded the inbound path (bench/mail). A job files its
// own email together with other unprocessed ones of the same property: one transaction, a
// handful of statements for the whole batch, the decisions made in memory in id order
// (plan/plan-filing.ts) so that the result is what filing them one by one would have written.
// The jobs of emails a batch filed find them processed and return at once. The steps of a
// batch are file-batch.ts; what is tried again, and when, is retry-policy.ts.

/**
 * How many emails a job files at most in one transaction. A batch's statements and its turn
 * at the property's lock cost the same for 50 emails as for 400, so under load larger batches
 * file more per second (bench/mail: about 0.36 × bare simpleParser at 50, 0.47 at 400).
 */
export const defaultInboundBatchSize = 400;

function filingRun(db: Kysely<Database>, jobs: JobQueue, limits: InboundLimits, options: FilingOptions): FilingRun {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? defaultInboundBatchSize));
  return { db, jobs, limits, batch: { batchSize, handoff: options.handoff ?? noRawMail } };
}

/**
 * The inbound-email job: files `ids` (its own email first, then those stored in the same
 * commit, which have no job of their own), each with fileInboundBatch unless a batch filed it
 * already. The result's `own` is the first email's.
 */
export async function fileInboundEmails(
  db: Kysely<Database>,
  jobs: JobQueue,
  ids: [string, ...string[]],
  limits: InboundLimits,
  options: FilingOptions = {},
): Promise<InboundBatchResult> {
  return fileEach(filingRun(db, jobs, limits, options), ids);
}

/**
 * Files the stored inbound email `inboundEmailId` and up to `batchSize - 1` other unprocessed
 * emails of its property, each once, with every rule of filing one email (see
 * ingestInboundEmail). When another job's batch is filing the email right now, this one files
 * others meanwhile and then waits for it.
 */
export async function fileInboundBatch(
  db: Kysely<Database>,
  jobs: JobQueue,
  inboundEmailId: string,
  limits: InboundLimits,
  options: FilingOptions = {},
): Promise<InboundBatchResult> {
  return fileEach(filingRun(db, jobs, limits, options), [inboundEmailId]);
}
