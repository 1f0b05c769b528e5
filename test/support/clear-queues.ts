import { queueNames } from '../../core/jobs/job-catalog.ts';
import type { BullJobQueue } from '../../queue/bullmq-job-queue.ts';

/** Removes every queue of a test's prefix from the shared test Redis, jobs in any state included. */
export async function clearQueues(jobs: BullJobQueue): Promise<void> {
  await Promise.all(
    queueNames.map((q) =>
      jobs
        .queue(q)
        .obliterate({ force: true })
        .catch(() => {}),
    ),
  );
}
