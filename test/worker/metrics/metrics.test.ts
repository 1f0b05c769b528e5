import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import { afterEach, expect, inject, it } from 'vitest';
import { signBody } from '../../../core/chats/event-signature.ts';
import type { Property, PropertyUpdate } from '../../../core/db/schema.ts';
import { queueNames } from '../../../core/jobs/job-catalog.ts';
import { updateProperty } from '../../../core/properties/property-store.ts';
import { BullJobQueue } from '../../../queue/bullmq-job-queue.ts';
import { startHttpIngress } from '../../../worker/ingress/http-ingress.ts';
import { startSmtpIngress } from '../../../worker/ingress/smtp-ingress.ts';
import { MailTransports } from '../../../worker/mail-transports.ts';
import { createMetrics } from '../../../worker/metrics/metrics.ts';
import { registerQueueDepth } from '../../../worker/metrics/queue-depth.ts';
import { checkReadiness } from '../../../worker/readiness.ts';
import { createRedis } from '../../../queue/redis-connection.ts';
import { startWorkers } from '../../../worker/start-workers.ts';
import { makeProperty } from '../../support/inbox-fixture.ts';
import { at, ended, eventId, message, silentLogger, started } from '../../support/pipeline-harness.ts';
import { parseSamples, sampleValue, type Sample } from '../../support/prometheus-text.ts';
import { startSmtpCapture, type SmtpCapture } from '../../support/smtp-capture.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import { waitFor } from '../../support/wait-for.ts';
import { noDnsVerifier } from '../../support/mail-auth.ts';
import { clearQueues } from '../../support/clear-queues.ts';

// A real ingress (HTTP and SMTP) and real workers on Postgres and Redis, sharing one metrics
// registry as `switchboard start` does; a small load, then /metrics is scraped like Prometheus
// would and each counter must have moved by exactly what the load did.

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

interface Observed {
  base: string;
  property: Property;
  smtp: SmtpCapture;
  jobs: BullJobQueue;
  post(body: unknown, secret?: string): Promise<Response>;
  mail(raw: string, to: string): Promise<unknown>;
  scrape(): Promise<Sample[]>;
}

async function startObserved(settings: PropertyUpdate = {}): Promise<Observed> {
  const t = await createTestDatabase();
  cleanups.push(() => t.drop());
  const prefix = `test-${randomBytes(5).toString('hex')}`;
  const redisUrl = inject('redisUrl');
  const producer = createRedis(redisUrl, 'producer');
  cleanups.push(async () => producer.disconnect());
  const jobs = new BullJobQueue(producer, prefix);
  cleanups.push(async () => {
    await clearQueues(jobs);
    await jobs.close();
  });
  const property = await updateProperty(t.db, (await makeProperty(t.db, 'shop')).id, {
    trigger_delay_seconds: 600,
    inbound_domain: 'in.shop.example',
    support_address: 'help@shop.example',
    name: 'Shop',
    ...settings,
  });
  const metrics = createMetrics();
  registerQueueDepth(metrics.registry, (name) => jobs.queue(name));
  const ops = { registry: metrics.registry, readiness: () => checkReadiness({ db: t.db, redis: producer }) };
  const ingress = await startHttpIngress({
    db: t.db,
    jobs,
    logger: silentLogger,
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 64 * 1024,
    metrics,
    ops,
  });
  cleanups.push(() => ingress.close());
  const smtpIn = await startSmtpIngress({
    db: t.db,
    jobs,
    logger: silentLogger,
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: 64 * 1024,
    metrics,
    senderVerifier: noDnsVerifier,
  });
  cleanups.push(() => smtpIn.close());
  const smtp = await startSmtpCapture();
  cleanups.push(() => smtp.close());
  const transports = new MailTransports(smtp.url);
  const workers = await startWorkers({
    mail: { transportFor: (p) => transports.forProperty(p), inboundLimits: { maxAttachmentBytes: 1024 * 1024 }, ratePerMinute: 6000 },
    db: t.db,
    jobs,
    redisUrl,
    prefix,
    logger: silentLogger,
    concurrency: 4,
    lockDurationMs: 5000,
    purgeCron: '0 0 1 1 *',
    reconcileEveryMs: 3_600_000,
    metrics,
  });
  cleanups.push(() => workers.close());
  const base = `http://127.0.0.1:${ingress.port}`;
  return {
    base,
    property,
    smtp,
    jobs,
    post(body, secret = property.signing_secret) {
      const raw = JSON.stringify(body);
      return fetch(`${base}/v1/events`, {
        method: 'POST',
        body: raw,
        headers: { 'Content-Type': 'application/json', 'X-Switchboard-Signature': signBody(secret, raw) },
      });
    },
    mail: (raw, to) =>
      nodemailer
        .createTransport({ host: '127.0.0.1', port: smtpIn.port, secure: false, ignoreTLS: true })
        .sendMail({ envelope: { from: 'stranger@example.com', to: [to] }, raw }),
    async scrape() {
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      return parseSamples(await res.text());
    },
  };
}

