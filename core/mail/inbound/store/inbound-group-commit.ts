import type { Kysely } from 'kysely';
import { isDataError } from '../../../db/pg-errors.ts';
import type { Database } from '../../../db/schema.ts';
import type { JobQueue } from '../../../jobs/job-queue.ts';
import type { RawMailHandoff } from './raw-mail-handoff.ts';
import {
  insertInboundEmails,
  queueInboundJobs,
  type InboundArrival,
  type InboundEnvelope,
  type StoredInbound,
} from './store-inbound-email.ts';

// Each stored message cost an INSERT, a commit that waits for the disk, and a job add, each a
// round trip (and a system call, which on a virtual machine costs more than the work): under
// many SMTP sessions at once these, not parsing, bounded the inbound path (bench/mail). Group
// commit: while one write is in flight, the messages that arrive meanwhile wait and are then
// written together, in one statement, one commit and one bulk job add. A lone message is
// written at once; the busier the ingress, the larger the groups.

interface Waiting extends InboundArrival {
  resolve(stored: StoredInbound): void;
  reject(error: unknown): void;
}

/** A group's limits: so many messages, and raw bytes in one statement. */
const maxGroupMessages = 64;
const maxGroupBytes = 32 * 1024 * 1024;
/** How long the next group waits for this group's jobs to be queued. */
const maxQueueWaitMs = 50;

/** storeInboundEmail for concurrent callers, written in groups (see above). */
export class InboundGroupCommit {
  private readonly waiting: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly jobs: JobQueue,
    /** Where new rows' raw mail goes for this process's filing worker, when it runs one. */
    private readonly handoff?: RawMailHandoff,
  ) {}

  /** Resolves once the message is committed (or found stored already), as storeInboundEmail. */
  store(raw: Buffer, envelope: InboundEnvelope): Promise<StoredInbound> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ raw, envelope, resolve, reject });
      if (!this.writing) void this.writeAll();
    });
  }

  private async writeAll(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length) await this.write(this.takeGroup());
    } finally {
      this.writing = false;
    }
  }

  private takeGroup(): Waiting[] {
    let bytes = 0;
    let n = 0;
    while (n < this.waiting.length && n < maxGroupMessages) {
      bytes += this.waiting[n]!.raw.length;
      // A group holds at least one message, however large.
      if (n > 0 && bytes > maxGroupBytes) break;
      n++;
    }
    return this.waiting.splice(0, n);
  }

  private async write(group: Waiting[]): Promise<void> {
    try {
      const { stored, jobRequests } = await insertInboundEmails(this.db, group, this.handoff);
      // Each group's callers are answered once its jobs are queued. The next group waits for
      // that while Redis answers promptly (meanwhile it grows: fewer commits and jobs), but not
      // for a Redis that is down, which makes each add wait for it a while.
      const queued = queueInboundJobs(this.jobs, jobRequests).then(() => group.forEach((w, i) => w.resolve(stored[i]!)));
      await Promise.race([queued, new Promise((resolve) => setTimeout(resolve, maxQueueWaitMs).unref())]);
    } catch (error) {
      // Only an error about the data may be one message's; a database that is down or slow fails
      // the whole group at once rather than once per message, each after its own timeout.
      if (group.length === 1 || !isDataError(error)) {
        for (const w of group) w.reject(error);
        return;
      }
      // One message the database refuses must not refuse the others: each is tried alone.
      for (const w of group) await this.write([w]);
    }
  }
}
