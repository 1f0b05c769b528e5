import type { Config } from '../core/config/config.ts';
import { ConfigError } from '../core/errors.ts';
import { connectDatabase } from '../core/db/connect.ts';
import { RawMailHandoff } from '../core/mail/inbound/store/raw-mail-handoff.ts';
import { defaultVerifyTimeoutMs } from '../core/mail/sender-auth.ts';
import { systemDnsResolver } from '../core/mail/sender-auth-dns.ts';
import { BullJobQueue } from '../queue/bullmq-job-queue.ts';
import { startHttpIngress } from './ingress/http-ingress.ts';
import { startSmtpIngress } from './ingress/smtp-ingress.ts';
import { MailTransports } from './mail-transports.ts';
import { startSmtpSink } from './smtp-sink.ts';
import { gracefulStop } from './graceful-stop.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics/metrics.ts';
import { registerAttentionAges } from './metrics/attention-ages.ts';
import { registerQueueDepth } from './metrics/queue-depth.ts';
import type { OpsEndpoints } from './ops-endpoints.ts';
import { startOpsServer } from './ops-server.ts';
import { checkReadiness } from './readiness.ts';
import { createRedis } from '../queue/redis-connection.ts';
import { assertNoEviction } from '../queue/redis-policy.ts';
import { startWorkers } from './start-workers.ts';
import type { Listening, ProcessRoles } from '../core/config/process-roles.ts';

/** A port another program holds, said with the variable that moves it. */
function portInUse(variable: string, host: string, port: number) {
  return (error: unknown): never => {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(`${variable} ${port} on ${host} is in use by another program: stop it, or choose another port with ${variable}`);
    }
    throw error;
  };
}

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
  const logger = createLogger(config.logLevel, roles.worker && roles.ingress ? 'switchboard' : roles.worker ? 'worker' : 'ingress', roles.logFile);
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
    if (!roles.ingress) {
      const { metricsHost: host, metricsPort: port } = config.worker;
      const server = await startOpsServer({ host, port, ops, logger }).catch((error: unknown) => {
        // Several workers on one host is a documented way to scale: the second one on the
        // default port still works its queues, only unobserved, and says so loudly.
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        logger.error({ port, host }, `METRICS_PORT ${port} is in use (another worker on this host?): this worker serves no /metrics, /healthz or /readyz; give each process its own METRICS_PORT, or 0 for a free one`);
        return null;
      });
      if (server) {
        // Probes keep answering while the workers drain: it closes after them.
        stops.push(() => server.close());
        logger.info({ port: server.port, host }, `metrics, healthz and readyz on http://${host}:${server.port}`);
      }
    }
    if (roles.worker) {
      let smtpUrl = config.mail.smtpUrl;
      if (!smtpUrl) {
        // No SMTP server configured: mail goes to .eml files under the data dir.
        const sink = await startSmtpSink(config.mail.sinkDir);
        smtpUrl = sink.url;
        stops.push(() => sink.close());
        logger.info({ dir: config.mail.sinkDir }, 'no SMTP_URL: outbound mail is kept as .eml files');
      }
      const transports = new MailTransports(smtpUrl);
      const workers = await startWorkers({
        mail: {
          transportFor: (property) => transports.forProperty(property),
          inboundLimits: { maxAttachmentBytes: config.mail.maxAttachmentBytes },
          rawMailHandoff,
          ratePerMinute: config.mail.ratePerMinute,
        },
        imap: { pollEveryMs: config.mail.imapPollMs, maxMessageBytes: config.mail.maxMessageBytes },
        db,
        jobs,
        redisUrl: urls.redisUrl,
        prefix: config.queuePrefix,
        logger,
        queues: roles.queues,
        concurrency: roles.concurrency ?? config.worker.concurrency,
        lockDurationMs: config.worker.lockDurationMs,
        purgeCron: config.purgeCron,
        reconcileEveryMs: config.reconcileEveryMs,
        reconcileGraceSeconds: config.reconcileGraceSeconds,
        killAfterJob: config.worker.killAfterJob,
        metrics,
      });
      // Workers stop first (their active jobs may still send mail), then the transports and sink.
      stops.unshift(() => workers.close());
    }
    if (roles.ingress) {
      const ingress = await startHttpIngress({ db, jobs, logger, metrics, ops, ...config.ingress }).catch(portInUse('INGRESS_PORT', config.ingress.host, config.ingress.port));
      listening.ingressPort = ingress.port;
      logger.info({ port: ingress.port, host: config.ingress.host }, `ingress listening on http://${config.ingress.host}:${ingress.port}`);
      stops.unshift(() => ingress.close());
      const senderVerifier = { resolver: systemDnsResolver(), timeoutMs: defaultVerifyTimeoutMs };
      const smtp = await startSmtpIngress({ db, jobs, logger, metrics, host: config.mail.ingressHost, port: config.mail.ingressPort, maxMessageBytes: config.mail.maxMessageBytes, rawMailHandoff, senderVerifier }).catch(
        portInUse('SMTP_INGRESS_PORT', config.mail.ingressHost, config.mail.ingressPort),
      );
      listening.smtpPort = smtp.port;
      logger.info({ port: smtp.port }, `SMTP ingress listening on ${config.mail.ingressHost}:${smtp.port}`);
      stops.unshift(() => smtp.close());
    }
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