const offline = (email: string) => ({
  id: eventId(),
  type: 'offline.submitted',
  property: 'shop',
  at: at(),
  visitor: { name: 'Olga', email },
  message: { text: 'Call me back' },
});

const rawMail = (messageId: string) =>
  [
    `From: Stranger <stranger@example.com>`,
    `To: help@in.shop.example`,
    `Subject: Where is my order?`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    'Hello, any news?',
  ].join('\r\n');

it('counts chat events, requests, jobs, triggers, conversions and mail by exactly what a small load did', async () => {
  const o = await startObserved();
  // Chat A: missed, with a pre-chat email → one ticket and its acknowledgement; its trigger is cancelled by the end.
  const a = [
    started('chat-a', { prechat: { name: 'Rita', email: 'rita@example.com' } }),
    message('chat-a', 'visitor', 'Hello?'),
    ended('chat-a'),
  ];
  expect((await o.post({ events: a })).status).toBe(202);
  // Chat B: answered by an agent → its trigger is cancelled by the answer.
  expect((await o.post({ events: [started('chat-b'), message('chat-b', 'agent', 'Hi, how can I help?')] })).status).toBe(202);
  // A redelivery of chat A's start: a duplicate.
  expect((await o.post(a[0])).status).toBe(202);
  expect((await o.post(started('chat-c'), 'wrong secret')).status).toBe(401);
  expect((await o.post({ ...started('chat-d'), at: 'yesterday' })).status).toBe(400);
  expect((await fetch(`${o.base}/nowhere`)).status).toBe(404);
  // Mail: one stored (a new ticket and its acknowledgement), the same again (a duplicate), one for a domain nobody has.
  await o.mail(rawMail('<order-1@example.com>'), 'help@in.shop.example');
  await o.mail(rawMail('<order-1@example.com>'), 'help@in.shop.example');
  await expect(o.mail(rawMail('<order-2@example.com>'), 'someone@elsewhere.example')).rejects.toThrow(/550/);

  const done = await waitFor(
    async () => {
      const s = await o.scrape();
      const settled =
        sampleValue(s, 'switchboard_emails_sent_total', { kind: 'ticket_ack' }) === 2 &&
        sampleValue(s, 'switchboard_jobs_completed_total', { queue: 'chat-events', job: 'chat-event' }) === 5 &&
        sampleValue(s, 'switchboard_emails_filed_total', { status: 'threaded' }) === 1 &&
        // The counters move when a job returns, before BullMQ records it completed in Redis
        // (where the queue depths come from): wait for those records too.
        sampleValue(s, 'switchboard_queue_jobs', { queue: 'chat-events', state: 'completed' }) >= 5 &&
        sampleValue(s, 'switchboard_queue_jobs', { queue: 'conversions', state: 'completed' }) >= 1;
      return settled && s;
    },
    'the load to be processed',
    30_000,
    200,
  );
  const s = done;
  const v = (name: string, labels: Record<string, string> = {}) => sampleValue(s, name, labels);

  expect(v('switchboard_chat_events_received_total', { source: 'api', outcome: 'stored' })).toBe(5);
  expect(v('switchboard_chat_events_received_total', { source: 'api', outcome: 'duplicate' })).toBe(1);
  expect(v('switchboard_http_requests_total', { route: 'events', status: '202' })).toBe(3);
  expect(v('switchboard_http_requests_total', { route: 'events', status: '401' })).toBe(1);
  expect(v('switchboard_http_requests_total', { route: 'events', status: '400' })).toBe(1);
  expect(v('switchboard_http_requests_total', { route: 'unknown', status: '404' })).toBe(1);
  expect(v('switchboard_job_duration_seconds_count', { queue: 'chat-events', job: 'chat-event' })).toBe(5);
  expect(v('switchboard_triggers_cancelled_total')).toBe(2);
  expect(v('switchboard_triggers_fired_total')).toBe(0);
  expect(v('switchboard_tickets_converted_total')).toBe(1);
  expect(v('switchboard_jobs_completed_total', { queue: 'conversions', job: 'convert' })).toBe(1);
  expect(v('switchboard_jobs_completed_total', { queue: 'mail-outbound', job: 'send-email' })).toBe(2);
  expect(v('switchboard_jobs_completed_total', { queue: 'mail-inbound', job: 'inbound-email' })).toBe(1);
  expect(v('switchboard_emails_received_total', { via: 'smtp', outcome: 'stored' })).toBe(1);
  expect(v('switchboard_emails_received_total', { via: 'smtp', outcome: 'duplicate' })).toBe(1);
  expect(v('switchboard_emails_refused_total', { reason: 'unknown_domain' })).toBe(1);
  expect(v('switchboard_emails_filed_total', { status: 'threaded' })).toBe(1);
  // The job keeps its own email's outcome and counts, not a list of every email it filed.
  const [filing] = await o.jobs.queue('mail-inbound').getCompleted();
  // The reply came over SMTP from a domain with no DMARC record: threaded, and marked (sender-auth flag).
  expect(filing?.returnvalue).toEqual({
    own: { status: 'threaded', filed: true, ticket: expect.any(Number), note: 'sender not verified (DMARC none for example.com)' },
    filedByStatus: { threaded: 1 },
  });
  expect(s.filter((x) => x.name === 'switchboard_jobs_failed_total' && x.labels.reason === 'permanent')).toEqual([]);
  expect(s.filter((x) => x.name === 'switchboard_emails_send_failed_total')).toEqual([]);
  expect(o.smtp.messages).toHaveLength(2);

  // Queue depths come from Redis at scrape time: every queue and state is there.
  expect(v('switchboard_queue_jobs_scrape_ok')).toBe(1);
  expect(s.filter((x) => x.name === 'switchboard_queue_jobs')).toHaveLength(queueNames.length * 8);
  expect(v('switchboard_queue_jobs', { queue: 'chat-events', state: 'completed' })).toBe(5);
  expect(v('switchboard_queue_jobs', { queue: 'chat-events', state: 'waiting' })).toBe(0);
  expect(v('switchboard_queue_jobs', { queue: 'conversions', state: 'completed' })).toBe(1);
  // Both chats still have their inactivity check ahead (chat A's finds the chat ended); the triggers were removed.
  expect(v('switchboard_queue_jobs', { queue: 'chat-timers', state: 'delayed' })).toBe(2);
  // Node's process metrics, prefixed.
  expect(s.some((x) => x.name === 'switchboard_process_cpu_user_seconds_total')).toBe(true);
  expect(s.some((x) => x.name === 'switchboard_nodejs_eventloop_lag_seconds')).toBe(true);
});

