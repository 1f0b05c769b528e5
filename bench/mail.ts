// Inbound mail throughput: raw emails stored, parsed, threaded and filed onto tickets through
// the real functions on real Postgres and BullMQ, beside bare mailparser `simpleParser` on the
// same raw messages in the same run; then the peak memory of one email with a large attachment.
// The path as production runs it: the SMTP ingress's group commit (InboundGroupCommit) stores
// from several sessions at once and queues the inbound-email jobs on BullMQ, while a BullMQ
// worker runs them with the same concurrency (fileInboundEmails, which files in batches with
// other waiting emails); emails/s = emails / (first store → last filed). One by one (store,
// then ingestInboundEmail, a batch of one), sequentially, is kept for comparison.
// Run with `npm run bench:mail` (options: --count N (default 6,000: with fewer, filling and
// draining the pipeline is most of a run), --attachment-mb N, --concurrency N[,N] (store
// sessions and jobs at once in the pipelined runs, e.g. 4,8, default the worker's
// WORKER_CONCURRENCY (8); 0 skips them), --batch N (emails per filing transaction, default the
// job's), --profile N (emails in the statement-timing pass, 0 skips it), --one-by-one N (emails
// in the one-by-one run, default 500), --ingress process,thread (the shapes of the pipelined runs: the ingress and one worker
// in this thread, as `switchboard start` runs them, or the ingress and the workers each in a
// thread of its own, as separate processes; or both), --workers N[,N] (worker threads in the
// threaded shape, default 1), --runs N (measured runs of each shape, default 3: the machine is
// shared and one run's ratio can move by a tenth; the verdict is on their median), --keep (keep
// the bench database for inspection)).
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { performance as perfHooks } from 'node:perf_hooks';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import vm from 'node:vm';
import { Worker as BullWorker } from 'bullmq';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import { parseConfig, readEnvironment } from '../core/config/config.ts';
import { upsertContact } from '../core/contacts/contacts.ts';
import { connectDatabase } from '../core/db/connect.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import type { Database, Property } from '../core/db/schema.ts';
import { queueNames, type JobName, type JobPayloads } from '../core/jobs/job-catalog.ts';
import type { JobQueue } from '../core/jobs/job-queue.ts';
import { detectBounce } from '../core/mail/inbound/content/bounce.ts';
import { parseEmail } from '../core/mail/inbound/content/parse-email.ts';
import { defaultInboundBatchSize, fileInboundBatch, fileInboundEmails } from '../core/mail/inbound/filing/file-inbound-emails.ts';
import type { FiledEmail, InboundBatchResult, IngestOutcome } from '../core/mail/inbound/filing/filing-types.ts';
import { InboundGroupCommit } from '../core/mail/inbound/store/inbound-group-commit.ts';
import { RawMailHandoff } from '../core/mail/inbound/store/raw-mail-handoff.ts';
import { ingestInboundEmail } from '../core/mail/inbound/filing/ingest-inbound-email.ts';
import { supportAddress } from '../core/mail/message-id.ts';
import { contentHash } from '../core/mail/inbound/content/content-hash.ts';
import { firstMessageId } from '../core/mail/inbound/content/message-ids.ts';
import { firstFieldValue, rawHeaderBlock } from '../core/mail/inbound/content/raw-mime.ts';
import { replyAddress } from '../core/mail/reply-address.ts';
import { storeInboundEmail } from '../core/mail/inbound/store/store-inbound-email.ts';
import { createProperty } from '../core/properties/property-store.ts';
import { replyToTicket } from '../core/tickets/reply-to-ticket.ts';
import { createTicket } from '../core/tickets/ticket-store.ts';
import { servicesUp } from '../services/embedded-services.ts';
import { BullJobQueue } from '../queue/bullmq-job-queue.ts';
import { inboundJobResult, type InboundJobResult } from '../worker/processors/inbound-job-result.ts';
import { createRedis } from '../queue/redis-connection.ts';
import { recreateDatabase } from './bench-database.ts';
import { databaseUrlFor } from './inbox-seed.ts';
import type { FilingThreadData, FilingThreadReport, FilingThreadRequest } from './mail-filing-thread.ts';
import type { IngressThreadData, IngressThreadReport, IngressThreadRequest } from './mail-ingress-thread.ts';
import { bigAttachmentEmail, buildCorpus, replyKinds, type CorpusEmail, type EmailKind, type ThreadTarget } from './mail-corpus.ts';

const benchDatabase = 'switchboard_bench_mail';
/** Throughput target: Switchboard's inbound path at least this share of bare simpleParser's. */
const targetRatio = 0.5;
const threadTargets = 50;
/** Emails through each pipelined shape before its measured runs. */
const pipelinedWarmup = 2000;
const limits = { maxAttachmentBytes: 30 * 1024 * 1024 };
/** The same options parseEmail hands simpleParser. */
const parseEmailOptions = {
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true,
  keepDeliveryStatus: true,
  checksumAlgo: false,
} as const;

const config = parseConfig(readEnvironment());
const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '6000' },
    'attachment-mb': { type: 'string', default: '25' },
    concurrency: { type: 'string', default: String(config.worker.concurrency) },
    profile: { type: 'string', default: '400' },
    batch: { type: 'string', default: String(defaultInboundBatchSize) },
    'one-by-one': { type: 'string' },
    ingress: { type: 'string', default: 'process,thread' },
    workers: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
const count = Number(args.count);
const attachmentMb = Number(args['attachment-mb']);
const concurrencyLevels = args.concurrency.split(',').map(Number).filter((n) => n > 0);
const profileCount = Number(args.profile);
const batchSize = Number(args.batch);
const ingressModes = new Set(args.ingress.split(','));
const workerCounts = args.workers.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const runsPerShape = Number(args.runs);
if (!Number.isInteger(runsPerShape) || runsPerShape < 1) throw new Error(`--runs must be a whole number of at least 1, not "${args.runs}"`);
const oneByOneCount = Math.max(1, Math.min(count, Number(args['one-by-one'] ?? 500)));

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Timings of a run over a corpus. */
interface Run {
  emails: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  /** Per-email milliseconds by kind. */
  byKind: Map<EmailKind, number[]>;
}

