import type { Kysely } from 'kysely';
import type { Config } from '../core/config/config.ts';
import type { Listening, ProcessRoles } from '../core/config/process-roles.ts';
import type { Database } from '../core/db/schema.ts';
import { ConfigError } from '../core/errors.ts';
import type { RawMailHandoff } from '../core/mail/inbound/store/raw-mail-handoff.ts';
import { defaultVerifyTimeoutMs } from '../core/mail/sender-auth.ts';
import { systemDnsResolver } from '../core/mail/sender-auth-dns.ts';
import type { BullJobQueue } from '../queue/bullmq-job-queue.ts';
import { startHttpIngress } from './ingress/http-ingress.ts';
import { startSmtpIngress } from './ingress/smtp-ingress.ts';
import type { Logger } from './logger.ts';
import { MailTransports } from './mail-transports.ts';
import type { SwitchboardMetrics } from './metrics/metrics.ts';
import type { OpsEndpoints } from './ops-endpoints.ts';
import { startOpsServer } from './ops-server.ts';
import { startSmtpSink } from './smtp-sink.ts';
import { startWorkers } from './start-workers.ts';

// The services each process role starts (worker/main.ts composes them): what one starts is
// stopped by the functions it adds to `stops`, which run in order at shutdown.

/** What the roles' services are built on, and where they record how to stop and where they listen. */
export interface RoleRuntime {
  config: Config;
  urls: { databaseUrl: string; redisUrl: string };
  roles: ProcessRoles;
  db: Kysely<Database>;
  jobs: BullJobQueue;
  logger: Logger;
  metrics: SwitchboardMetrics;
  ops: OpsEndpoints;
  rawMailHandoff: RawMailHandoff | undefined;
  stops: (() => Promise<void>)[];
  listening: Listening;
}

/** A port another program holds, said with the variable that moves it. */
function portInUse(variable: string, host: string, port: number) {
  return (error: unknown): never => {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(
        `${variable} ${port} on ${host} is in use by another program: stop it, or choose another port with ${variable}`,
      );
    }
    throw error;
  };
}

/** A worker-only process serves /metrics, /healthz and /readyz on METRICS_HOST:METRICS_PORT. */
export async function startWorkerOpsServer(rt: RoleRuntime): Promise<void> {
  const { metricsHost: host, metricsPort: port } = rt.config.worker;
  const server = await startOpsServer({ host, port, ops: rt.ops, logger: rt.logger }).catch((error: unknown) => {
    // Several workers on one host is a documented way to scale: the second one on the
    // default port still works its queues, only unobserved, and says so loudly.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    rt.logger.error(
      { port, host },
      `METRICS_PORT ${port} is in use (another worker on this host?): this worker serves no /metrics, /healthz or /readyz; ` +
        'give each process its own METRICS_PORT, or 0 for a free one',
    );
    return null;
  });
  if (server) {
    // Probes keep answering while the workers drain: it closes after them.
    rt.stops.push(() => server.close());
    rt.logger.info({ port: server.port, host }, `metrics, healthz and readyz on http://${host}:${server.port}`);
  }
}

/** The workers, with the SMTP transports (or a sink of .eml files when no SMTP_URL is set). */
export async function startWorkerRole(rt: RoleRuntime): Promise<void> {
  const { config, urls, roles, db, jobs, logger, metrics, rawMailHandoff, stops } = rt;
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

/** The HTTP ingress (with the ops endpoints) and the SMTP ingress. */
export async function startIngressRole(rt: RoleRuntime): Promise<void> {
  const { config, db, jobs, logger, metrics, ops, rawMailHandoff, stops, listening } = rt;
  const ingress = await startHttpIngress({ db, jobs, logger, metrics, ops, ...config.ingress }).catch(
    portInUse('INGRESS_PORT', config.ingress.host, config.ingress.port),
  );
  listening.ingressPort = ingress.port;
  logger.info({ port: ingress.port, host: config.ingress.host }, `ingress listening on http://${config.ingress.host}:${ingress.port}`);
  stops.unshift(() => ingress.close());
  const senderVerifier = { resolver: systemDnsResolver(), timeoutMs: defaultVerifyTimeoutMs };
  const smtp = await startSmtpIngress({
    db,
    jobs,
    logger,
    metrics,
    host: config.mail.ingressHost,
    port: config.mail.ingressPort,
    maxMessageBytes: config.mail.maxMessageBytes,
    rawMailHandoff,
    senderVerifier,
  }).catch(portInUse('SMTP_INGRESS_PORT', config.mail.ingressHost, config.mail.ingressPort));
  listening.smtpPort = smtp.port;
  logger.info({ port: smtp.port }, `SMTP ingress listening on ${config.mail.ingressHost}:${smtp.port}`);
  stops.unshift(() => smtp.close());
}
