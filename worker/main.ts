import type { Config } from '../core/config/config.ts';
import { connectDatabase } from '../core/db/connect.ts';
import { RawMailHandoff } from '../core/mail/inbound/store/raw-mail-handoff.ts';
import { BullJobQueue } from '../queue/bullmq-job-queue.ts';
import { gracefulStop } from './graceful-stop.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics/metrics.ts';
import { registerAttentionAges } from './metrics/attention-ages.ts';
import { registerQueueDepth } from './metrics/queue-depth.ts';
import type { OpsEndpoints } from './ops-endpoints.ts';
import { checkReadiness } from './readiness.ts';
import { createRedis } from '../queue/redis-connection.ts';
import { assertNoEviction } from '../queue/redis-policy.ts';
import { startIngressRole, startWorkerOpsServer, startWorkerRole, type RoleRuntime } from './role-services.ts';
import type { Listening, ProcessRoles } from '../core/config/process-roles.ts';

/**
 * The composition root of Switchboard's long-running processes: builds the database pool,
 * the Redis connections, the job queue, the logger and the metrics once, starts the ingress
 * and/or the workers on them, and shuts down gracefully on SIGTERM/SIGINT (the ingress stops
 * accepting, active jobs finish, then connections close; within DRAIN_TIMEOUT_MS, and a
 * second signal exits at once: worker/graceful-stop.ts). GET /metrics, /healthz and /readyz
 * are served on the ingress's port, or by a worker-only process on METRICS_HOST:METRICS_PORT.
 * Resolves when the process has shut down.
 */
export async function runProcesses(config: Config, urls: { databaseUrl: string; redisUrl: string }, roles: ProcessRoles): Promise<void> {
  const logger = createLogger(
    config.logLevel,
    roles.worker && roles.ingress ? 'switchboard' : roles.worker ? 'worker' : 'ingress',
    roles.logFile,
  );
  const db = connectDatabase(urls.databaseUrl, { max: 20 });
  const producer = createRedis(urls.redisUrl, 'producer');
  const jobs = new BullJobQueue(producer, config.queuePrefix);
  const metrics = createMetrics();
  registerQueueDepth(metrics.registry, (name) => jobs.queue(name));
  registerAttentionAges(metrics.registry, db);
  const ops: OpsEndpoints = { registry: metrics.registry, readiness: () => checkReadiness({ db, redis: producer }) };
  // One process that stores and files mail hands the stored bytes to its filing worker.
  const filesMail = roles.worker && (roles.queues?.includes('mail-inbound') ?? true);
  const rawMailHandoff = roles.ingress && filesMail ? new RawMailHandoff() : undefined;
  const stops: (() => Promise<void>)[] = [];
  const listening: Listening = {};
  try {
    await assertNoEviction(producer, logger);
    const rt: RoleRuntime = { config, urls, roles, db, jobs, logger, metrics, ops, rawMailHandoff, stops, listening };
    if (!roles.ingress) await startWorkerOpsServer(rt);
    if (roles.worker) await startWorkerRole(rt);
    if (roles.ingress) await startIngressRole(rt);
  } catch (error) {
    await Promise.allSettled(stops.map((stop) => stop()));
    await jobs.close().catch(() => {});
    producer.disconnect();
    await db.destroy();
    throw error;
  }
  const shutdown = gracefulStop(logger, config.worker.drainTimeoutMs);
  // Said only once a signal would be handled: a stop right after the banner still drains.
  roles.onRunning?.(listening);
  const until = roles.until?.(shutdown.signal).then(
    () => shutdown.request('dashboard closed'),
    (error: unknown) => {
      logger.error({ err: error }, 'the dashboard failed');
      shutdown.request('dashboard failed');
    },
  );
  await shutdown.requested;
  await until;
  for (const stop of stops) await stop();
  await jobs.close();
  await producer.quit().catch(() => producer.disconnect());
  await db.destroy();
  shutdown.done();
  logger.info('stopped');
}