async function main(): Promise<void> {
  const services =
    config.databaseUrl && config.redisUrl ? null : await servicesUp({ dataDir: config.dataDir, log: (m) => console.log(`[services] ${m}`) });
  const serverUrl = config.databaseUrl ?? services!.databaseUrl;
  const redisUrl = config.redisUrl ?? services!.redisUrl;
  const url = await freshDatabase(serverUrl);
  const db = connectDatabase(url, { max: Math.max(10, ...concurrencyLevels.map((n) => n + 2)) });
  const prefix = `bench-mail-${randomBytes(4).toString('hex')}`;
  const redis = createRedis(redisUrl, 'producer');
  const jobs = new BullJobQueue(redis, prefix);
  try {
    await migrateToLatest(db);
    const property = await createProperty(db, { slug: 'bench-mail', name: 'Bench Shop', supportAddress: 'help@bench-shop.example', inboundDomain: 'in.bench-shop.example' });
    const targets = await seedThreads(db, jobs, property);
    const addresses = { support: supportAddress(property), supportName: property.name };
    const settings = await sql<{ name: string; setting: string }>`
      SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'shared_buffers', 'server_version')`.execute(db);
    const pgSettings = Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]));

    // Memory first, while the process has not yet peaked on anything else (getrusage's
    // maxRSS is a lifetime high-water mark).
    const memory = await measureBigAttachment(db, jobs, property);

    const tag = randomBytes(3).toString('hex');
    const corpusOptions = { seed: 42, targets, addresses };
    const warmup = buildCorpus(Math.min(200, count), { ...corpusOptions, tag: `${tag}-w`, seed: 7 });
    const corpus = buildCorpus(count, { ...corpusOptions, tag: `${tag}-s` });
    const profileCorpus = profileCount > 0 ? buildCorpus(profileCount, { ...corpusOptions, tag: `${tag}-p`, seed: 43 }) : [];

    console.log(`\nSwitchboard bench:mail — Postgres ${pgSettings.server_version} (fsync=${pgSettings.fsync}, synchronous_commit=${pgSettings.synchronous_commit}), BullMQ on Redis (prefix ${prefix})`);
    console.log(describeCorpus(corpus, targets.length));

    // Parsing alone, sequentially, each after a warm-up pass.
    const parsers: [string, (raw: Buffer) => Promise<unknown>][] = [
      ['simpleParser, default options  ← baseline', (raw) => simpleParser(raw)],
      ["simpleParser, parseEmail's options", (raw) => simpleParser(raw, parseEmailOptions)],
      ['parseEmail (Switchboard parse step)', (raw) => parseEmail(raw, limits)],
    ];
    const parseRuns: Run[] = [];
    for (const [, parse] of parsers) {
      await timeSequential(warmup, (e) => parse(e.raw));
      parseRuns.push(await timeSequential(corpus, (e) => parse(e.raw)));
    }
    const baseline = parseRuns[0]!;

    // The inbound path: store (dedupe, enqueue inbound-<id>), then ingest (parse, detect
    // bounce/automatic, thread, file, acknowledge) — what the SMTP ingress and the job do.
    let outcomes: Outcome[] = [];
    const fileOne = async (email: CorpusEmail) => {
      const stored = await storeInboundEmail(db, jobs, email.raw, { propertyId: property.id, via: 'smtp', from: email.envelopeFrom, to: [email.rcptTo] });
      if (stored.duplicate) throw new Error('corpus message stored as a duplicate');
      outcomes.push({ email, outcome: await ingestInboundEmail(db, jobs, stored.id, limits) });
    };
    await timeSequential(warmup.slice(0, oneByOneCount), fileOne);
    outcomes = [];
    const sequential = await timeSequential(corpus.slice(0, oneByOneCount), fileOne);
    const checks = [{ name: 'one by one, sequential', outcomes }];
    const concurrent: Concurrent[] = [];
    // As the SMTP ingress stores: concurrent sessions' messages committed in groups, handing
    // the stored bytes to the filing worker of the same process, as `switchboard start` does.
    const handoff = new RawMailHandoff();
    const group = new InboundGroupCommit(db, jobs, handoff);
    const store = (email: CorpusEmail) => group.store(email.raw, { propertyId: property.id, via: 'smtp', from: email.envelopeFrom, to: [email.rcptTo] });
    // The inbound-email job as the worker runs it, on the jobs the store queued.
    const file = (data: JobPayloads['inbound-email']) => fileInboundEmails(db, jobs, [data.inboundEmailId, ...(data.alsoIds ?? [])], limits, { batchSize, handoff });
    // The shapes of the pipelined runs: everything in this thread (as `switchboard start` runs
    // it), or the ingress and each worker in a thread of its own (as separate processes).
    const shapes: Shape[] = [
      ...(ingressModes.has('process') ? [{ ingress: inProcessIngress(store), filing: inProcessFiling(redisUrl, prefix, file) }] : []),
      ...(ingressModes.has('thread')
        ? workerCounts.map((n) => ({
            ingress: threadIngress({ databaseUrl: url, redisUrl, prefix, propertyId: property.id }),
            filing: threadFiling(n, { databaseUrl: url, redisUrl, prefix, limits, batchSize }),
          }))
        : []),
    ];
    try {
      for (const [s, shape] of shapes.entries()) {
        // Warm-up: a worker thread is a V8 isolate of its own, whose code is compiled afresh.
        // With 200 emails, optimising compilation still took 16% of Node's CPU during the
        // measured run (perf); a long-running worker has long done it.
        await timePipelined(buildCorpus(Math.min(pipelinedWarmup, count), { ...corpusOptions, tag: `${tag}-pw-${s}`, seed: 8 }), Math.max(1, ...concurrencyLevels), shape);
        // The bench's database is new: until autovacuum analyses it (at most once a minute),
        // the planner takes the tickets and contacts tables for the handful of rows they had
        // when each connection first checked a foreign key against them, and the checks
        // scan the whole table (13 million rows read in one run of 6,000 emails). A live
        // install has statistics; so does the bench once it has mail to count.
        await sql`ANALYZE`.execute(db);
        for (const level of concurrencyLevels) for (let r = 0; r < runsPerShape; r++) {
          // A corpus of the same shapes and sizes with Message-IDs of its own.
          const corpusOfRun = buildCorpus(count, { ...corpusOptions, tag: `${tag}-c${level}-${s}-r${r}` });
          // The machine is shared: bare simpleParser is timed again on this run's emails right
          // before and after it, and the run is compared with what the parser did around it.
          const before = await timeSequential(corpusOfRun, (e) => simpleParser(e.raw));
          const waits = waitSampler(db);
          const servicesBefore = serviceCpuMs();
          const { run, outcomes: filed, batches, jobs: jobRuns, cpuMs, busy, storedBy } = await timePipelined(corpusOfRun, level, shape);
          const servicesAfter = serviceCpuMs();
          const services = servicesBefore && servicesAfter ? serviceCpuDelta(servicesBefore, servicesAfter) : null;
          const stopped = await waits.stop();
          const after = await timeSequential(corpusOfRun, (e) => simpleParser(e.raw));
          const adjacent = (before.perSecond + after.perSecond) / 2;
          concurrent.push({ level, shape: shapeName(shape), repeat: r + 1, run, waits: stopped, batches, jobRuns, cpuMs, services, busy, adjacent, storedBy });
          checks.push({ name: `batched, ${level} at once, ${shapeName(shape)}, run ${r + 1}`, outcomes: filed });
        }
      }
    } finally {
      for (const { ingress, filing } of shapes) await Promise.all([ingress.close(), filing.close()]);
    }

    printThroughput(parsers.map(([name]) => name), parseRuns, sequential, concurrent, baseline);
    printByKind(corpus, baseline, sequential);
    console.log('');
    for (const check of checks) printOutcomes(check.name, check.outcomes, targets);
    printMemory(memory);

    if (profileCorpus.length > 0) {
      const profile = await profilePhases(url, jobs, property, profileCorpus);
      printProfile(profile, baseline);
    }
    const ratio = (run: Run) => run.perSecond / baseline.perSecond;
    // One verdict per shape and level, on the median of its runs (each against the parser timed around it).
    const groups = new Map<string, Concurrent[]>();
    for (const c of concurrent) groups.set(`${c.level} ${c.shape}`, [...(groups.get(`${c.level} ${c.shape}`) ?? []), c]);
    for (const runs of groups.values()) {
      const { level, shape } = runs[0]!;
      const ratios = runs.map((c) => c.run.perSecond / c.adjacent);
      const median = [...ratios].sort((a, b) => a - b)[Math.floor((ratios.length - 1) / 2)]!;
      const middle = runs[ratios.indexOf(median)]!;
      console.log(
        `\nverdict: store + file, batched (${batchSize}/transaction), ${level} store sessions and ${level} jobs at once per worker, ${shape}: ` +
          `${runs.length === 1 ? '' : `${runs.length % 2 ? 'median' : 'lower median'} of ${runs.length} runs (${ratios.map((r) => r.toFixed(2)).join(', ')}): `}${fmt(middle.run.perSecond)} emails/s = ` +
          `${median.toFixed(2)} × bare simpleParser timed around it (${fmt(middle.adjacent)}/s) (target ≥ ${targetRatio}) → ${median >= targetRatio ? 'MEETS' : 'MISSES'}; ${ratio(middle.run).toFixed(2)} × the first baseline`,
      );
    }
    console.log(
      `         one by one, sequential: ${fmt(sequential.perSecond)} emails/s = ${ratio(sequential).toFixed(2)} ×` +
        `; against simpleParser with parseEmail's own options (${fmt(parseRuns[1]!.perSecond)}/s): ` +
        concurrent.map(({ level, run, shape, repeat }) => `batched, ${level}, ${shape}, run ${repeat} ${(run.perSecond / parseRuns[1]!.perSecond).toFixed(2)} ×`).join(', '),
    );
  } finally {
    await Promise.all(queueNames.map((q) => jobs.queue(q).obliterate({ force: true }).catch(() => {})));
    await jobs.close();
    redis.disconnect();
    await db.destroy();
    if (!args.keep) await dropDatabase(serverUrl);
  }
}

