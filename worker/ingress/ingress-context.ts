import type { Kysely } from 'kysely';
import type { Database } from '../../core/db/schema.ts';
import type { JobQueue } from '../../core/jobs/job-queue.ts';
import type { Logger } from '../logger.ts';
import type { SwitchboardMetrics } from '../metrics/metrics.ts';
import type { OpsEndpoints } from '../ops-endpoints.ts';

/** What the ingress routes work with: built once by startHttpIngress from its options. */
export interface IngressContext {
  db: Kysely<Database>;
  jobs: JobQueue;
  logger: Logger;
  /** Largest request body accepted; beyond it the answer is 413. */
  maxBodyBytes: number;
  /** The clock that signature timestamps are checked against. */
  now: () => Date;
  /** How long a request waits for its jobs to be enqueued before answering anyway. */
  enqueueTimeoutMs: number;
  /** Requests and events are counted only when given. */
  metrics?: SwitchboardMetrics;
  /** /metrics and /readyz are served only when given. */
  ops?: OpsEndpoints;
}
