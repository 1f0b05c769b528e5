import type { InboundEmail, InboundStatus } from '../../../db/schema.ts';
import type { BounceReport } from '../content/bounce.ts';
import type { ParsedEmail } from '../content/parse-email.ts';
import type { RawMailSource } from './raw-mail-source.ts';

// The types filing's steps hand each other, apart from the code of any step, so that no step
// imports another only for its types.

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

/** How a job files: emails per transaction, and the raw mail this process's ingress hands over (see RawMailHandoff). */
export interface FilingOptions {
  batchSize?: number;
  handoff?: RawMailSource;
}

/** What a run of the inbound-email job did. */
export interface InboundBatchResult {
  /** The job's own email (filed false when an earlier run or another job's batch had filed it). */
  own: IngestOutcome;
  /** Every email this run filed, the job's own included when it did, each once, by id. */
  filed: FiledEmail[];
}

/** A claimed email with what parsing found. */
export interface ClaimedEmail {
  row: Pick<InboundEmail, 'id' | 'message_id' | 'envelope_to' | 'sender_auth'>;
  mail: ParsedEmail | null;
  /** Why parseEmail rejected it, when it did. */
  parseFailure: string | null;
  bounce: BounceReport;
}

/** What became of one email of the batch. */
export interface FiledEmail {
  id: string;
  status: InboundStatus;
  ticket: number | null;
  note: string | null;
}

/** The email a job was queued for: the batch is of its property. */
export type Head = Pick<InboundEmail, 'id' | 'property_id'>;

/**
 * How one transaction of filing ran. waitsFor: the job's own email was left for later, as it answers this email, which another
 * batch holds.
 */
export interface Filing {
  own: IngestOutcome | null;
  filed: FiledEmail[];
  waitsFor?: string;
}

/** What a batch may take: so many emails, raw mail from `handoff` where it has it. */
export interface Batch {
  batchSize: number;
  handoff: RawMailSource;
}
