import { UnrecoverableError, type Job } from 'bullmq';
import { isPermanent } from '../core/errors.ts';
import type { JobName } from '../core/jobs/job-catalog.ts';
import type { Logger } from './logger.ts';
import { jobProcessors, type ProcessorDeps } from './processors/job-processors.ts';

/** Options of the job runner. */
export interface RunJobOptions {
  logger: Logger;
  /** Crash tests: SIGKILL this process right after a job of this name did its work. */
  killAfterJob: string | null;
}

/**
 * Runs one BullMQ job through its processor. Permanent failures (bad input, unknown ids,
 * wrong state, a refusal) become UnrecoverableError so BullMQ does not retry them; anything
 * else is rethrown and retried with backoff.
 */
export async function runJob(job: Job, deps: ProcessorDeps, options: RunJobOptions): Promise<unknown> {
  const processor = jobProcessors[job.name as JobName] as ((data: unknown, job: Job, deps: ProcessorDeps) => Promise<unknown>) | undefined;
  const log = options.logger.child({ job: job.id, name: job.name, queue: job.queueName, attempt: job.attemptsMade + 1, ...job.data });
  if (!processor) throw new UnrecoverableError(`no processor for job "${job.name}"`);
  const started = Date.now();
  try {
    const result = await processor(job.data, job, deps);
    log.info({ ms: Date.now() - started, result }, 'job done');
    if (options.killAfterJob === job.name) {
      log.warn('fault injection: killing this worker after the job committed');
      process.kill(process.pid, 'SIGKILL');
    }
    return result;
  } catch (error) {
    const permanent = isPermanent(error);
    log[permanent ? 'error' : 'warn']({ err: error, ms: Date.now() - started, permanent }, 'job failed');
    if (permanent) throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
    throw error;
  }
}
