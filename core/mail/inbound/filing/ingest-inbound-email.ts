import type { Kysely } from 'kysely';
import type { Database, InboundEmail } from '../../../db/schema.ts';
import type { JobQueue } from '../../../jobs/job-queue.ts';
import { fileInboundBatch } from './file-inbound-emails.ts';

/** Limits of inbound processing. */
export interface InboundLimits {
  maxAttachmentBytes: number;
}

/** What became of an inbound email. */
export interface IngestOutcome {
  status: InboundEmail['status'];
  /** False when an earlier run had filed it already: this one changed nothing. */
  filed: boolean;
  ticket: number | null;
  note: string | null;
}

// The stranger policy: a reference or a valid reply token names a ticket, but the sender is
// not that ticket's contact (a forward, a colleague in Cc, someone who guessed nothing but
// got the mail). Their mail never joins the ticket silently: it becomes a new ticket of the
// sender's own, and both tickets get a system note naming the other. A reply token that does
// not verify is ignored as a clue and noted. See test/mail/mail-safety.test.ts.

/**
 * Parses, threads and files one stored inbound email, once: a bounce marks its outbound
 * email and address; anything else joins the ticket it replies to (reopening it) or starts a
 * new ticket of the sender's contact, with an acknowledgement unless the mail was automatic.
 * Mail that cannot be parsed or has no sender is quarantined with its reason. It is a batch
 * of one (core/mail/file-inbound-batch.ts; the inbound-email job files larger batches).
 */
export async function ingestInboundEmail(db: Kysely<Database>, jobs: JobQueue, inboundEmailId: string, limits: InboundLimits): Promise<IngestOutcome> {
  return (await fileInboundBatch(db, jobs, inboundEmailId, limits, { batchSize: 1 })).own;
}
