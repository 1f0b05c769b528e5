import { Worker as BullWorker } from 'bullmq';
import type { JobPayloads } from '../../core/jobs/job-catalog.ts';
import type { InboundBatchResult } from '../../core/mail/inbound/filing/filing-types.ts';
import type { FiledEmail } from '../../core/mail/inbound/filing/filing-types.ts';
import { createRedis } from '../../queue/redis-connection.ts';
import { inboundJobResult, type InboundJobResult } from '../../worker/processors/inbound-job-result.ts';
import type { FilingThreadData, FilingThreadReport, FilingThreadRequest } from './filing-thread.ts';
import type { Ingress } from './ingress.ts';
import { typeScriptThread } from './threads.ts';

/** Who runs the inbound-email jobs: a BullMQ worker in this thread, or worker threads of their own. */
export interface Filing {
  workers: number;
  /** In a thread (or threads) of its own. */
  threaded: boolean;
  /** Starts working the queue, `level` jobs at once per worker; reports each job's result (at: epoch ms). */
  start(level: number, job: (at: number, filed: FiledEmail[]) => void, failed: (error: unknown) => void): Promise<void>;
  /** Stops; resolves with each worker thread's event-loop busy share (none for this thread's). */
  stop(): Promise<number[]>;
  close(): Promise<void>;
}

export interface Shape {
  ingress: Ingress;
  filing: Filing;
}

export function shapeName({ filing }: Shape): string {
  return filing.threaded
    ? `ingress and ${filing.workers} worker${filing.workers === 1 ? '' : 's'} each in a thread`
    : 'ingress and worker in this thread';
}

export function inProcessFiling(
  redisUrl: string,
  prefix: string,
  file: (data: JobPayloads['inbound-email']) => Promise<InboundBatchResult>,
): Filing {
  let running: { worker: BullWorker; connection: ReturnType<typeof createRedis> } | null = null;
  return {
    workers: 1,
    threaded: false,
    async start(level, job, failed) {
      const connection = createRedis(redisUrl, 'worker');
      const worker = new BullWorker<JobPayloads['inbound-email'], InboundJobResult>(
        'mail-inbound',
        async (j) => {
          const result = await file(j.data);
          job(performance.timeOrigin + performance.now(), result.filed);
          // What the worker's processor returns (BullMQ keeps it).
          return inboundJobResult(result);
        },
        { connection, prefix, concurrency: level, autorun: false },
      );
      worker.on('failed', (_job, error) => failed(error));
      running = { worker, connection };
      void worker.run();
    },
    async stop() {
      await running!.worker.close();
      running!.connection.disconnect();
      running = null;
      return [];
    },
    async close() {},
  };
}

export function threadFiling(workers: number, data: FilingThreadData): Filing {
  let onJob: (at: number, filed: FiledEmail[]) => void = () => {};
  let onError: (error: unknown) => void = () => {};
  const threads = Array.from({ length: workers }, () => {
    const thread = typeScriptThread('./filing-thread.ts', data);
    let waiter: ((m: FilingThreadReport) => void) | null = null;
    thread.on('message', (m: FilingThreadReport) => {
      if (m.kind === 'jobs') for (const j of m.jobs) onJob(j.at, j.filed);
      else if (m.kind === 'error') onError(new Error(`filing thread: ${m.message}`));
      else waiter?.(m);
    });
    const ask = (request: FilingThreadRequest) =>
      new Promise<FilingThreadReport>((resolve) => {
        waiter = resolve;
        thread.postMessage(request);
      });
    return { thread, ask };
  });
  return {
    workers,
    threaded: true,
    async start(level, job, failed) {
      onJob = job;
      onError = failed;
      await Promise.all(threads.map((t) => t.ask({ kind: 'start', concurrency: level })));
    },
    async stop() {
      const reports = await Promise.all(threads.map((t) => t.ask({ kind: 'stop' })));
      return reports.map((r) => (r.kind === 'stopped' ? r.busy : Number.NaN));
    },
    async close() {
      await Promise.all(
        threads.map(({ thread }) => {
          thread.postMessage({ kind: 'close' } satisfies FilingThreadRequest);
          return new Promise((resolve) => thread.once('exit', resolve));
        }),
      );
    },
  };
}
