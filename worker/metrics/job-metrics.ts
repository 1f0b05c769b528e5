import { isPermanent, NotVisibleYetError } from '../../core/errors.ts';
import type { JobName } from '../../core/jobs/job-catalog.ts';
import { failedSendKind } from '../../core/mail/outbound/send-outbox-email.ts';
import { countJobOutcome } from './job-outcomes.ts';
import type { SwitchboardMetrics } from './metrics.ts';

/** The job as the metrics see it: BullMQ's queue name and job name. */
export interface MeasuredJob {
  queueName: string;
  name: string;
}

/** Why a job attempt failed, as the `reason` label says it. */
export function failureReason(error: unknown): 'permanent' | 'not_visible_yet' | 'transient' {
  if (isPermanent(error)) return 'permanent';
  if (error instanceof NotVisibleYetError) return 'not_visible_yet';
  return 'transient';
}

/** Records a job attempt that succeeded: its count, its duration and what it did. */
export function recordJobDone(metrics: SwitchboardMetrics, job: MeasuredJob, seconds: number, result: unknown): void {
  const labels = { queue: job.queueName, job: job.name };
  metrics.jobsCompleted.inc(labels);
  metrics.jobDuration.observe(labels, seconds);
  countJobOutcome(metrics, job.name as JobName, result);
}

/** Records a job attempt that threw; a failed send also counts against its email's kind. */
export function recordJobFailed(metrics: SwitchboardMetrics, job: MeasuredJob, seconds: number, error: unknown): void {
  const labels = { queue: job.queueName, job: job.name };
  const reason = failureReason(error);
  metrics.jobsFailed.inc({ ...labels, reason });
  metrics.jobDuration.observe(labels, seconds);
  // Only errors of a real attempt at sending carry a kind (not: the row is not visible yet).
  const kind = failedSendKind(error);
  if (kind) metrics.emailsSendFailed.inc({ kind, reason: reason === 'permanent' ? 'refused' : 'transient' });
}
