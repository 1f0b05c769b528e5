// The real chat pipeline for tests: HTTP ingress → Postgres → Redis (BullMQ) → workers →
// Postgres, on a fresh database and a queue prefix of its own.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import pino from 'pino';
import { signBody } from '../../core/chats/event-signature.ts';
import type { Property } from '../../core/db/schema.ts';
import { updateProperty } from '../../core/properties/property-store.ts';
import type { PropertyUpdate } from '../../core/db/schema.ts';
import { BullJobQueue } from '../../queue/bullmq-job-queue.ts';
import { startHttpIngress } from '../../worker/ingress/http-ingress.ts';
import { MailTransports } from '../../worker/mail-transports.ts';
import { startSmtpSink } from '../../worker/smtp-sink.ts';
import { createRedis } from '../../queue/redis-connection.ts';
import { startWorkers, type RunningWorkers } from '../../worker/start-workers.ts';
import type { RawMailHandoff } from '../../core/mail/inbound/store/raw-mail-handoff.ts';
import { makeProperty } from './inbox-fixture.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { clearQueues } from './clear-queues.ts';

export interface Pipeline {
  t: TestDatabase;
  property: Property;
  prefix: string;
  redisUrl: string;
  jobs: BullJobQueue;
  ingressUrl: string;
  /** Starts an in-process worker set; mail goes to `smtpUrl` (default: a sink under /tmp). Closed with the pipeline. */
  startWorker(options?: {
    purgeCron?: string;
    smtpUrl?: string;
    ratePerMinute?: number;
    rawMailHandoff?: RawMailHandoff;
  }): Promise<RunningWorkers>;
  /** POSTs events to /v1/events, signed with the property's secret. */
  post(events: unknown): Promise<Response>;
  close(): Promise<void>;
}

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Starts the ingress (and no worker yet) on a fresh database with one property. */
export async function startPipeline(settings: PropertyUpdate = {}): Promise<Pipeline> {
  const t = await createTestDatabase();
  const redisUrl = inject('redisUrl');
  const prefix = `test-${randomBytes(5).toString('hex')}`;
  const producer = createRedis(redisUrl, 'producer');
  const jobs = new BullJobQueue(producer, prefix);
  const created = await makeProperty(t.db, 'shop');
  const property = await updateProperty(t.db, created.id, { trigger_delay_seconds: 1, ...settings });
  const ingress = await startHttpIngress({ db: t.db, jobs, logger: silentLogger, host: '127.0.0.1', port: 0, maxBodyBytes: 256 * 1024 });
  const workers: RunningWorkers[] = [];
  const sink = await startSmtpSink(`/tmp/switchboard-test-mail/${prefix}`);
  return {
    t,
    property,
    prefix,
    redisUrl,
    jobs,
    ingressUrl: `http://127.0.0.1:${ingress.port}`,
    async startWorker(options = {}) {
      const mail = new MailTransports(options.smtpUrl ?? sink.url);
      const running = await startWorkers({
        mail: {
          transportFor: (property) => mail.forProperty(property),
          inboundLimits: { maxAttachmentBytes: 1024 * 1024 },
          ratePerMinute: options.ratePerMinute ?? 6000,
          rawMailHandoff: options.rawMailHandoff,
        },
        db: t.db,
        jobs,
        redisUrl,
        prefix,
        logger: silentLogger,
        concurrency: 4,
        lockDurationMs: 5000,
        purgeCron: options.purgeCron ?? '0 0 1 1 *',
        reconcileEveryMs: 3_600_000,
      });
      workers.push(running);
      return running;
    },
    async post(events) {
      const body = JSON.stringify(events);
      return fetch(`http://127.0.0.1:${ingress.port}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-switchboard-signature': signBody(property.signing_secret, body) },
        body,
      });
    },
    async close() {
      await ingress.close();
      await Promise.all(workers.map((w) => w.close()));
      await sink.close();
      await clearQueues(jobs);
      await jobs.close();
      producer.disconnect();
      await t.drop();
    },
  };
}

let sequence = 0;
/** A unique event id. */
export const eventId = () => `evt-${Date.now()}-${++sequence}`;
/** Now, as the ISO time events carry. */
export const at = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

/** Chat events of the property `shop`, as a chat server sends them. */
export const started = (chat: string, extra: Record<string, unknown> = {}) => ({
  id: eventId(),
  type: 'chat.started',
  property: 'shop',
  at: at(),
  chat: { id: chat },
  visitor: { id: `v-${chat}`, name: 'Anna Bianchi' },
  ...extra,
});
export const message = (chat: string, sender: 'visitor' | 'agent', text: string) => ({
  id: eventId(),
  type: 'chat.message',
  property: 'shop',
  at: at(),
  chat: { id: chat },
  message: { id: eventId(), sender, text, ...(sender === 'agent' ? { agent: { email: 'ann@shop.example', name: 'Ann' } } : {}) },
});
export const ended = (chat: string) => ({
  id: eventId(),
  type: 'chat.ended',
  property: 'shop',
  at: at(),
  chat: { id: chat },
  reason: 'visitor_left',
});
