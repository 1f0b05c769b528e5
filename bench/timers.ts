// Timer lateness with many pending: 10,000 open tickets whose first-response targets breach
// within one minute (issue 14: `response-check` jobs on `response-timers`), and 10,000 chats
// whose recovery triggers are due within one minute (issue 16: `recovery` jobs on
// `chat-timers`), fired by a real `switchboard worker` process. Lateness is the stored row's
// time (the breach's system note, the trigger's message: created_at) minus the due time.
// Beside it, a bare BullMQ baseline on the same Redis: as many delayed no-op jobs with the same
// spread, whose in-process Worker records Date.now() − due. The tickets are at risk at 99% of
// their 10-minute target, 6 s before each breach: the response-timers queue runs an at-risk
// check and a breach check per ticket in the same minute (twice the baseline's jobs), as a
// property whose items arrive in a burst would. The worker's own log gives each check's time.
// Run with `npm run bench:timers` (options: --count N, --spread-seconds S, --skip-chats).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Job, Queue, Worker } from 'bullmq';
import { type Kysely, sql } from 'kysely';
import { scheduleChatTimers } from '../core/chats/chat-timers.ts';
import { parseConfig, readEnvironment } from '../core/config/config.ts';
import { upsertContacts } from '../core/contacts/contacts.ts';
import { createConversation } from '../core/conversations/conversation-store.ts';
import { connectDatabase } from '../core/db/connect.ts';
import { recreateDatabase } from './bench-database.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import type { Database } from '../core/db/schema.ts';
import { queueNames } from '../core/jobs/job-catalog.ts';
import { transactionThenJobs } from '../core/jobs/jobs-after-commit.ts';
import { appendMessage } from '../core/messages/append-message.ts';
import { parsePropertyChange } from '../core/properties/property-settings.ts';
import { createProperty, updateProperty } from '../core/properties/property-store.ts';
import { refreshResponseClocks } from '../core/responses/response-clock-store.ts';
import { changeBusinessHours, setResponseTargets } from '../core/responses/response-settings.ts';
import { noTargets, withTargets } from '../core/responses/response-targets.ts';
import { createTicket } from '../core/tickets/ticket-store.ts';
import { servicesUp } from '../services/embedded-services.ts';
import { spawnSwitchboard } from '../test/faults/support/switchboard-process.ts';
import { BullJobQueue } from '../queue/bullmq-job-queue.ts';
import { createRedis } from '../queue/redis-connection.ts';

const { values: args } = parseArgs({
  options: {
    'count': { type: 'string', default: '10000' },
    'spread-seconds': { type: 'string', default: '60' },
    'skip-chats': { type: 'boolean', default: false },
  },
});
const count = Number(args.count);
const spreadMs = Number(args['spread-seconds']) * 1000;
if (!Number.isInteger(count) || count < 1 || !(spreadMs > 0)) throw new Error('--count must be a whole number ≥ 1 and --spread-seconds > 0');

