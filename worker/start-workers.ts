import { MetricsTime, Worker } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Database } from '../core/db/schema.ts';
import { queueNames, type QueueName } from '../core/jobs/job-catalog.ts';
import { jobOptions, type BullJobQueue } from '../queue/bullmq-job-queue.ts';
import type { ImapPollOptions } from './ingress/imap-poll.ts';
import { syncImapSchedules } from './ingress/imap-schedules.ts';
import type { Logger } from './logger.ts';
import type { SwitchboardMetrics } from './metrics/metrics.ts';
import type { ProcessorDeps } from './processors/job-processors.ts';
import { createRedis } from '../queue/redis-connection.ts';
import { runJob } from './run-job.ts';

/** What a worker process needs, built once by its composition root. */
export interface WorkerDeps {
  db: Kysely<Database>;
  jobs: BullJobQueue;
  mail: Pick<ProcessorDeps, 'transportFor' | 'inboundLimits' | 'rawMailHandoff'> & { ratePerMinute: number };
  redisUrl: string;
  prefix: string;
  logger: Logger;
  queues?: QueueName[];
  concurrency: number;
  lockDurationMs: number;
  purgeCron: string;
  /** How often stored work without a live job is queued again, and how old it must be to count as lost. */
  reconcileEveryMs: number;
  reconcileGraceSeconds?: number;
  killAfterJob?: string | null;
  /** IMAP polling: how often each property's mailbox is polled (default 30 s) and the poll's limits. */
  imap?: ImapPollOptions & { pollEveryMs?: number };
  /** The process's metrics; jobs are not counted without them. */
  metrics?: SwitchboardMetrics;
}

/** Running workers; `close` stops taking jobs and waits for the active ones to finish. */
export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

/**
 * Starts one BullMQ worker per queue (all of them unless `queues` narrows it) and makes sure
 * the trash purge's, reconcile's and the IMAP polls' schedules exist. Any number of processes
 * may do this against the same Redis and Postgres: BullMQ hands each job to one of them, and
 * the schedule is an upsert.
 */
export async function startWorkers(deps: WorkerDeps): Promise<RunningWorkers> {
  const queues = deps.queues ?? queueNames;
  for (const name of queues) {
    if (!queueNames.includes(name)) throw new Error(`unknown queue "${name}": use ${queueNames.join(', ')}`);
  }
  const maintenanceSync = queues.includes('maintenance') ? await keepMaintenanceSchedules(deps) : null;
  const imapSync = queues.includes('mail-inbound') ? await keepImapSchedules(deps) : null;
  const connections = queues.map(() => createRedis(deps.redisUrl, 'worker'));
  const processorDeps: ProcessorDeps = {
    db: deps.db,
    jobs: deps.jobs,
    transportFor: deps.mail.transportFor,
    inboundLimits: deps.mail.inboundLimits,
    rawMailHandoff: deps.mail.rawMailHandoff,
    imap: deps.imap,
    reconcileGraceSeconds: deps.reconcileGraceSeconds,
  };
  const workers = queues.map(
    (name, i) =>
      new Worker(
        name,
        (job) => runJob(job, processorDeps, { logger: deps.logger, killAfterJob: deps.killAfterJob ?? null, metrics: deps.metrics }),
        {
          connection: connections[i]!,
          prefix: deps.prefix,
          concurrency: deps.concurrency,
          lockDuration: deps.lockDurationMs,
          stalledInterval: deps.lockDurationMs,
          // A job may lose its worker (crash) a few times before it counts as failed.
          maxStalledCount: 3,
          // Per-minute completed/failed counts for a week: the dashboard's throughput sparkline.
          metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
          // Outbound mail is rate-limited (SMTP providers throttle; bursts look like spam).
          ...(name === 'mail-outbound' ? { limiter: { max: deps.mail.ratePerMinute, duration: 60_000 } } : {}),
        },
      ),
  );
  for (const worker of workers) {
    worker.on('error', (err) => deps.logger.warn({ err, queue: worker.name }, 'worker connection error'));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  deps.logger.info({ queues, concurrency: deps.concurrency }, 'workers started');
  return {
    workers,
    async close() {
      if (imapSync) clearInterval(imapSync);
      if (maintenanceSync) clearInterval(maintenanceSync);
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

/**
 * The trash purge's and reconcile's schedules, upserted at start and restored while running:
 * they live in Redis, and a Redis that lost its data (FLUSHALL, a new empty node) would
 * otherwise never reconcile again until a worker restarts.
 */
async function keepMaintenanceSchedules(deps: WorkerDeps): Promise<NodeJS.Timeout> {
  const maintenance = deps.jobs.queue('maintenance');
  const schedules = [
    { name: 'trash-purge' as const, repeat: { pattern: deps.purgeCron } },
    { name: 'reconcile' as const, repeat: { every: deps.reconcileEveryMs } },
  ];
  const upsert = async (onlyMissing: boolean) => {
    for (const { name, repeat } of schedules) {
      // Upserting an existing schedule replaces its next job (a cron one from "now", which
      // could skip a purge that is due): while running, only what is missing is restored.
      if (onlyMissing && (await maintenance.getJobScheduler(name))) continue;
      await maintenance.upsertJobScheduler(name, repeat, { name, data: {}, opts: jobOptions(name) });
    }
  };
  await upsert(false);
  const restore = () => {
    upsert(true).catch((err: unknown) => deps.logger.warn({ err }, 'maintenance schedule restore failed; retrying'));
  };
  const timer = setInterval(restore, Math.min(Math.max(deps.reconcileEveryMs, 5000), 60_000));
  timer.unref();
  return timer;
}

/**
 * One poll schedule per property with an imap_url, re-synced while running so that
 * `property set imap-url=...` takes effect (or stops polling) without a restart.
 */
async function keepImapSchedules(deps: WorkerDeps): Promise<NodeJS.Timeout> {
  const everyMs = deps.imap?.pollEveryMs ?? 30_000;
  const inbound = deps.jobs.queue('mail-inbound');
  const sync = () =>
    syncImapSchedules(deps.db, inbound, everyMs).then(
      (synced) => {
        if (synced.added || synced.removed) deps.logger.info({ ...synced, everyMs }, 'imap poll schedules synced');
      },
      (err: unknown) => deps.logger.warn({ err }, 'imap poll schedule sync failed; retrying'),
    );
  await sync();
  const timer = setInterval(() => void sync(), Math.min(Math.max(everyMs, 5000), 60_000));
  timer.unref();
  return timer;
}