it('counts a trigger that fired', async () => {
  const o = await startObserved({ trigger_delay_seconds: 1 });
  expect((await o.post(started('chat-t'))).status).toBe(202);
  await waitFor(async () => sampleValue(await o.scrape(), 'switchboard_triggers_fired_total') === 1, 'the trigger to fire', 15_000, 200);
  const s = await o.scrape();
  expect(sampleValue(s, 'switchboard_jobs_completed_total', { queue: 'chat-timers', job: 'recovery' })).toBe(1);
  expect(sampleValue(s, 'switchboard_triggers_cancelled_total')).toBe(0);
});

it('counts failed sends by kind and reason: refused (SMTP 5xx, not retried) and transient (retried)', async () => {
  const o = await startObserved();
  o.smtp.respondWith = 550;
  expect((await o.post(offline('olga@example.com'))).status).toBe(202);
  const refused = await waitFor(
    async () => {
      const s = await o.scrape();
      return sampleValue(s, 'switchboard_emails_send_failed_total', { kind: 'ticket_ack', reason: 'refused' }) === 1 && s;
    },
    'the refused send',
    20_000,
    200,
  );
  expect(sampleValue(refused, 'switchboard_jobs_failed_total', { queue: 'mail-outbound', job: 'send-email', reason: 'permanent' })).toBe(1);
  expect(sampleValue(refused, 'switchboard_emails_sent_total', { kind: 'ticket_ack' })).toBe(0);

  o.smtp.respondWith = 451;
  expect((await o.post(offline('otto@example.com'))).status).toBe(202);
  const transient = await waitFor(
    async () => {
      const s = await o.scrape();
      return sampleValue(s, 'switchboard_emails_send_failed_total', { kind: 'ticket_ack', reason: 'transient' }) >= 1 && s;
    },
    'the transient send failure',
    20_000,
    200,
  );
  expect(
    sampleValue(transient, 'switchboard_jobs_failed_total', { queue: 'mail-outbound', job: 'send-email', reason: 'transient' }),
  ).toBeGreaterThanOrEqual(1);
  expect(sampleValue(transient, 'switchboard_emails_send_failed_total', { kind: 'ticket_ack', reason: 'refused' })).toBe(1);
});

it('a scrape answers within about a second when Redis does not, without queue depths', async () => {
  // A server that accepts connections and never says a word: a Redis that hangs.
  const sockets: Socket[] = [];
  const silent = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => silent.close(resolve)));
  cleanups.push(async () => sockets.forEach((s) => s.destroy()));
  // A worker-style connection queues commands while it waits: nothing would ever come back.
  const hung = createRedis(`redis://127.0.0.1:${(silent.address() as { port: number }).port}`, 'worker');
  cleanups.push(async () => hung.disconnect());
  const jobs = new BullJobQueue(hung, 'test-hung');
  const metrics = createMetrics();
  registerQueueDepth(metrics.registry, (name) => jobs.queue(name), 500);
  metrics.jobsCompleted.inc({ queue: 'chat-events', job: 'chat-event' });

  const begun = performance.now();
  const s = parseSamples(await metrics.registry.metrics());
  expect(performance.now() - begun).toBeLessThan(1500);
  expect(sampleValue(s, 'switchboard_queue_jobs_scrape_ok')).toBe(0);
  expect(s.filter((x) => x.name === 'switchboard_queue_jobs')).toEqual([]);
  // Everything else is still there.
  expect(sampleValue(s, 'switchboard_jobs_completed_total', { queue: 'chat-events', job: 'chat-event' })).toBe(1);
});
