import { sql, type Kysely } from 'kysely';
import type { Database, InboundEmail } from '../../../db/schema.ts';
import type { JobQueue } from '../../../jobs/job-queue.ts';
import { transactionThenJobs } from '../../../jobs/jobs-after-commit.ts';
import { acknowledgeBatch } from './acknowledge-batch.ts';
import { claimAnswered } from './claim-answered.ts';
import { claimBatch } from './claim-batch.ts';
import type { Batch, Filing, Head, InboundBatchResult, InboundLimits } from './filing-types.ts';
import { parseBatch } from './parse-batch.ts';
import { planBatch } from './plan-batch.ts';
import { isMail, derive } from './plan/derive.ts';
import { markFiled, writePlan } from './write-batch.ts';
import { getPropertyById } from '../../../properties/property-store.ts';

/** The outcome for an email that an earlier run or another batch had filed: this one changed nothing. */
export function filedEarlier(row: Pick<InboundEmail, 'status' | 'reason'>): InboundBatchResult & Filing {
  return { own: { status: row.status, filed: false, ticket: null, note: row.reason }, filed: [] };
}

/**
 * One transaction of filing, its steps in the order the mail flows through them: claim a
 * batch (claim-batch.ts), parse it (parse-batch.ts), take the property's lock and claim what
 * the batch answers (claim-answered.ts), plan (plan-batch.ts, plan/), write (write-batch.ts),
 * acknowledge (acknowledge-batch.ts), mark the emails filed.
 */
export async function fileBatch(
  db: Kysely<Database>,
  jobs: JobQueue,
  head: Head,
  limits: InboundLimits,
  batch: Batch,
  waitForOwn: boolean,
): Promise<Filing> {
  // The acknowledgements' send jobs are queued once the batch has committed.
  return transactionThenJobs(db, jobs, async (trx, jobs) => {
    // The raw messages are durable already, and a filing lost in a crash is redone from them
    // (reconcile), so this commit need not wait for the disk.
    await sql`SET LOCAL synchronous_commit = off`.execute(trx);
    const claim = await claimBatch(trx, head, batch, waitForOwn);
    if (claim.filedEarlier) return filedEarlier(claim.filedEarlier);
    if (claim.rows.length === 0) return { own: null, filed: [] };
    const parsed = await parseBatch(claim.rows, head.id, limits);
    const property = await getPropertyById(trx, head.property_id);
    // What planning derives from each email alone (its sender, reply tokens, whether it is
    // automatic, its search words) is worked out before the lock, too.
    for (const c of parsed) if (isMail(c)) derive(property, c);
    // One batch decides and writes a property's mail at a time: a batch decides from what is
    // filed, so a reply decided beside the batch that files what it answers (a customer's
    // follow-up to their own email, both waiting) would miss its thread and open a second
    // ticket. The lock is taken only now, after the claim and the parse (the rows are this
    // batch's already), so that the next batch parses while this one decides and writes; no
    // batch waits for a row while holding the lock, so batches cannot deadlock on it.
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`inbound/${head.property_id}`}, 0))`.execute(trx);
    // Batches may reach the lock in another order than they claimed: what a batch's emails
    // answer may still be waiting, in no batch or in one that has not decided yet.
    const { claimed, waitsFor } = await claimAnswered(trx, head.property_id, parsed, limits, batch.handoff);
    if (claimed.length === 0) return { own: null, filed: [], waitsFor: waitsFor.get(head.id) };
    const plan = await planBatch(trx, property, claimed);
    await writePlan(trx, jobs, head.property_id, plan);
    await acknowledgeBatch(trx, jobs, head.property_id, plan, plan.state);
    await markFiled(trx, plan.inbound);
    const mine = plan.filed.find((f) => f.id === head.id);
    return {
      own: mine ? { status: mine.status, filed: true, ticket: mine.ticket, note: mine.note } : null,
      filed: plan.filed,
      waitsFor: waitsFor.get(head.id),
    };
  });
}
