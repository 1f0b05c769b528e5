import { type Job, Queue } from 'bullmq';
import { log } from './options.ts';
import { figures } from './lateness.ts';

/**
 * How late the queued jobs are scheduled against their items' due times: BullMQ runs a delayed
 * job at its timestamp (when it was added) + its delay, so a delay computed from an earlier
 * `now` makes it late before it is even promoted. Read from a sample of the delayed jobs.
 */
export async function printQueueSkew(queue: Queue, dueOf: (job: Job) => number | null): Promise<void> {
  const total = await queue.getDelayedCount();
  const slices = Math.min(5, Math.ceil(total / 200));
  const skews: number[] = [];
  for (let s = 0; s < slices; s++) {
    const start = Math.floor((s * total) / slices);
    for (const job of await queue.getDelayed(start, start + 199)) {
      const due = job ? dueOf(job) : null;
      if (job && due !== null) skews.push(job.timestamp + (job.opts.delay ?? 0) - due);
    }
  }
  const f = figures(skews);
  log(
    `${queue.name}: scheduled run time − due time over ${skews.length} sampled delayed jobs: p50 ${Math.round(f.p50)} ms, p99 ${Math.round(f.p99)} ms, max ${Math.round(f.max)} ms, min ${Math.round(f.min)} ms`,
  );
}