async function freshDatabase(serverUrl: string): Promise<string> {
  return recreateDatabase(serverUrl, benchDatabase);
}

async function dropDatabase(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${benchDatabase} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Tickets with an agent's emailed reply (outbox row, Message-ID, signed Reply-To) for the corpus to answer. */
async function seedThreads(db: Kysely<Database>, jobs: JobQueue, property: Property): Promise<ThreadTarget[]> {
  const names = ['Maria Rossi', 'Jürgen Weiß', 'Chloé Dubois', 'Tom Jones', 'Yuki Tanaka', 'Inès García', 'Peter Novak', 'Sara Bianchi'];
  const subjects = ['Parcel never arrived', 'Refund for order 48213', 'Wrong size delivered', 'Invoice address change', 'Charger missing from box', 'Login code not received'];
  const targets: ThreadTarget[] = [];
  for (let i = 0; i < threadTargets; i++) {
    const name = names[i % names.length]!;
    const email = `${name.split(' ')[0]!.normalize('NFD').replace(/[^a-z]/gi, '').toLowerCase()}.customer${i}@mail${i % 5}.example`;
    const contact = await upsertContact(db, property.id, { email, name });
    const subject = subjects[i % subjects.length]!;
    const ticket = await createTicket(db, { propertyId: property.id, subject, contact });
    const { outbox } = await replyToTicket(db, jobs, property.id, `T${ticket.number}`, {
      body: `Hello ${name.split(' ')[0]},\n\nthank you for your patience. We have checked with the courier and a replacement is on its way; you should have it within three working days.\n\nPlease reply to this email if anything else is wrong.`,
    });
    targets.push({ ticketNumber: ticket.number, subject, contactEmail: email, contactName: name, outboxMessageId: outbox.message_id, replyAddress: replyAddress(property, ticket.number), agentText: outbox.text_body });
  }
  return targets;
}

async function timeSequential(emails: CorpusEmail[], call: (email: CorpusEmail) => Promise<unknown>): Promise<Run> {
  const samples: number[] = [];
  const byKind = new Map<EmailKind, number[]>();
  const started = performance.now();
  for (const email of emails) {
    const t = performance.now();
    await call(email);
    const ms = performance.now() - t;
    samples.push(ms);
    push(byKind, email.kind, ms);
  }
  return summarise(samples, byKind, performance.now() - started);
}

/** CPU milliseconds used so far by each of the machine's postgres and redis-server processes, by pid (from /proc; null where there is none). */
function serviceCpuMs(): Map<string, { key: 'postgres' | 'redis'; ms: number }> | null {
  if (!existsSync('/proc/self/stat')) return null;
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  const byPid = new Map<string, { key: 'postgres' | 'redis'; ms: number }>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const key = name === 'postgres' ? 'postgres' : name === 'redis-server' ? 'redis' : null;
    if (!key) continue;
    // Fields after the name: state is the first; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    byPid.set(pid, { key, ms: (Number(fields[11]) + Number(fields[12])) / ticksPerMs });
  }
  return byPid;
}

