import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { JobName, JobPayloads } from './job-catalog.ts';
import type { AddOptions, JobQueue, JobRequest } from './job-queue.ts';

// A job queued inside a transaction can start before the transaction commits: its worker then
// finds no row, fails with "not visible (yet)" and waits out a retry's backoff (an inbound
// batch's acknowledgements went out seconds late, each after a warning). Queued through this
// instead (transactionThenJobs), jobs are held until the transaction has committed, and
// dropped if it rolled back. A process that dies in between leaves rows without
// jobs, which reconcile queues, as when Redis is down.

/** A JobQueue for one transaction: adds are held until `release`; removes and requeues go through at once. */
export class JobsAfterCommit implements JobQueue {
  private held: { request: JobRequest; options?: AddOptions }[] = [];

  constructor(private readonly jobs: JobQueue) {}

  async add<N extends JobName>(name: N, data: JobPayloads[N], options?: AddOptions): Promise<void> {
    this.held.push({ request: { name, data } as JobRequest, options });
  }

  async addBulk(requests: JobRequest[]): Promise<void> {
    for (const request of requests) this.held.push({ request });
  }

  remove(name: JobName, data: JobPayloads[JobName], options?: { idSuffix?: string }): Promise<void> {
    return this.jobs.remove(name, data, options);
  }

  requeue<N extends JobName>(name: N, data: JobPayloads[N], options?: AddOptions): Promise<void> {
    return this.jobs.requeue(name, data, options);
  }

  /** Queues what was held (after the commit). A failure is the caller's: the rows are stored, reconcile queues them. */
  async release(): Promise<void> {
    const held = this.held;
    this.held = [];
    const plain = held.filter((h) => !h.options).map((h) => h.request);
    await Promise.all([
      plain.length ? this.jobs.addBulk(plain) : Promise.resolve(),
      ...held.filter((h) => h.options).map((h) => this.jobs.add(h.request.name, h.request.data as never, h.options)),
    ]);
  }
}

/**
 * Runs `work` in a transaction, giving it a JobQueue whose adds are queued once the transaction
 * has committed. Queueing that fails then is left to reconcile: the rows are what matter.
 */
export async function transactionThenJobs<T>(
  db: Kysely<Database>,
  jobs: JobQueue,
  work: (trx: Transaction<Database>, jobs: JobQueue) => Promise<T>,
): Promise<T> {
  const held = new JobsAfterCommit(jobs);
  const result = await db.transaction().execute((trx) => work(trx, held));
  await held.release().catch(() => {});
  return result;
}
