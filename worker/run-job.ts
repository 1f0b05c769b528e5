import { UnrecoverableError, type Job } from 'bullmq';
import { isPermanent } from '../core/errors.ts';
import type { JobName } from '../core/jobs/job-catalog.ts';
import type { Logger } from './logger.ts';
import { recordJobDone, recordJobFailed } from './metrics/job-metrics.ts';
import type { SwitchboardMetrics } from './metrics/metrics.ts';
import { jobProcessors, type ProcessorDeps } from './processors/job-processors.ts';

/** Options of the job runner. */
export interface RunJobOptions {
  logger: Logger;
  /** Crash tests: SIGKILL this process right after a job of this name did its work. */
  killAfterJob: string | null;
  /** Counts every attempt (none when absent, e.g. a test's worker). */
  metrics?: SwitchboardMetrics;
}

// Payload fields that name what a job is about, under the keys every log line uses for them,
// so one grep for a conversation id finds its events, timers, conversion and delivery alike.
const payloadIds = ['propertyId', 'conversationId', 'ticketId', 'inboundEmailId', 'eventRowId', 'messageId', 'outboxId'] as const;

/** The log fields of a job: its id, queue, name and attempt, and the ids its payload names. */
export function jobLogFields(job: Job): Record<string, unknown> {
  const fields: Record<string, unknown> = { job: job.id, queue: job.queueName, jobName: job.name, attempt: job.attemptsMade + 1 };
  const data = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as Record<string, unknown>;
  for (const key of payloadIds) if (data[key] !== undefined) fields[key] = data[key];
  return fields;
}

/** Ids a job's result names (the ticket it made or filed into), for the "job done" line. */
function resultIds(result: unknown): Record<string, unknown> {
  if (typeof result !== 'object' || result === null || !('ticket' in result) || result.ticket === null) return {};
  return { ticket: result.ticket };
}

/**
 * Runs one BullMQ job through its processor. Permanent failures (bad input, unknown ids,
 * wrong state, a refusal) become UnrecoverableError so BullMQ does not retry them; anything
 * else is rethrown and retried with backoff.
 */
export async function runJob(job: Job, deps: ProcessorDeps, options: RunJobOptions): Promise<unknown> {
  const processor = jobProcessors[job.name as JobName] as ((data: unknown, job: Job, deps: ProcessorDeps) => Promise<unknown>) | undefined;
  const log = options.logger.child(jobLogFields(job));
  if (!processor) throw new UnrecoverableError(`no processor for job "${job.name}"`);
  const started = performance.now();
  try {
    const result = await processor(job.data, job, deps);
    const ms = performance.now() - started;
    if (options.metrics) recordJobDone(options.metrics, job, ms / 1000, result);
    log.info({ ms: Math.round(ms), ...resultIds(result), result }, 'job done');
    if (options.killAfterJob === job.name) {
      log.warn('fault injection: killing this worker after the job committed');
      process.kill(process.pid, 'SIGKILL');
    }
    return result;
  } catch (error) {
    const ms = performance.now() - started;
    if (options.metrics) recordJobFailed(options.metrics, job, ms / 1000, error);
    const permanent = isPermanent(error);
    log[permanent ? 'error' : 'warn']({ err: error, ms: Math.round(ms), permanent }, 'job failed');
    if (permanent) throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
    throw error;
  }
}
