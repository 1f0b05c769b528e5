// The SMTP ingress side of bench/mail's pipelined runs, in a thread of its own: production runs
// the ingress (`switchboard ingress`) and the workers (`switchboard worker`) as separate
// processes, each with its own event loop, database pool and Redis connection, and so does
// this. It stores the emails it is given through storeInboundEmail with `sessions` at once (as
// parallel SMTP sessions do) and posts the stored ids back in batches (bench/mail/batched-reports.ts).
import { performance as perfHooks } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { connectDatabase } from '../../core/db/connect.ts';
import { InboundGroupCommit } from '../../core/mail/inbound/store/inbound-group-commit.ts';
import { BullJobQueue } from '../../queue/bullmq-job-queue.ts';
import { createRedis } from '../../queue/redis-connection.ts';
import { batchedReports } from './batched-reports.ts';

/** What the thread is started with. */
export interface IngressThreadData {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  propertyId: string;
}

/** A batch of emails to store (sent before the clock starts), then `go`. */
export type IngressThreadRequest =
  { kind: 'emails'; emails: { raw: Uint8Array; from: string; to: string }[]; sessions: number } | { kind: 'go' } | { kind: 'close' };

/** The emails stored since the last report (index in the batch, row id, store start as epoch ms), then done. */
export type IngressThreadReport =
  | { kind: 'ready' }
  | { kind: 'stored'; emails: { index: number; id: string; startedAt: number }[] }
  /** With the share of the time this thread's event loop was busy. */
  | { kind: 'done'; busy: number }
  | { kind: 'error'; message: string };

const data = workerData as IngressThreadData;
const port = parentPort!;
const db = connectDatabase(data.databaseUrl, { max: 20 });
const redis = createRedis(data.redisUrl, 'producer');
const jobs = new BullJobQueue(redis, data.prefix);
// As the SMTP ingress stores: concurrent sessions' messages committed in groups.
const inbound = new InboundGroupCommit(db, jobs);
let pending: Extract<IngressThreadRequest, { kind: 'emails' }> | null = null;

port.on('message', (message: IngressThreadRequest) => {
  if (message.kind === 'emails') {
    pending = message;
    port.postMessage({ kind: 'ready' } satisfies IngressThreadReport);
  } else if (message.kind === 'go') {
    void storeAll().catch((error: unknown) => port.postMessage({ kind: 'error', message: String(error) } satisfies IngressThreadReport));
  } else {
    void Promise.all([jobs.close(), db.destroy()]).finally(() => {
      redis.disconnect();
      port.close();
    });
  }
});

const reports = batchedReports<Extract<IngressThreadReport, { kind: 'stored' }>['emails'][number]>((emails) =>
  port.postMessage({ kind: 'stored', emails } satisfies IngressThreadReport),
);

async function storeAll(): Promise<void> {
  const { emails, sessions } = pending!;
  const loop = perfHooks.eventLoopUtilization();
  let next = 0;
  await Promise.all(
    Array.from({ length: sessions }, async () => {
      while (next < emails.length) {
        const index = next++;
        const email = emails[index]!;
        const startedAt = performance.timeOrigin + performance.now();
        const raw = Buffer.from(email.raw.buffer, email.raw.byteOffset, email.raw.byteLength);
        const stored = await inbound.store(raw, { propertyId: data.propertyId, via: 'smtp', from: email.from, to: [email.to] });
        if (stored.duplicate) throw new Error('corpus message stored as a duplicate');
        reports.add({ index, id: stored.id, startedAt });
      }
    }),
  );
  // The last stores' report goes out first (its timer has not run yet).
  reports.flush();
  port.postMessage({ kind: 'done', busy: perfHooks.eventLoopUtilization(loop).utilization } satisfies IngressThreadReport);
}
