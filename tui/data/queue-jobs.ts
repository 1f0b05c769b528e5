import type { Job, Queue } from 'bullmq';
import type { QueueName } from '../../core/jobs/job-catalog.ts';
import type { JobDetail, JobState, JobSummary } from '../state/queues-state.ts';
import { withTimeout } from '../../queue/with-timeout.ts';
import type { QueueAction } from '../state/dashboard-types.ts';

/** A queue's jobs and the actions on them, through BullMQ. */
export interface QueueJobs {
  /** The jobs of `state` from `start` to `end` (inclusive), newest first. */
  list(queue: QueueName, state: JobState, start: number, end: number): Promise<JobSummary[]>;
  job(queue: QueueName, id: string): Promise<JobDetail>;
  /** Runs the action; resolves with how many jobs a clean removed. */
  run(action: QueueAction): Promise<number | undefined>;
}

function summary(job: Job): JobSummary {
  return {
    id: job.id ?? '?',
    name: job.name,
    attemptsMade: job.attemptsMade,
    timestamp: job.timestamp,
    dueAt: job.delay > 0 ? job.timestamp + job.delay : null,
    failedReason: job.failedReason || null,
  };
}

/**
 * Job lists, details and actions over the dashboard's queue objects (`queueOf`). Reads are
 * bounded by `timeoutMs`; actions are not (a retry of every failed job may take a while), and
 * a job that is gone fails with a message instead of doing nothing.
 */
export function queueJobs(queueOf: (name: QueueName) => Queue, timeoutMs = 2000): QueueJobs {
  async function find(name: QueueName, id: string): Promise<Job> {
    const job = await queueOf(name).getJob(id);
    if (!job) throw new Error(`job ${id} of ${name} is gone`);
    return job;
  }
  return {
    list: (name, state, start, end) =>
      withTimeout(
        queueOf(name)
          .getJobs([state], start, end)
          .then((jobs) => jobs.filter((j): j is Job => Boolean(j)).map(summary)),
        timeoutMs,
        'Redis',
      ),
    job: (name, id) =>
      withTimeout(
        (async () => {
          const job = await find(name, id);
          return {
            ...summary(job),
            state: await job.getState(),
            data: job.data,
            attempts: job.opts.attempts ?? 1,
            processedOn: job.processedOn ?? null,
            finishedOn: job.finishedOn ?? null,
            stacktrace: job.stacktrace ?? [],
            returnValue: job.returnvalue,
          };
        })(),
        timeoutMs,
        'Redis',
      ),
    async run(action) {
      const queue = queueOf(action.queue);
      switch (action.kind) {
        case 'retryJob':
          return void (await (await find(action.queue, action.id)).retry('failed'));
        case 'removeJob':
          return void (await (await find(action.queue, action.id)).remove());
        case 'promoteJob':
          return void (await (await find(action.queue, action.id)).promote());
        case 'retryAll':
          return void (await queue.retryJobs({ state: 'failed' }));
        case 'pause':
          return void (await queue.pause());
        case 'resume':
          return void (await queue.resume());
        case 'cleanCompleted':
          return (await queue.clean(0, 1000, 'completed')).length;
        case 'cleanFailed':
          return (await queue.clean(0, 1000, 'failed')).length;
      }
    },
  };
}
