// The bare BullMQ baseline: as many delayed no-op jobs with the same spread, in this process.
import { Queue, Worker } from 'bullmq';
import { createRedis } from '../../queue/redis-connection.ts';
import { count, leadMs, settleMs, log, dueAt, seconds } from './options.ts';
import { type Lateness, waitUntil } from './lateness.ts';

export async function benchBare(redisUrl: string, prefix: string): Promise<Lateness> {
  const producer = createRedis(redisUrl, 'producer');
  const consumer = createRedis(redisUrl, 'worker');
  const queue = new Queue('bare-timers', { connection: producer, prefix });
  const seen = new Map<string, number[]>();
  // The same concurrency as a product worker's queue (WORKER_CONCURRENCY's default).
  const worker = new Worker(
    'bare-timers',
    async (job) => {
      const lateness = Date.now() - (job.data as { due: number }).due;
      seen.set(job.id!, [...(seen.get(job.id!) ?? []), lateness]);
    },
    { connection: consumer, prefix, concurrency: 8 },
  );
  await worker.waitUntilReady();
  try {
    const t0 = Date.now() + leadMs;
    for (let done = 0; done < count; done += 1000) {
      const now = Date.now();
      await queue.addBulk(
        Array.from({ length: Math.min(1000, count - done) }, (_, k) => {
          const due = dueAt(t0, done + k);
          return {
            name: 'tick',
            data: { due },
            opts: { jobId: `bare-${done + k}`, delay: Math.max(0, due - now), removeOnComplete: { count: 1000 } },
          };
        }),
      );
    }
    log(`queued ${count} bare delayed jobs; first due in ${seconds(t0 - Date.now())}`);
    const lastDue = dueAt(t0, count - 1);
    await waitUntil(lastDue + settleMs, async () => Date.now() > lastDue + 2000 && seen.size >= count, 500);
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  }
  const samples = [...seen.values()].map((l) => l[0]!);
  return { samples, fired: samples.length, missed: count - samples.length, twice: [...seen.values()].filter((l) => l.length > 1).length };
}