const benchDatabase = 'switchboard_bench_timers';
/** The first due time comes this long after seeding ends. */
const leadMs = 20_000;
/** After the last due time, how long to wait for stragglers before counting the rest missed (waiting ends when all have fired). */
const settleMs = 120_000;
const target = { p99Ms: 1000, maxMs: 2000 };
/** The first-response target of the tickets; at-risk at 99% of it, 6 s before each breach. */
const firstTarget = '10m';
const firstTargetMs = 10 * 60_000;
const atRiskShare = 0.99;
/** The chats' trigger delay, and an inactivity timeout that keeps their other timer out of the window. */
const triggerDelaySeconds = 600;
const inactivityTimeoutSeconds = 3600;
/** Items per transaction when seeding and when their clocks are computed (a mail filing batch holds up to 400). */
const batchSize = 400;

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 23)}] ${message}`);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** Due time of the i-th of `count` items, spread evenly over [t0, t0 + spread). */
const dueAt = (t0: number, i: number) => t0 + Math.floor((i * spreadMs) / count);

interface Lateness {
  /** Lateness in ms of each item that fired at least once. */
  samples: number[];
  fired: number;
  missed: number;
  twice: number;
}

interface Figures {
  p50: number;
  p99: number;
  max: number;
  min: number;
}

function figures(samples: number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN, min: sorted[0] ?? Number.NaN };
}

async function freshDatabase(serverUrl: string): Promise<string> {
  const url = await recreateDatabase(serverUrl, benchDatabase);
  const db = connectDatabase(url, { max: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return url;
}

/** Waits until `done` says so or `deadline` (epoch ms) passes, polling every `everyMs`. */
async function waitUntil(deadline: number, done: () => Promise<boolean>, everyMs = 1000): Promise<void> {
  while (Date.now() < deadline) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(everyMs, Math.max(0, deadline - Date.now()))));
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------
// Response-time breaches

async function benchBreaches(db: Kysely<Database>, jobs: BullJobQueue): Promise<{ lateness: Lateness; atRisk: Lateness }> {
  // The property as `property create` and `property set bench-timers business-hours=off` leave it.
  const created = await createProperty(db, { slug: 'bench-timers', name: 'Timer Bench', supportAddress: 'help@timers.example', inboundDomain: 'in.timers.example' });
  const property = (await changeBusinessHours(db, created.id, parsePropertyChange(['business-hours=off']).hours!)).property;

  // Tickets as filing a new email leaves them (core/mail/file-inbound-batch.ts): a contact, the
  // ticket, the visitor's message. Their clocks count from that message.
  let started = performance.now();
  const contacts = [...(await upsertContacts(db, property.id, Array.from({ length: Math.ceil(count / 10) }, (_, i) => ({ email: `visitor${i}@example.com`, name: `Visitor ${i}` })))).values()];
  const ticketIds: string[] = [];
  for (let done = 0; done < count; done += batchSize) {
    await db.transaction().execute(async (trx) => {
      for (let i = done; i < Math.min(count, done + batchSize); i++) {
        const contact = contacts[i % contacts.length]!;
        const ticket = await createTicket(trx, { propertyId: property.id, subject: `Order ${i} has not arrived`, contact });
        await appendMessage(trx, { propertyId: property.id, target: { ticketId: ticket.id }, sender: 'visitor', body: `Hello, my order ${i} has not arrived yet. Can you check?` });
        ticketIds.push(ticket.id);
      }
    });
  }
  log(`created ${count} open tickets in ${seconds(performance.now() - started)}`);

  // `targets set first=10m --at-risk 99%`: recomputes every open item (no jobs: reconcile asks for
  // their checks as they near). Their due times are 10 minutes away, out of reconcile's horizon.
  started = performance.now();
  const targets = { ...withTargets(noTargets, [`first=${firstTarget}`]), atRiskShare };
  const { recomputed } = await setResponseTargets(db, property.id, targets);
  const recomputeMs = performance.now() - started;
  log(`targets set (first=${firstTarget}, at risk at ${atRiskShare * 100}%): ${recomputed} open items recomputed in ${seconds(recomputeMs)}`);

  // Move each ticket's start so that its breach is due in [t0, t0 + spread), t0 about `leadMs`
  // after the clocks below are stored (their cost estimated from the recompute just done).
  const t0 = Date.now() + leadMs + Math.round(recomputeMs * 1.5) + 1000;
  const starts = ticketIds.map((_, i) => new Date(dueAt(t0, i) - firstTargetMs));
  await sql`
    WITH v(id, at) AS (SELECT * FROM unnest(${ticketIds}::bigint[], ${starts}::timestamptz[]))
    , t AS (UPDATE tickets t SET created_at = v.at, updated_at = v.at, status_changed_at = v.at, last_message_at = v.at FROM v WHERE t.id = v.id)
    UPDATE messages m SET created_at = v.at FROM v WHERE m.ticket_id = v.id`.execute(db);

  // The clock code path of a filed batch of mail: refreshResponseClocks in the batch's
  // transaction, its check jobs queued once it has committed.
  started = performance.now();
  for (let done = 0; done < count; done += batchSize) {
    const items = ticketIds.slice(done, done + batchSize).map((id) => ({ kind: 'ticket' as const, id }));
    await transactionThenJobs(db, jobs, (trx, held) => refreshResponseClocks(trx, held, items));
  }
  const seedEnd = Date.now();
  log(`clocks stored and checks queued in ${seconds(performance.now() - started)}; first breach due in ${seconds(t0 - seedEnd)}`);

  const due = new Map<string, number>();
  for (const r of await db.selectFrom('tickets').select(['id', 'first_due_at', 'at_risk_at']).where('property_id', '=', property.id).execute()) {
    if (r.first_due_at) due.set(r.id, r.first_due_at.getTime());
  }
  const off = ticketIds.filter((id, i) => due.get(id) !== dueAt(t0, i)).length;
  if (off) log(`WARNING: ${off} tickets store a due time other than the planned one`);
  const counts = await jobs.queue('response-timers').getJobCounts('delayed', 'waiting', 'active', 'completed');
  log(`response-timers queue: ${JSON.stringify(counts)} (a breach check and an at-risk check per ticket)`);
  await printQueueSkew(jobs.queue('response-timers'), (job) => Number(job.id!.slice(job.id!.lastIndexOf('-') + 1)));

  const lastDue = dueAt(t0, count - 1);
  const breaches = async () =>
    Number((await db.selectFrom('response_alerts').select((eb) => eb.fn.countAll<string>().as('n')).where('property_id', '=', property.id).where('kind', '=', 'breach').executeTakeFirstOrThrow()).n);
  await waitUntil(lastDue + settleMs, async () => Date.now() > lastDue + 2000 && (await breaches()) >= count);

  // Lateness from the breach's system note (the row the check stores with the alert).
  const notes = await db
    .selectFrom('messages')
    .select(['ticket_id', 'created_at'])
    .where('property_id', '=', property.id)
    .where('sender', '=', 'system')
    .where('body', 'like', 'The first response target%breached%')
    .execute();
  const lateness = tally(ticketIds, due, notes.map((n) => ({ id: n.ticket_id!, at: n.created_at.getTime() })));
  const alerts = await db.selectFrom('response_alerts').select(['ticket_id', 'due_at', 'fired_at']).where('property_id', '=', property.id).where('kind', '=', 'at_risk').execute();
  const riskDue = new Map(alerts.map((a) => [a.ticket_id!, a.due_at.getTime()]));
  for (const id of ticketIds) if (!riskDue.has(id)) riskDue.set(id, due.get(id)! - Math.round(firstTargetMs * (1 - atRiskShare)));
  const atRisk = tally(ticketIds, riskDue, alerts.map((a) => ({ id: a.ticket_id!, at: a.fired_at.getTime() })));
  return { lateness, atRisk };
}

/** Lateness of each item's first record against its due time; items without one are missed. */
function tally(ids: string[], due: Map<string, number>, records: { id: string; at: number }[]): Lateness {
  const byItem = new Map<string, number[]>();
  for (const r of records) byItem.set(r.id, [...(byItem.get(r.id) ?? []), r.at]);
  const samples: number[] = [];
  let twice = 0;
  for (const id of ids) {
    const ats = byItem.get(id);
    if (!ats) continue;
    if (ats.length > 1) twice++;
    samples.push(Math.min(...ats) - due.get(id)!);
  }
  return { samples, fired: samples.length, missed: ids.length - samples.length, twice };
}

// ---------------------------------------------------------------------------------------------
// Chat recovery triggers

async function benchTriggers(db: Kysely<Database>, jobs: BullJobQueue): Promise<Lateness> {
  // `property create bench-chats`, `property set bench-chats trigger-delay=600 inactivity-timeout=3600`; no targets.
  const created = await createProperty(db, { slug: 'bench-chats', name: 'Chat Bench' });
  const property = await updateProperty(db, created.id, parsePropertyChange([`trigger-delay=${triggerDelaySeconds}`, `inactivity-timeout=${inactivityTimeoutSeconds}`, 'trigger-enabled=true']).update);

  // Chats as a `chat_started` event with the visitor's first words leaves them (core/chats/apply-chat-event.ts).
  let started = performance.now();
  const ids: string[] = [];
  for (let done = 0; done < count; done += batchSize) {
    await db.transaction().execute(async (trx) => {
      for (let i = done; i < Math.min(count, done + batchSize); i++) {
        const chat = await createConversation(trx, { propertyId: property.id, kind: 'chat', externalId: `bench-chat-${i}`, visitor: { id: `v${i}`, name: `Visitor ${i}` } });
        await appendMessage(trx, { propertyId: property.id, target: { conversationId: chat.id }, sender: 'visitor', body: `Hi, is anyone there? (${i})`, externalId: `bench-chat-${i}/m1` });
        ids.push(chat.id);
      }
    });
  }
  const createMs = performance.now() - started;
  log(`created ${count} live chats in ${seconds(createMs)}`);

  // Each chat started `delay` before its trigger is due in [t0, t0 + spread).
  const t0 = Date.now() + leadMs + Math.round(createMs * 0.5) + 1000;
  const starts = ids.map((_, i) => new Date(dueAt(t0, i) - triggerDelaySeconds * 1000));
  await sql`
    WITH v(id, at) AS (SELECT * FROM unnest(${ids}::bigint[], ${starts}::timestamptz[]))
    , c AS (UPDATE conversations c SET created_at = v.at, updated_at = v.at, status_changed_at = v.at, last_message_at = v.at FROM v WHERE c.id = v.id)
    UPDATE messages m SET created_at = v.at FROM v WHERE m.conversation_id = v.id`.execute(db);

  // Their timers as applying the chat's start schedules them: in the event's transaction,
  // queued once it has committed.
  started = performance.now();
  for (let done = 0; done < count; done += batchSize) {
    const batch = ids.slice(done, done + batchSize);
    await transactionThenJobs(db, jobs, async (trx, held) => {
      const rows = await trx.selectFrom('conversations').selectAll().where('id', 'in', batch).forUpdate().execute();
      for (const c of rows) await scheduleChatTimers(held, property, c);
    });
  }
  const seedEnd = Date.now();
  log(`triggers queued in ${seconds(performance.now() - started)}; first due in ${seconds(t0 - seedEnd)}`);
  const counts = await jobs.queue('chat-timers').getJobCounts('delayed', 'waiting', 'active', 'completed');
  log(`chat-timers queue: ${JSON.stringify(counts)} (a recovery trigger and an inactivity check per chat)`);

  const due = new Map(ids.map((id, i) => [id, dueAt(t0, i)]));
  await printQueueSkew(jobs.queue('chat-timers'), (job) => (job.name === 'recovery' ? (due.get((job.data as { conversationId: string }).conversationId) ?? null) : null));
  const lastDue = dueAt(t0, count - 1);
  const fired = async () =>
    Number((await db.selectFrom('conversations').select((eb) => eb.fn.countAll<string>().as('n')).where('property_id', '=', property.id).where('trigger_fired_at', 'is not', null).executeTakeFirstOrThrow()).n);
  await waitUntil(lastDue + settleMs, async () => Date.now() > lastDue + 2000 && (await fired()) >= count);

  const messages = await db.selectFrom('messages').select(['conversation_id', 'created_at']).where('property_id', '=', property.id).where('sender', '=', 'trigger').execute();
  return tally(ids, due, messages.map((m) => ({ id: m.conversation_id!, at: m.created_at.getTime() })));
}

/**
 * How late the queued jobs are scheduled against their items' due times: BullMQ runs a delayed
 * job at its timestamp (when it was added) + its delay, so a delay computed from an earlier
 * `now` makes it late before it is even promoted. Read from a sample of the delayed jobs.
 */
async function printQueueSkew(queue: Queue, dueOf: (job: Job) => number | null): Promise<void> {
  const total = await queue.getDelayedCount();
  const slices = Math.min(5, Math.ceil(total / 200));
  const skews: number[] = [];
  for (let s = 0; s < slices; s++) {
    const start = Math.floor((s * total) / slices);
    for (const job of await queue.getDelayed(start, start + 199)) {
      const due = job ? dueOf(job) : null;
      if (job && due !== null) skews.push(job.timestamp + (job.opts.delay ?? 0) - due);
    }
  }
  const f = figures(skews);
  log(`${queue.name}: scheduled run time − due time over ${skews.length} sampled delayed jobs: p50 ${Math.round(f.p50)} ms, p99 ${Math.round(f.p99)} ms, max ${Math.round(f.max)} ms, min ${Math.round(f.min)} ms`);
}

// ---------------------------------------------------------------------------------------------
// Bare BullMQ baseline

async function benchBare(redisUrl: string, prefix: string): Promise<Lateness> {
  const producer = createRedis(redisUrl, 'producer');
  const consumer = createRedis(redisUrl, 'worker');
  const queue = new Queue('bare-timers', { connection: producer, prefix });
  const seen = new Map<string, number[]>();
  // The same concurrency as a product worker's queue (WORKER_CONCURRENCY's default).
  const worker = new Worker(
    'bare-timers',
    async (job) => {
      const lateness = Date.now() - (job.data as { due: number }).due;
      seen.set(job.id!, [...(seen.get(job.id!) ?? []), lateness]);
    },
    { connection: consumer, prefix, concurrency: 8 },
  );
  await worker.waitUntilReady();
  try {
    const t0 = Date.now() + leadMs;
    for (let done = 0; done < count; done += 1000) {
      const now = Date.now();
      await queue.addBulk(
        Array.from({ length: Math.min(1000, count - done) }, (_, k) => {
          const due = dueAt(t0, done + k);
          return { name: 'tick', data: { due }, opts: { jobId: `bare-${done + k}`, delay: Math.max(0, due - now), removeOnComplete: { count: 1000 } } };
        }),
      );
    }
    log(`queued ${count} bare delayed jobs; first due in ${seconds(t0 - Date.now())}`);
    const lastDue = dueAt(t0, count - 1);
    await waitUntil(lastDue + settleMs, async () => Date.now() > lastDue + 2000 && seen.size >= count, 500);
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  }
  const samples = [...seen.values()].map((l) => l[0]!);
  return { samples, fired: samples.length, missed: count - samples.length, twice: [...seen.values()].filter((l) => l.length > 1).length };
}

// ---------------------------------------------------------------------------------------------

/** The product worker's own account of its jobs of `jobName` (its log's "job done" lines): time each and throughput. */
function printJobTimes(logFile: string, pid: number, jobName: string): void {
  const rows = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`"pid":${pid},`) && line.includes(`"jobName":"${jobName}"`) && line.includes('"job done"'))
    .map((line) => JSON.parse(line) as { time: number; ms: number });
  if (!rows.length) return;
  const f = figures(rows.map((r) => r.ms));
  const times = rows.map((r) => r.time - r.ms);
  const span = (Math.max(...rows.map((r) => r.time)) - Math.min(...times)) / 1000;
  console.log(`  worker: ${rows.length} ${jobName} jobs, each p50 ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} ms; ${(rows.length / span).toFixed(0)} jobs/s from the first start to the last end (${span.toFixed(1)} s)`);
}

function printRow(name: string, l: Lateness, base?: Figures): Figures {
  const f = figures(l.samples);
  const ms = (v: number) => (Number.isNaN(v) ? '—' : String(Math.round(v))).padStart(7);
  const ratio = (v: number, b: number) => (base && b > 0 ? `${(v / b).toFixed(1)}×` : '').padStart(7);
  console.log(
    `  ${name.padEnd(34)} ${ms(f.p50)} ${ms(f.p99)} ${ms(f.max)} ${ms(f.min)}  ${String(l.fired).padStart(6)} ${String(l.missed).padStart(6)} ${String(l.twice).padStart(6)}` +
      (base ? `  ${ratio(f.p50, base.p50)} ${ratio(f.p99, base.p99)} ${ratio(f.max, base.max)}` : ''),
  );
  return f;
}

function verdict(name: string, l: Lateness): boolean {
  const f = figures(l.samples);
  const pass = l.missed === 0 && l.twice === 0 && f.p99 <= target.p99Ms && f.max <= target.maxMs;
  console.log(`  ${name}: ${pass ? 'PASS' : 'FAIL'} (p99 ${Math.round(f.p99)} ms ≤ ${target.p99Ms}, max ${Math.round(f.max)} ms ≤ ${target.maxMs}, none missed, none twice)`);
  return pass;
}

async function main(): Promise<void> {
  const loadAtStart = load();
  log(`bench:timers — ${count} timers per kind due over ${spreadMs / 1000} s, ${leadMs / 1000} s after seeding; ${cpus().length} CPUs; loadavg at start ${loadAtStart}`);
  // The bench is a composition root: it alone reads the environment.
  const config = parseConfig(readEnvironment());
  const services = config.databaseUrl && config.redisUrl ? null : await servicesUp({ dataDir: config.dataDir, log: (m) => log(`[services] ${m}`) });
  const serverUrl = config.databaseUrl ?? services!.databaseUrl;
  const redisUrl = config.redisUrl ?? services!.redisUrl;
  const url = await freshDatabase(serverUrl);
  const prefix = `bench-timers-${randomBytes(4).toString('hex')}`;

  const db = connectDatabase(url, { max: 10 });
  const producer = createRedis(redisUrl, 'producer');
  const jobs = new BullJobQueue(producer, prefix);
  // A real worker process on every queue, as `switchboard worker` runs in production (default
  // concurrency, reconcile every minute).
  mkdirSync(config.dataDir, { recursive: true });
  const logFile = join(config.dataDir, 'bench-timers-worker.log');
  const worker = spawnSwitchboard('worker', ['worker'], { DATABASE_URL: url, REDIS_URL: redisUrl, SWITCHBOARD_QUEUE_PREFIX: prefix, METRICS_PORT: '0', LOG_LEVEL: 'info' }, logFile, 'workers started');
  let ok = true;
  try {
    await worker.ready;
    log(`worker process ${worker.child.pid} started (log ${logFile}); database ${benchDatabase}, queue prefix ${prefix}`);

    const breaches = await benchBreaches(db, jobs);
    const triggers = args['skip-chats'] ? null : await benchTriggers(db, jobs);
    const bare = await benchBare(redisUrl, `${prefix}-bare`);

    console.log(`\nlateness in ms (record's created_at − due time), ${count} timers due over ${spreadMs / 1000} s; loadavg at start ${loadAtStart}, at end ${load()}`);
    console.log(`  ${''.padEnd(34)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)} ${'min'.padStart(7)}  ${'fired'.padStart(6)} ${'missed'.padStart(6)} ${'twice'.padStart(6)}  ${'×p50'.padStart(7)} ${'×p99'.padStart(7)} ${'×max'.padStart(7)}`);
    const base = printRow('bare BullMQ (no-op, in-process)', bare);
    printRow('breach notes (response-timers)', breaches.lateness, base);
    printRow('  at-risk alerts, same queue', breaches.atRisk, base);
    if (triggers) printRow('recovery triggers (chat-timers)', triggers, base);
    console.log(`target: p99 ≤ ${target.p99Ms} ms, max ≤ ${target.maxMs} ms`);
    printJobTimes(logFile, worker.child.pid!, 'response-check');
    if (triggers) printJobTimes(logFile, worker.child.pid!, 'recovery');
    ok = verdict('response breaches', breaches.lateness) && ok;
    if (triggers) ok = verdict('recovery triggers', triggers) && ok;
    else console.log('  recovery triggers: skipped (--skip-chats)');
  } finally {
    await worker.kill('SIGTERM');
    for (const name of queueNames) await jobs.queue(name).obliterate({ force: true }).catch(() => {});
    await jobs.close();
    producer.disconnect();
    await db.destroy();
  }
  if (!ok) process.exitCode = 1;
}

await main();