/**
 * CPU used between two readings by the processes alive at the second (a backend started
 * meanwhile counts from zero). A backend that exited meanwhile (an idle pool connection
 * closing) takes its CPU with it: it is left out rather than counted as negative.
 */
function serviceCpuDelta(before: NonNullable<ReturnType<typeof serviceCpuMs>>, after: NonNullable<ReturnType<typeof serviceCpuMs>>): { postgres: number; redis: number } {
  const total = { postgres: 0, redis: 0 };
  for (const [pid, { key, ms }] of after) total[key] += ms - (before.get(pid)?.ms ?? 0);
  return total;
}

/** Where the pipelined runs store: in this process, or in a thread of its own (as production's ingress process). */
interface Ingress {
  name: string;
  /** Takes the corpus to store with `sessions` at once (before the clock starts). */
  load(emails: CorpusEmail[], sessions: number): Promise<void>;
  /** Stores it; reports each email's index, row id and store start (epoch ms) as soon as it is stored; resolves with the ingress thread's busy share, if it has one. */
  run(stored: (index: number, id: string, startedAt: number) => void): Promise<number | null>;
  close(): Promise<void>;
}

function inProcessIngress(store: (email: CorpusEmail) => Promise<{ id: string; duplicate: boolean }>): Ingress {
  let emails: CorpusEmail[] = [];
  let sessions = 1;
  return {
    name: 'in this process',
    async load(e, s) {
      emails = e;
      sessions = s;
    },
    async run(stored) {
      let next = 0;
      await Promise.all(
        Array.from({ length: sessions }, async () => {
          while (next < emails.length) {
            const index = next++;
            const startedAt = performance.timeOrigin + performance.now();
            const { id, duplicate } = await store(emails[index]!);
            if (duplicate) throw new Error('corpus message stored as a duplicate');
            stored(index, id, startedAt);
          }
        }),
      );
      return null;
    },
    async close() {},
  };
}

