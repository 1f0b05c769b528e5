import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { ConfigError } from '../errors.ts';
import { assertClusterPrefix } from './redis-hash-tag.ts';
import { checkRedisUrl, isClusterUrl } from './redis-url.ts';

/** The project's root folder: `.data/` and `.env` live here by default, wherever the command runs. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Everything Switchboard reads from its environment, parsed and checked once at start-up. */
export interface Config {
  /** Postgres URL; null means the embedded default under `dataDir`. */
  databaseUrl: string | null;
  /** Redis URL (`redis-cluster://host:port,...` for a Redis Cluster, core/config/redis-url.ts); null means the embedded default under `dataDir`. */
  redisUrl: string | null;
  /** Where the embedded services keep their data and their state file. */
  dataDir: string;
  /** The property (slug or id) commands act on when none is given. */
  defaultProperty: string | null;
  logLevel: LogLevel;
  /** Prefix of every BullMQ key in Redis; on a cluster it holds a hash tag (`{switchboard}`). */
  queuePrefix: string;
  ingress: {
    host: string;
    port: number;
    /** Largest request body accepted (413 beyond). */
    maxBodyBytes: number;
  };
  worker: {
    /** Jobs run at once per queue in one worker process. */
    concurrency: number;
    /** How long a job's lock lasts without renewal: a dead worker's job is retried after it. */
    lockDurationMs: number;
    /** Fault injection for the crash tests: the process kills itself (SIGKILL) right after this job's work is committed. */
    killAfterJob: string | null;
    /** Where a worker-only process serves /metrics, /healthz and /readyz (0 picks a free port). */
    metricsHost: string;
    metricsPort: number;
    /** How long a process told to stop (SIGTERM, SIGINT) may drain before it exits anyway. */
    drainTimeoutMs: number;
  };
  /** Cron pattern of the trash purge. */
  purgeCron: string;
  /** How often stored work with no live job is queued again. */
  reconcileEveryMs: number;
  /** How old stored work must be before reconcile counts its job as lost (younger work may still be on its way). */
  reconcileGraceSeconds: number;
  mail: {
    /** Outbound SMTP server for properties without their own; null: the embedded sink. */
    smtpUrl: string | null;
    /** Where the embedded sink keeps sent mail as .eml files. */
    sinkDir: string;
    /** Outbound messages per minute per worker process (all properties). */
    ratePerMinute: number;
    /** The SMTP ingress: where it listens, and the largest message it takes (552 beyond). */
    ingressHost: string;
    ingressPort: number;
    maxMessageBytes: number;
    /** Attachments larger than this keep their metadata, not their content. */
    maxAttachmentBytes: number;
    /** How often properties' IMAP mailboxes are polled. */
    imapPollMs: number;
  };
}

type Env = Record<string, string | undefined>;

/** Reads `.env` (if present) under the real environment, which wins. */
export function readEnvironment(env: Env = process.env, envFile = path.join(projectRoot, '.env')): Env {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  return { ...fromFile, ...env };
}

