import type { InboundStatus } from '../../core/db/schema.ts';
import type { InboundBatchResult, IngestOutcome } from '../../core/mail/inbound/filing/filing-types.ts';

// A job's return value is kept by BullMQ (in Redis, with the job), written in its "job done"
// log line, shown by the dashboard and counted by the metrics. An inbound-email job's batches
// file up to 400 emails each: listing every one made a 40 KB value, log line and Redis entry
// per batch. The job keeps its own email's outcome and how many it filed, by status.

/** What an inbound-email job returns. */
export interface InboundJobResult {
  /** The job's own email (filed false when another job's batch had filed it). */
  own: IngestOutcome;
  /** How many emails this job's batches filed, by status, its own included when it filed it. */
  filedByStatus: Partial<Record<InboundStatus, number>>;
}

/** The job's result from what fileInboundEmails did. */
export function inboundJobResult({ own, filed }: InboundBatchResult): InboundJobResult {
  const filedByStatus: InboundJobResult['filedByStatus'] = {};
  for (const email of filed) filedByStatus[email.status] = (filedByStatus[email.status] ?? 0) + 1;
  return { own, filedByStatus };
}
