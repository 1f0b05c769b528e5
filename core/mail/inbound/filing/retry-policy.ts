import type { Kysely } from 'kysely';
import type { Database, InboundEmail } from '../../../db/schema.ts';
import { NotVisibleYetError } from '../../../errors.ts';
import type { JobQueue } from '../../../jobs/job-queue.ts';
import { fileBatch, filedEarlier } from './file-batch.ts';
import type { Batch, Filing, Head, InboundBatchResult, InboundLimits } from './filing-types.ts';

// Every retry of filing, in one place. A job's emails are filed one head at a time (its own
// email first); each head gets two tries at a batch (first without waiting for a batch that
// holds it, then waiting); a batch that fails is tried again as a batch of one. What must wait
// for another batch makes the job fail with NotVisibleYetError, and BullMQ retries it.

/** What filing works with: the database, the queue for the jobs a batch adds, and what a batch may take. */
export interface FilingRun {
  db: Kysely<Database>;
  jobs: JobQueue;
  limits: InboundLimits;
  batch: Batch;
}

type StoredHead = Pick<InboundEmail, 'id' | 'property_id' | 'processed_at' | 'status' | 'reason'>;

/** Where the emails stand before filing: one statement for a job's emails. */
async function readHeads(db: Kysely<Database>, ids: string[]): Promise<Map<string, StoredHead>> {
  const rows = await db
    .selectFrom('inbound_emails')
    .select(['id', 'property_id', 'processed_at', 'status', 'reason'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Files `ids` (the job's own email first, then those stored in the same commit), each with
 * fileHead unless a batch filed it already. The result's `own` is the first email's.
 */
export async function fileEach(run: FilingRun, ids: [string, ...string[]]): Promise<InboundBatchResult> {
  // Under load most jobs find their emails filed by another job's batch: one statement tells.
  let heads = await readHeads(run.db, ids);
  // An email that must wait for another batch does not hold up those stored with it: the
  // others are filed, then the job is retried for it.
  let waits: NotVisibleYetError | null = null;
  const fileOne = async (id: string) => {
    try {
      return await fileHead(run, heads.get(id), id);
    } catch (error) {
      if (!(error instanceof NotVisibleYetError)) throw error;
      waits ??= error;
      return null;
    }
  };
  const waiting = (id: string) => heads.has(id) && !heads.get(id)!.processed_at;
  const first = await fileOne(ids[0]);
  const filed = [...(first?.filed ?? [])];
  const done = new Set([ids[0], ...filed.map((f) => f.id)]);
  // While a batch of this job ran, another job's batch may have filed the rest: read again.
  let stale = waiting(ids[0]);
  for (let rest = ids.filter((id) => !done.has(id) && waiting(id)); rest.length; stale = true) {
    if (stale) heads = await readHeads(run.db, rest);
    const next = rest.find(waiting);
    if (next === undefined) break;
    const result = await fileOne(next);
    done.add(next);
    for (const f of result?.filed ?? []) {
      filed.push(f);
      done.add(f.id);
    }
    rest = rest.filter((id) => !done.has(id));
  }
  if (waits) throw waits;
  return { own: first!.own, filed };
}

/** One email and the batch around it: first without waiting for a batch that holds it, then waiting. */
async function fileHead(run: FilingRun, head: StoredHead | undefined, inboundEmailId: string): Promise<InboundBatchResult> {
  if (!head) throw new NotVisibleYetError(`inbound email ${inboundEmailId} is not visible (yet)`);
  if (head.processed_at) {
    run.batch.handoff.forget([head.id]);
    return filedEarlier(head);
  }
  const first = await fileOnce(run, head, false);
  if (first.own) return { own: first.own, filed: first.filed };
  const second = first.waitsFor ? first : await fileOnce(run, head, true);
  if (second.waitsFor) {
    // Committed: what else the batch filed stays filed; the job is retried for this one.
    throw new NotVisibleYetError(
      `inbound email ${head.id} answers email ${second.waitsFor}, which another batch is filing now: it is filed after it`,
    );
  }
  return { own: second.own!, filed: [...first.filed, ...second.filed] };
}

/** One batch; when it fails, the head alone. */
async function fileOnce(run: FilingRun, head: Head, waitForOwn: boolean): Promise<Filing> {
  const { db, jobs, limits, batch } = run;
  let filing: Filing;
  try {
    filing = await fileBatch(db, jobs, head, limits, batch, waitForOwn);
  } catch (error) {
    if (batch.batchSize === 1) throw error;
    // One of the other emails may be what failed, or the batch met another transaction in a
    // deadlock: the job's own email is filed alone, a batch of one; the others
    // stay for their own jobs.
    filing = await fileBatch(db, jobs, head, limits, { ...batch, batchSize: 1 }, true);
  }
  // Committed: what it filed is not read again.
  batch.handoff.forget(filing.filed.map((f) => f.id));
  return filing;
}