/** Parses the environment into a Config; a bad value throws a ConfigError naming the variable. */
export function parseConfig(env: Env): Config {
  const redisUrl = redisUrlVariable(env, 'REDIS_URL');
  return {
    databaseUrl: optionalUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl,
    dataDir: path.resolve(projectRoot, nonEmpty(env, 'SWITCHBOARD_DATA_DIR') ?? '.data'),
    defaultProperty: nonEmpty(env, 'SWITCHBOARD_PROPERTY'),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    queuePrefix: queuePrefix(env, redisUrl !== null && isClusterUrl(redisUrl)),
    ingress: {
      host: nonEmpty(env, 'INGRESS_HOST') ?? '127.0.0.1',
      port: intVariable(env, 'INGRESS_PORT', 8080, 0, 65535),
      maxBodyBytes: intVariable(env, 'INGRESS_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    },
    worker: {
      concurrency: intVariable(env, 'WORKER_CONCURRENCY', 8, 1, 1000),
      lockDurationMs: intVariable(env, 'WORKER_LOCK_DURATION_MS', 30_000, 1000, 600_000),
      killAfterJob: nonEmpty(env, 'SWITCHBOARD_FAULT_KILL_AFTER'),
      metricsHost: nonEmpty(env, 'METRICS_HOST') ?? '127.0.0.1',
      metricsPort: intVariable(env, 'METRICS_PORT', 9464, 0, 65535),
      drainTimeoutMs: intVariable(env, 'DRAIN_TIMEOUT_MS', 25_000, 1000, 3_600_000),
    },
    reconcileEveryMs: intVariable(env, 'RECONCILE_EVERY_MS', 60_000, 1000, 3_600_000),
    reconcileGraceSeconds: intVariable(env, 'RECONCILE_GRACE_SECONDS', 30, 1, 86_400),
    mail: {
      smtpUrl: optionalUrl(env, 'SMTP_URL', ['smtp:', 'smtps:']),
      sinkDir: path.resolve(projectRoot, nonEmpty(env, 'SWITCHBOARD_DATA_DIR') ?? '.data', 'mail'),
      ratePerMinute: intVariable(env, 'MAIL_RATE_PER_MINUTE', 120, 1, 100_000),
      ingressHost: nonEmpty(env, 'SMTP_INGRESS_HOST') ?? '127.0.0.1',
      ingressPort: intVariable(env, 'SMTP_INGRESS_PORT', 2525, 0, 65535),
      maxMessageBytes: intVariable(env, 'MAIL_MAX_MESSAGE_BYTES', 40 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      maxAttachmentBytes: intVariable(env, 'MAIL_MAX_ATTACHMENT_BYTES', 30 * 1024 * 1024, 0, 1024 * 1024 * 1024),
      imapPollMs: intVariable(env, 'IMAP_POLL_MS', 30_000, 1000, 3_600_000),
    },
    purgeCron: pattern(env, 'PURGE_CRON', /^(\S+\s+){4,5}\S+$/, 'a cron pattern of 5 or 6 fields', '17 3 * * *'),
  };
}

function nonEmpty(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

function pattern(env: Env, name: string, re: RegExp, what: string, fallback: string): string {
  const value = nonEmpty(env, name);
  if (value === null) return fallback;
  if (!re.test(value)) throw new ConfigError(`${name} must be ${what}, got "${value}"`);
  return value;
}

function redisUrlVariable(env: Env, name: string): string | null {
  const value = nonEmpty(env, name);
  if (value !== null) checkRedisUrl(value, name);
  return value;
}

/**
 * SWITCHBOARD_QUEUE_PREFIX. On a Redis Cluster the default is `{switchboard}`, a hash tag (see
 * core/config/redis-hash-tag.ts); a prefix the operator chose without one is refused, never
 * rewritten, so that the keys in Redis are always the configured ones.
 */
function queuePrefix(env: Env, cluster: boolean): string {
  const name = 'SWITCHBOARD_QUEUE_PREFIX';
  const prefix = pattern(
    env,
    name,
    /^[A-Za-z0-9_{}-]{1,64}$/,
    'letters, digits, "_", "-" and {} (hash tags)',
    cluster ? '{switchboard}' : 'switchboard',
  );
  if (cluster) assertClusterPrefix(prefix, `${name} (REDIS_URL is a Redis Cluster):`);
  return prefix;
}

function optionalUrl(env: Env, name: string, protocols: string[]): string | null {
  const value = nonEmpty(env, name);
  if (value === null) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a URL: "${value}"`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${url.protocol}//"`);
  }
  return value;
}

/** Parses an integer variable within bounds. */
export function intVariable(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = nonEmpty(env, name);
  if (value === null) return fallback;
  if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const value = nonEmpty(env, name);
  if (value === null) return fallback;
  if (!(values as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${value}"`);
  }
  return value as T;
}
