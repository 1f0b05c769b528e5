// A filing worker of bench/mail's pipelined runs, in a thread of its own: production runs the
// inbound-email jobs in `switchboard worker` processes, as many as the operator starts
// (docs/OPERATIONS.md deploys two), each with its own event loop, database pool and Redis
// connections, and so does this. It runs a BullMQ worker on the run's mail-inbound queue with
// fileInboundEmails, as the worker's processor does, and posts what the jobs filed in batches
// (bench/mail/batched-reports.ts).
import { performance as perfHooks } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { Worker as BullWorker } from 'bullmq';
import { connectDatabase } from '../../core/db/connect.ts';
import type { JobPayloads } from '../../core/jobs/job-catalog.ts';
import { fileInboundEmails } from '../../core/mail/inbound/filing/file-inbound-emails.ts';
import { type InboundBatchResult } from '../../core/mail/inbound/filing/filing-types.ts';
import type { InboundLimits } from '../../core/mail/inbound/filing/filing-types.ts';
import { BullJobQueue } from '../../queue/bullmq-job-queue.ts';
import { inboundJobResult, type InboundJobResult } from '../../worker/processors/inbound-job-result.ts';
import { createRedis } from '../../queue/redis-connection.ts';
import { batchedReports } from './batched-reports.ts';

/** What the thread is started with. */
export interface FilingThreadData {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  limits: InboundLimits;
  batchSize: number;
}

/** Start working the queue with `concurrency` jobs at once; stop (after the run); close. */
export type FilingThreadRequest = { kind: 'start'; concurrency: number } | { kind: 'stop' } | { kind: 'close' };

/** The jobs' results since the last report (at: epoch ms when each completed), then stopped with the event loop's busy share. */
export type FilingThreadReport =
  | { kind: 'started' }
  | { kind: 'jobs'; jobs: { at: number; filed: InboundBatchResult['filed'] }[] }
  | { kind: 'stopped'; busy: number }
  | { kind: 'error'; message: string };

const data = workerData as FilingThreadData;
const port = parentPort!;
const db = connectDatabase(data.databaseUrl, { max: 20 });
const producer = createRedis(data.redisUrl, 'producer');
const jobs = new BullJobQueue(producer, data.prefix);
const reports = batchedReports<Extract<FilingThreadReport, { kind: 'jobs' }>['jobs'][number]>((jobs) =>
  port.postMessage({ kind: 'jobs', jobs } satisfies FilingThreadReport),
);

let running: {
  worker: BullWorker;
  connection: ReturnType<typeof createRedis>;
  loop: ReturnType<typeof perfHooks.eventLoopUtilization>;
} | null = null;

port.on('message', (message: FilingThreadRequest) => {
  const fail = (error: unknown) => port.postMessage({ kind: 'error', message: String(error) } satisfies FilingThreadReport);
  if (message.kind === 'start') start(message.concurrency).catch(fail);
  else if (message.kind === 'stop') stop().catch(fail);
  else
    void Promise.all([jobs.close(), db.destroy()]).finally(() => {
      producer.disconnect();
      port.close();
    });
});

async function start(concurrency: number): Promise<void> {
  const connection = createRedis(data.redisUrl, 'worker');
  const worker = new BullWorker<JobPayloads['inbound-email'], InboundJobResult>(
    'mail-inbound',
    async (job) => {
      const result = await fileInboundEmails(db, jobs, [job.data.inboundEmailId, ...(job.data.alsoIds ?? [])], data.limits, {
        batchSize: data.batchSize,
      });
      reports.add({ at: performance.timeOrigin + performance.now(), filed: result.filed });
      // What the worker's processor returns (BullMQ keeps it).
      return inboundJobResult(result);
    },
    { connection, prefix: data.prefix, concurrency, autorun: false },
  );
  worker.on('failed', (_job, error) => port.postMessage({ kind: 'error', message: String(error) } satisfies FilingThreadReport));
  running = { worker, connection, loop: perfHooks.eventLoopUtilization() };
  void worker.run();
  port.postMessage({ kind: 'started' } satisfies FilingThreadReport);
}

async function stop(): Promise<void> {
  const { worker, connection, loop } = running!;
  running = null;
  const busy = perfHooks.eventLoopUtilization(loop).utilization;
  await worker.close();
  connection.disconnect();
  reports.flush();
  port.postMessage({ kind: 'stopped', busy } satisfies FilingThreadReport);
}