/** A thread running one of bench/'s TypeScript modules with `data` as its workerData. */
function typeScriptThread(module: string, data: unknown): Worker {
  // tsx's loader is registered per thread (on Node 20 an --import in execArgv is not applied to the entry).
  const entry = new URL(module, import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry)}))`, { eval: true, workerData: data });
}

function threadIngress(data: IngressThreadData): Ingress {
  const thread = typeScriptThread('./mail-ingress-thread.ts', data);
  let listener: ((m: IngressThreadReport) => void) | null = null;
  thread.on('message', (m: IngressThreadReport) => listener?.(m));
  const until = (kind: IngressThreadReport['kind'], each?: (m: IngressThreadReport) => void) =>
    new Promise<IngressThreadReport>((resolve, reject) => {
      listener = (m) => {
        if (m.kind === 'error') reject(new Error(`ingress thread: ${m.message}`));
        else if (m.kind === kind) resolve(m);
        else each?.(m);
      };
    });
  return {
    name: 'in a thread of its own',
    async load(emails, sessions) {
      const ready = until('ready');
      thread.postMessage({ kind: 'emails', sessions, emails: emails.map((e) => ({ raw: e.raw, from: e.envelopeFrom, to: e.rcptTo })) } satisfies IngressThreadRequest);
      await ready;
    },
    async run(stored) {
      const done = until('done', (m) => {
        if (m.kind === 'stored') for (const e of m.emails) stored(e.index, e.id, e.startedAt);
      });
      thread.postMessage({ kind: 'go' } satisfies IngressThreadRequest);
      const report = await done;
      return report.kind === 'done' ? report.busy : null;
    },
    async close() {
      thread.postMessage({ kind: 'close' } satisfies IngressThreadRequest);
      await new Promise((resolve) => thread.once('exit', resolve));
    },
  };
}

/** Who runs the inbound-email jobs: a BullMQ worker in this thread, or worker threads of their own. */
interface Filing {
  workers: number;
  /** In a thread (or threads) of its own. */
  threaded: boolean;
  /** Starts working the queue, `level` jobs at once per worker; reports each job's result (at: epoch ms). */
  start(level: number, job: (at: number, filed: FiledEmail[]) => void, failed: (error: unknown) => void): Promise<void>;
  /** Stops; resolves with each worker thread's event-loop busy share (none for this thread's). */
  stop(): Promise<number[]>;
  close(): Promise<void>;
}

interface Shape {
  ingress: Ingress;
  filing: Filing;
}

function shapeName({ filing }: Shape): string {
  return filing.threaded ? `ingress and ${filing.workers} worker${filing.workers === 1 ? '' : 's'} each in a thread` : 'ingress and worker in this thread';
}

function inProcessFiling(redisUrl: string, prefix: string, file: (data: JobPayloads['inbound-email']) => Promise<InboundBatchResult>): Filing {
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

function threadFiling(workers: number, data: FilingThreadData): Filing {
  let onJob: (at: number, filed: FiledEmail[]) => void = () => {};
  let onError: (error: unknown) => void = () => {};
  const threads = Array.from({ length: workers }, () => {
    const thread = typeScriptThread('./mail-filing-thread.ts', data);
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

/**
 * The inbound path as production runs it: `level` sessions store the emails (as parallel SMTP
 * sessions do, committed in groups) and queue their inbound-email jobs on BullMQ, while the
 * shape's workers, each with `level` jobs at once, run them. The time is from the first store
 * to the last email filed; an email's latency is from the start of its store to the end of
 * the job that filed it.
 */
async function timePipelined(
  emails: CorpusEmail[],
  level: number,
  { ingress, filing }: Shape,
): Promise<{ run: Run; outcomes: Outcome[]; batches: number[]; jobs: number; cpuMs: number; busy: Busy; storedBy: number }> {
  await ingress.load(emails, level);
  const byId = new Map<string, { email: CorpusEmail; storedAt: number }>();
  const samples: number[] = [];
  const byKind = new Map<EmailKind, number[]>();
  const outcomes: Outcome[] = [];
  const batches: number[] = [];
  let jobCount = 0;
  const now = () => performance.timeOrigin + performance.now();
  let allFiled!: () => void;
  let failed!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    allFiled = resolve;
    failed = reject;
  });
  done.catch(() => {}); // awaited below, once the stores are done
  // Filed before its store was reported (the ingress thread's message can trail the job).
  const early: { id: string; at: number; f: FiledEmail }[] = [];
  // When the last email was filed, as its job's end was stamped (reports may arrive later).
  let lastFiledAt = 0;
  const record = (id: string, at: number, f: FiledEmail) => {
    lastFiledAt = Math.max(lastFiledAt, at);
    const { email, storedAt } = byId.get(id)!;
    outcomes.push({ email, outcome: { status: f.status, filed: true, ticket: f.ticket, note: f.note } });
    samples.push(at - storedAt);
    push(byKind, email.kind, at - storedAt);
    if (outcomes.length === emails.length) allFiled();
  };
  const cpu = process.cpuUsage();
  const loop = perfHooks.eventLoopUtilization();
  let ingressBusy: number | null;
  let workersBusy: number[];
  const started = now();
  await filing.start(
    level,
    (at, filed) => {
      jobCount++;
      if (filed.length) batches.push(filed.length);
      for (const f of filed) {
        if (byId.has(f.id)) record(f.id, at, f);
        else early.push({ id: f.id, at, f });
      }
    },
    failed,
  );
  const storeAll = ingress.run((index, id, startedAt) => {
    byId.set(id, { email: emails[index]!, storedAt: startedAt });
    for (let i = early.length - 1; i >= 0; i--) {
      if (early[i]!.id !== id) continue;
      record(id, early[i]!.at, early[i]!.f);
      early.splice(i, 1);
    }
  });
  let storedBy: number;
  let used: NodeJS.CpuUsage;
  let mainBusy: number;
  try {
    ingressBusy = await storeAll;
    storedBy = (now() - started) / 1000;
    await done;
  } finally {
    // This process's CPU and busy share up to the last email filed, as the run's time.
    used = process.cpuUsage(cpu);
    mainBusy = perfHooks.eventLoopUtilization(loop).utilization;
    workersBusy = await filing.stop();
  }
  const elapsed = lastFiledAt - started;
  const busy = { main: mainBusy, ingress: ingressBusy, workers: workersBusy };
  return { run: summarise(samples, byKind, elapsed), outcomes, batches, jobs: jobCount, cpuMs: (used.user + used.system) / 1000, busy, storedBy };
}

/** Share of a run each event loop was busy: this thread's, the ingress thread's and the worker threads' (when they have their own). */
interface Busy {
  main: number;
  ingress: number | null;
  workers: number[];
}

function summarise(samples: number[], byKind: Map<EmailKind, number[]>, elapsedMs: number): Run {
  const sorted = [...samples].sort((a, b) => a - b);
  return { emails: samples.length, seconds: elapsedMs / 1000, perSecond: samples.length / (elapsedMs / 1000), p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), byKind };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A concurrent run, and what its Postgres sessions were waiting on. */
interface Concurrent {
  level: number;
  /** Where the emails were stored and filed (shapeName). */
  shape: string;
  /** Which of the shape's runs (from 1). */
  repeat: number;
  run: Run;
  waits: Waits;
  /** Emails filed by each batch. */
  batches: number[];
  /** inbound-email jobs run. */
  jobRuns: number;
  /** CPU time of the machine's Postgres and Redis processes during the run (Linux; null elsewhere). */
  services: { postgres: number; redis: number } | null;
  /** CPU time of this Node process (all its threads) during the run. */
  cpuMs: number;
  busy: Busy;
  /** Bare simpleParser's emails/s on the run's own emails, just before and after it (mean). */
  adjacent: number;
  /** Seconds from the start until the last email was stored (the rest of the run only files). */
  storedBy: number;
}

interface Waits {
  samples: number;
  /** Active backends seen over all samples. */
  active: number;
  /** "wait event (statement)" → times seen. */
  counts: Map<string, number>;
}

/** Samples what the bench database's active sessions are doing (or waiting on) every 100 ms: its queries run in the measured window, so it samples no more often than a percentage needs. */
function waitSampler(db: Kysely<Database>): { stop(): Promise<Waits> } {
  const waits: Waits = { samples: 0, active: 0, counts: new Map() };
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await sql<{ wait: string | null; query: string }>`
        SELECT CASE WHEN wait_event IS NULL THEN 'running' ELSE wait_event_type || ':' || wait_event END AS wait, query
        FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`.execute(db);
      waits.samples++;
      for (const r of rows) {
        waits.active++;
        const key = `${r.wait} (${statementLabel(r.query)})`;
        waits.counts.set(key, (waits.counts.get(key) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return waits;
    },
  };
}

// --- memory -------------------------------------------------------------------------------

interface MemoryPeaks {
  rss: number;
  heapUsed: number;
  /** Buffers live outside the JS heap: external includes arrayBuffers. */
  external: number;
}

interface MemoryResult {
  rawBytes: number;
  attachment: { size: number; stored: number | null; skipped: boolean } | null;
  status: string;
  phases: { name: string; ms: number; peak: MemoryPeaks }[];
  /** getrusage high-water mark above the RSS before the first phase; null when the process had peaked higher before. */
  maxRssAbove: number | null;
}

/** Samples process.memoryUsage() every 2 ms; peaks are relative to the values when it started. */
function memorySampler(): { stop(): MemoryPeaks } {
  const before = process.memoryUsage();
  const peak = { ...before };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.external = Math.max(peak.external, m.external);
  };
  const timer = setInterval(sample, 2);
  return {
    stop() {
      sample();
      clearInterval(timer);
      return { rss: peak.rss - before.rss, heapUsed: peak.heapUsed - before.heapUsed, external: peak.external - before.external };
    },
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

async function measurePhase<T>(name: string, call: () => Promise<T>): Promise<{ value: T; phase: MemoryResult['phases'][number] }> {
  await settle();
  const sampler = memorySampler();
  const started = performance.now();
  const value = await call();
  const ms = performance.now() - started;
  return { value, phase: { name, ms, peak: sampler.stop() } };
}

async function measureBigAttachment(db: Kysely<Database>, jobs: JobQueue, property: Property): Promise<MemoryResult> {
  const raw = bigAttachmentEmail(Math.round(attachmentMb * 1024 * 1024), supportAddress(property), `big-${randomBytes(4).toString('hex')}`);
  // Warm the code paths on a small message so that module loading is not counted.
  const small = bigAttachmentEmail(64 * 1024, supportAddress(property), `warm-${randomBytes(4).toString('hex')}`);
  const warm = await storeInboundEmail(db, jobs, small, { propertyId: property.id, via: 'smtp' });
  await ingestInboundEmail(db, jobs, warm.id, limits);
  await simpleParser(small);

  await settle();
  const rssBefore = process.memoryUsage().rss;
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  const store = await measurePhase('storeInboundEmail', () => storeInboundEmail(db, jobs, raw, { propertyId: property.id, via: 'smtp' }));
  const ingest = await measurePhase('ingestInboundEmail', () => ingestInboundEmail(db, jobs, store.value.id, limits));
  const maxRssAfter = process.resourceUsage().maxRSS * 1024;
  const parse = await measurePhase('parseEmail alone', () => parseEmail(raw, limits));
  const bare = await measurePhase('bare simpleParser', () => simpleParser(raw));
  const attachment = await db
    .selectFrom('email_attachments')
    .select(['size', 'skipped', sql<number | null>`octet_length(content)`.as('stored')])
    .where('inbound_email_id', '=', store.value.id)
    .executeTakeFirst();
  return {
    rawBytes: raw.length,
    attachment: attachment ? { size: attachment.size, stored: attachment.stored === null ? null : Number(attachment.stored), skipped: attachment.skipped } : null,
    status: ingest.value.status,
    phases: [store.phase, ingest.phase, parse.phase, bare.phase],
    maxRssAbove: maxRssAfter > maxRssBefore ? maxRssAfter - rssBefore : null,
  };
}

// --- phase profile --------------------------------------------------------------------------

interface Profile {
  emails: number;
  storeMs: number;
  ingestMs: number;
  queries: Map<string, { phase: string; calls: number; ms: number }>;
  jobs: Map<string, { calls: number; ms: number }>;
  parseMs: number;
  bounceMs: number;
  storeCpuMs: number;
}

/** One more pass (stored, then filed by the jobs one after the other) with every SQL statement and job add timed, and the CPU steps timed alone. */
async function profilePhases(url: string, realJobs: JobQueue, property: Property, emails: CorpusEmail[]): Promise<Profile> {
  let phase = 'store';
  const queries = new Map<string, { phase: string; calls: number; ms: number }>();
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }),
    log: (event) => {
      const key = `${phase}: ${statementLabel(event.query.sql)}`;
      const entry = queries.get(key) ?? { phase, calls: 0, ms: 0 };
      entry.calls++;
      entry.ms += event.queryDurationMillis;
      queries.set(key, entry);
    },
  });
  const jobStats = new Map<string, { calls: number; ms: number }>();
  const jobs: JobQueue = {
    async add<N extends JobName>(name: N, data: JobPayloads[N], options?: { delayMs?: number; idSuffix?: string }) {
      const t = performance.now();
      try {
        await realJobs.add(name, data, options);
      } finally {
        const entry = jobStats.get(`${phase}: add ${name}`) ?? { calls: 0, ms: 0 };
        entry.calls++;
        entry.ms += performance.now() - t;
        jobStats.set(`${phase}: add ${name}`, entry);
      }
    },
    async addBulk(requests) {
      const t = performance.now();
      try {
        await realJobs.addBulk(requests);
      } finally {
        const entry = jobStats.get(`${phase}: addBulk ${requests[0]?.name}`) ?? { calls: 0, ms: 0 };
        entry.calls++;
        entry.ms += performance.now() - t;
        jobStats.set(`${phase}: addBulk ${requests[0]?.name}`, entry);
      }
    },
    remove: (name, data, options) => realJobs.remove(name, data, options),
    requeue: (name, data) => realJobs.requeue(name, data),
  };
  let storeMs = 0;
  let ingestMs = 0;
  try {
    // Stored first, then filed by the jobs in order: each job files a batch of what waits.
    const ids: string[] = [];
    phase = 'store';
    let t = performance.now();
    for (const email of emails) ids.push((await storeInboundEmail(db, jobs, email.raw, { propertyId: property.id, via: 'smtp', from: email.envelopeFrom, to: [email.rcptTo] })).id);
    storeMs += performance.now() - t;
    phase = 'file';
    t = performance.now();
    for (const id of ids) await fileInboundBatch(db, jobs, id, limits, { batchSize });
    ingestMs += performance.now() - t;
  } finally {
    await db.destroy();
  }
  // The CPU steps of the same messages on their own (they run inside store and ingest above).
  const cpu = async (fn: (raw: Buffer) => unknown) => {
    for (const e of emails.slice(0, 50)) await fn(e.raw);
    const t = performance.now();
    for (const e of emails) await fn(e.raw);
    return performance.now() - t;
  };
  const parseMs = await cpu((raw) => parseEmail(raw, limits));
  const bounceMs = await cpu((raw) => detectBounce(raw));
  // What storeInboundEmail computes before its insert: the Message-ID from the header block, the content hash when there is none.
  const storeCpuMs = await cpu((raw) => {
    const messageId = firstMessageId(firstFieldValue(rawHeaderBlock(raw, 0, 256 * 1024), 'message-id'));
    return messageId === null ? contentHash(raw) : messageId;
  });
  return { emails: emails.length, storeMs, ingestMs, queries, jobs: jobStats, parseMs, bounceMs, storeCpuMs };
}

function statementLabel(text: string): string {
  const s = text.replace(/\s+/g, ' ').trim().toLowerCase();
  if (/^(begin|commit|rollback)/.test(s)) return s.split(' ')[0]!;
  if (s.includes('pg_advisory_xact_lock')) return 'select pg_advisory_xact_lock';
  const table = (re: RegExp) => re.exec(s)?.[1] ?? '?';
  if (s.startsWith('insert')) return `insert ${table(/^insert into "?(\w+)"?/)}${s.includes('on conflict') ? ' on conflict' : ''}`;
  if (s.startsWith('update')) return `update ${table(/^update "?(\w+)"?/)}`;
  if (s.startsWith('delete')) return `delete ${table(/^delete from "?(\w+)"?/)}`;
  if (s.startsWith('select')) return `select ${table(/ from "?(\w+)"?/)}${s.includes('for update') ? ' for update' : ''}`;
  return s.slice(0, 40);
}

// --- report --------------------------------------------------------------------------------

interface Outcome {
  email: CorpusEmail;
  outcome: IngestOutcome;
}

function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function mb(bytes: number): string {
  return `${fmt(bytes / 1024 / 1024)} MB`;
}

function describeCorpus(corpus: CorpusEmail[], targets: number): string {
  const kinds = new Map<EmailKind, number>();
  for (const e of corpus) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
  const bytes = corpus.reduce((a, e) => a + e.raw.length, 0);
  const sizes = corpus.map((e) => e.raw.length).sort((a, b) => a - b);
  const replies = corpus.filter((e) => replyKinds.has(e.kind)).length;
  return (
    `corpus: ${corpus.length} emails, ${mb(bytes)} (median ${fmt(percentile(sizes, 0.5) / 1024)} KB, max ${fmt(sizes[sizes.length - 1]! / 1024)} KB); ` +
    `${replies} replies to ${targets} existing tickets, ${corpus.length - replies} new mail\n  ` +
    [...kinds].map(([k, n]) => `${k} ${n}`).join(', ')
  );
}

function printThroughput(names: string[], parseRuns: Run[], sequential: Run, concurrent: Concurrent[], baseline: Run): void {
  const row = (name: string, run: Run, ratio: string) =>
    console.log(`  ${name.padEnd(46)} ${fmt(run.perSecond).padStart(9)} ${fmt(run.p50, 2).padStart(8)} ${fmt(run.p95, 2).padStart(8)}  ${ratio}`);
  console.log(`\nthroughput over the same ${baseline.emails} raw emails (per-email latency in ms)`);
  console.log(`  ${''.padEnd(46)} ${'emails/s'.padStart(9)} ${'p50'.padStart(8)} ${'p95'.padStart(8)}  × baseline`);
  console.log('  parse only, sequential:');
  parseRuns.forEach((run, i) => row(`  ${names[i]}`, run, i === 0 ? '1.00' : (run.perSecond / baseline.perSecond).toFixed(2)));
  console.log('  store + file (parse, thread, file) on Postgres + BullMQ:');
  const verdict = (run: Run) => `${(run.perSecond / baseline.perSecond).toFixed(2)}  ${run.perSecond / baseline.perSecond >= targetRatio ? 'meets' : 'MISSES'} ≥ ${targetRatio}`;
  row('  one by one (ingestInboundEmail), sequential', sequential, verdict(sequential));
  for (const { level, run, shape, adjacent, repeat } of concurrent) {
    const r = run.perSecond / adjacent;
    row(`  batched, ${level}+${level} at once: ${shape}, run ${repeat}`, run, `${(run.perSecond / baseline.perSecond).toFixed(2)}; × adjacent baseline ${fmt(adjacent)}/s: ${r.toFixed(2)}  ${r >= targetRatio ? 'meets' : 'MISSES'} ≥ ${targetRatio}`);
  }
  console.log('    (batched: p50/p95 from the start of an email\'s store to the end of the batch that filed it)');
  for (const { level, batches, jobRuns, cpuMs, services, run, shape, busy, storedBy, repeat } of concurrent) {
    const sorted = [...batches].sort((a, b) => a - b);
    const loops =
      busy.ingress === null
        ? `this thread ${fmt(100 * busy.main, 0)}% (stores and jobs)`
        : `ingress thread ${fmt(100 * busy.ingress, 0)}%, ` + (busy.workers.length ? `worker threads ${busy.workers.map((b) => `${fmt(100 * b, 0)}%`).join(', ')}` : `jobs ${fmt(100 * busy.main, 0)}%`);
    console.log(
      `    ${level} at once, ${shape}, run ${repeat}: all stored after ${fmt(storedBy, 2)} s of ${fmt(run.seconds, 2)} s; ${jobRuns} inbound-email jobs filed ${batches.length} batches, of ${fmt(percentile(sorted, 0.5), 0)} emails at the median (max ${sorted[sorted.length - 1] ?? 0}). ` +
        `Node CPU (all threads) ${fmt(cpuMs / run.emails, 3)} ms/email of ${fmt((1000 * run.seconds) / run.emails, 3)} ms wall (${fmt((100 * cpuMs) / (1000 * run.seconds), 0)}% of one core); ` +
        `event loop busy (wall time, not CPU: a thread waiting for a core counts as busy): ${loops}` +
        (services ? `; Postgres ${fmt(services.postgres / run.emails, 3)} ms/email, Redis ${fmt(services.redis / run.emails, 3)} ms/email of CPU` : ''),
    );
  }
  for (const { level, waits, shape, repeat } of concurrent) {
    const top = [...waits.counts].sort((a, b) => b[1] - a[1]).slice(0, 5);
    console.log(
      `    ${level} at once, ${shape}, run ${repeat}: of ${waits.samples} samples of pg_stat_activity, active statements were ` +
        (top.length ? top.map(([what, n]) => `${what} ${fmt((100 * n) / Math.max(1, waits.active), 0)}%`).join(', ') : 'none'),
    );
  }
}

function printByKind(corpus: CorpusEmail[], baseline: Run, sequential: Run): void {
  console.log('\nby kind (p50 ms): kind, count, mean size, bare simpleParser, store+ingest');
  for (const [kind, pipeline] of sequential.byKind) {
    const parse = [...(baseline.byKind.get(kind) ?? [])].sort((a, b) => a - b);
    const sizes = corpus.filter((e) => e.kind === kind).map((e) => e.raw.length);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    console.log(
      `  ${kind.padEnd(16)} ${String(pipeline.length).padStart(5)} ${`${fmt(mean / 1024)} KB`.padStart(9)} ${fmt(percentile(parse, 0.5), 2).padStart(8)} ${fmt(percentile([...pipeline].sort((a, b) => a - b), 0.5), 2).padStart(8)}`,
    );
  }
}

function printOutcomes(name: string, outcomes: Outcome[], targets: ThreadTarget[]): void {
  const firstNew = Math.max(...targets.map((t) => t.ticketNumber)) + 1;
  let threaded = 0;
  let misfiled = 0;
  let created = 0;
  const statuses = new Map<string, number>();
  for (const { email, outcome } of outcomes) {
    statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
    if (email.expectedTicket !== null) {
      if (outcome.ticket === email.expectedTicket) threaded++;
      else misfiled++;
    } else if (outcome.ticket !== null && outcome.ticket >= firstNew) created++;
    else misfiled++;
  }
  console.log(
    `outcomes, ${name}: ${[...statuses].map(([s, n]) => `${n} ${s}`).join(', ')}; ${threaded} replies landed on their ticket, ` +
      `${created} new mails opened a new ticket, ${misfiled} filed elsewhere than expected`,
  );
}

function printMemory(m: MemoryResult): void {
  const att = m.attachment ? `attachment ${mb(m.attachment.size)}, ${m.attachment.skipped ? 'SKIPPED (over the limit)' : `kept (${mb(m.attachment.stored ?? 0)} in email_attachments)`}` : 'no attachment row';
  console.log(`\npeak memory ingesting one email with a ${attachmentMb} MB attachment (raw ${mb(m.rawBytes)}, base64; ${m.status}; ${att})`);
  console.log('  peaks above the values just before each step (sampled every 2 ms; the raw buffer itself is held before):');
  console.log(`  ${'step'.padEnd(22)} ${'ms'.padStart(7)} ${'RSS'.padStart(10)} ${'JS heap'.padStart(10)} ${'external'.padStart(10)}`);
  for (const p of m.phases) {
    console.log(`  ${p.name.padEnd(22)} ${fmt(p.ms, 0).padStart(7)} ${mb(p.peak.rss).padStart(10)} ${mb(p.peak.heapUsed).padStart(10)} ${mb(p.peak.external).padStart(10)}`);
  }
  console.log(
    `  RSS high-water mark (getrusage) during store + ingest: ${m.maxRssAbove === null ? 'not above the earlier peak' : `${mb(m.maxRssAbove)} above the RSS before`}`,
  );
}

function printProfile(p: Profile, baseline: Run): void {
  const per = (ms: number) => `${fmt(ms / p.emails, 3)} ms`;
  const total = p.storeMs + p.ingestMs;
  const sqlMs = [...p.queries.values()].reduce((a, q) => a + q.ms, 0);
  const sqlCalls = [...p.queries.values()].reduce((a, q) => a + q.calls, 0);
  const jobMs = [...p.jobs.values()].reduce((a, j) => a + j.ms, 0);
  const jobCalls = [...p.jobs.values()].reduce((a, j) => a + j.calls, 0);
  const cpuMs = p.parseMs + p.bounceMs + p.storeCpuMs;
  console.log(`\nwhere the time goes (separate instrumented pass: ${p.emails} emails stored, then filed by their jobs one after the other, batched; per email):`);
  console.log(`  total store + file            ${per(total)}   (store ${per(p.storeMs)}, file ${per(p.ingestMs)}); bare simpleParser ${fmt(1000 / baseline.perSecond, 3)} ms`);
  console.log(`  SQL round trips               ${per(sqlMs)}   ${fmt(sqlCalls / p.emails)} statements/email, ${fmt(sqlMs / sqlCalls, 3)} ms each`);
  console.log(`  BullMQ job adds (Redis)       ${per(jobMs)}   ${fmt(jobCalls / p.emails, 2)} adds/email, ${fmt(jobMs / Math.max(1, jobCalls), 3)} ms each`);
  console.log(`  parseEmail (CPU, measured alone)   ${per(p.parseMs)}`);
  console.log(`  detectBounce (CPU, alone)     ${per(p.bounceMs)}`);
  console.log(`  Message-ID + contentHash (store CPU) ${per(p.storeCpuMs)}`);
  console.log(`  rest (Kysely, pg, other JS)   ${per(Math.max(0, total - sqlMs - jobMs - cpuMs))}`);
  console.log('  statements (calls/email, ms/email):');
  const rows = [...p.queries].sort((a, b) => b[1].ms - a[1].ms);
  for (const [key, q] of rows) console.log(`    ${key.padEnd(48)} ${fmt(q.calls / p.emails, 2).padStart(6)} ${fmt(q.ms / p.emails, 3).padStart(8)}`);
  for (const [key, j] of p.jobs) console.log(`    ${key.padEnd(48)} ${fmt(j.calls / p.emails, 2).padStart(6)} ${fmt(j.ms / p.emails, 3).padStart(8)}`);
}

await main();
