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
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { simpleParser } from 'mailparser';
import { connectDatabase } from '../../core/db/connect.ts';
import type { Database, Property } from '../../core/db/schema.ts';
import { queueNames, type JobPayloads } from '../../core/jobs/job-catalog.ts';
import { fileInboundEmails } from '../../core/mail/inbound/filing/file-inbound-emails.ts';
import { parseEmail, simpleParserOptions } from '../../core/mail/inbound/content/parse-email.ts';
import { InboundGroupCommit } from '../../core/mail/inbound/store/inbound-group-commit.ts';
import { ingestInboundEmail } from '../../core/mail/inbound/filing/ingest-inbound-email.ts';
import { supportAddress } from '../../core/mail/message-id.ts';
import { RawMailHandoff } from '../../core/mail/inbound/store/raw-mail-handoff.ts';
import { storeInboundEmail } from '../../core/mail/inbound/store/store-inbound-email.ts';
import { BullJobQueue } from '../../queue/bullmq-job-queue.ts';
import { createRedis } from '../../queue/redis-connection.ts';
import { servicesUp } from '../../services/embedded-services.ts';
import { buildCorpus, type CorpusEmail, type ThreadTarget } from './corpus.ts';
import { dropDatabase, freshDatabase, postgresSettings, seedBench } from './database.ts';
import { inProcessFiling, shapeName, threadFiling, type Shape } from './filing.ts';
import { inProcessIngress, threadIngress } from './ingress.ts';
import { measureBigAttachment } from './memory.ts';
import {
  args,
  batchSize,
  concurrencyLevels,
  config,
  count,
  ingressModes,
  limits,
  oneByOneCount,
  pipelinedWarmup,
  profileCount,
  runsPerShape,
  workerCounts,
} from './options.ts';
import { timePipelined, type Concurrent } from './pipelined.ts';
import { profilePhases } from './profile.ts';
import { describeCorpus, printByKind, printMemory, printOutcomes, printProfile, printThroughput, printVerdicts } from './report.ts';
import { serviceCpuDelta, serviceCpuMs } from './service-cpu.ts';
import { timeSequential, type Outcome, type Run } from './timing.ts';
import { waitSampler } from './waits.ts';

/** The bench's database, Redis and seeded property, shared by its steps. */
interface Bench {
  serverUrl: string;
  redisUrl: string;
  /** The bench database's URL. */
  url: string;
  db: Kysely<Database>;
  prefix: string;
  redis: ReturnType<typeof createRedis>;
  jobs: BullJobQueue;
}

/** The corpora of a run: a warm-up, the measured corpus, and the phase profile's. */
interface Corpora {
  options: Omit<Parameters<typeof buildCorpus>[1], 'tag'>;
  tag: string;
  warmup: CorpusEmail[];
  corpus: CorpusEmail[];
  profile: CorpusEmail[];
}

/** A named list of how each email of a run was filed. */
interface Check {
  name: string;
  outcomes: Outcome[];
}

async function main(): Promise<void> {
  const bench = await openBench();
  const { db, jobs, url } = bench;
  try {
    const { property, targets } = await seedBench(db, jobs);
    const pgSettings = await postgresSettings(db);

    // Memory first, while the process has not yet peaked on anything else (getrusage's
    // maxRSS is a lifetime high-water mark).
    const memory = await measureBigAttachment(db, jobs, property);

    const corpora = buildCorpora(property, targets);
    console.log(
      `\nSwitchboard bench:mail — Postgres ${pgSettings.server_version} (fsync=${pgSettings.fsync}, synchronous_commit=${pgSettings.synchronous_commit}), BullMQ on Redis (prefix ${bench.prefix})`,
    );
    console.log(describeCorpus(corpora.corpus, targets.length));

    const { names, parseRuns } = await timeParsers(corpora);
    const baseline = parseRuns[0]!;
    const { sequential, outcomes } = await timeOneByOne(bench, property, corpora);
    const checks: Check[] = [{ name: 'one by one, sequential', outcomes }];
    const concurrent = await timePipelinedShapes(bench, property, corpora, checks);

    printThroughput(names, parseRuns, sequential, concurrent, baseline);
    printByKind(corpora.corpus, baseline, sequential);
    console.log('');
    for (const check of checks) printOutcomes(check.name, check.outcomes, targets);
    printMemory(memory);

    if (corpora.profile.length > 0) {
      const profile = await profilePhases(url, jobs, property, corpora.profile);
      printProfile(profile, baseline);
    }
    printVerdicts(parseRuns, sequential, concurrent, batchSize);
  } finally {
    await closeBench(bench);
  }
}

/** Postgres and Redis (embedded unless configured), a fresh bench database, a queue prefix of its own. */
async function openBench(): Promise<Bench> {
  const services =
    config.databaseUrl && config.redisUrl
      ? null
      : await servicesUp({ dataDir: config.dataDir, log: (m) => console.log(`[services] ${m}`) });
  const serverUrl = config.databaseUrl ?? services!.databaseUrl;
  const redisUrl = config.redisUrl ?? services!.redisUrl;
  const url = await freshDatabase(serverUrl);
  const db = connectDatabase(url, { max: Math.max(10, ...concurrencyLevels.map((n) => n + 2)) });
  const prefix = `bench-mail-${randomBytes(4).toString('hex')}`;
  const redis = createRedis(redisUrl, 'producer');
  const jobs = new BullJobQueue(redis, prefix);
  return { serverUrl, redisUrl, url, db, prefix, redis, jobs };
}

async function closeBench({ serverUrl, db, redis, jobs }: Bench): Promise<void> {
  await Promise.all(
    queueNames.map((q) =>
      jobs
        .queue(q)
        .obliterate({ force: true })
        .catch(() => {}),
    ),
  );
  await jobs.close();
  redis.disconnect();
  await db.destroy();
  if (!args.keep) await dropDatabase(serverUrl);
}

function buildCorpora(property: Property, targets: ThreadTarget[]): Corpora {
  const addresses = { support: supportAddress(property), supportName: property.name };
  const tag = randomBytes(3).toString('hex');
  const options = { seed: 42, targets, addresses };
  return {
    options,
    tag,
    warmup: buildCorpus(Math.min(200, count), { ...options, tag: `${tag}-w`, seed: 7 }),
    corpus: buildCorpus(count, { ...options, tag: `${tag}-s` }),
    profile: profileCount > 0 ? buildCorpus(profileCount, { ...options, tag: `${tag}-p`, seed: 43 }) : [],
  };
}

/** Parsing alone, sequentially, each after a warm-up pass; the first is the baseline. */
async function timeParsers({ warmup, corpus }: Corpora): Promise<{ names: string[]; parseRuns: Run[] }> {
  const parsers: [string, (raw: Buffer) => Promise<unknown>][] = [
    ['simpleParser, default options  ← baseline', (raw) => simpleParser(raw)],
    ["simpleParser, parseEmail's options", (raw) => simpleParser(raw, simpleParserOptions)],
    ['parseEmail (Switchboard parse step)', (raw) => parseEmail(raw, limits)],
  ];
  const parseRuns: Run[] = [];
  for (const [, parse] of parsers) {
    await timeSequential(warmup, (e) => parse(e.raw));
    parseRuns.push(await timeSequential(corpus, (e) => parse(e.raw)));
  }
  return { names: parsers.map(([name]) => name), parseRuns };
}

/**
 * The inbound path one email at a time: store (dedupe, enqueue inbound-<id>), then ingest
 * (parse, detect bounce/automatic, thread, file, acknowledge) — what the SMTP ingress and the job do.
 */
async function timeOneByOne(
  { db, jobs }: Bench,
  property: Property,
  { warmup, corpus }: Corpora,
): Promise<{ sequential: Run; outcomes: Outcome[] }> {
  let outcomes: Outcome[] = [];
  const fileOne = async (email: CorpusEmail) => {
    const stored = await storeInboundEmail(db, jobs, email.raw, {
      propertyId: property.id,
      via: 'smtp',
      from: email.envelopeFrom,
      to: [email.rcptTo],
    });
    if (stored.duplicate) throw new Error('corpus message stored as a duplicate');
    outcomes.push({ email, outcome: await ingestInboundEmail(db, jobs, stored.id, limits) });
  };
  await timeSequential(warmup.slice(0, oneByOneCount), fileOne);
  outcomes = [];
  const sequential = await timeSequential(corpus.slice(0, oneByOneCount), fileOne);
  return { sequential, outcomes };
}

/**
 * The shapes of the pipelined runs: everything in this thread (as `switchboard start` runs
 * it), or the ingress and each worker in a thread of its own (as separate processes).
 */
function pipelinedShapes({ db, jobs, url, redisUrl, prefix }: Bench, property: Property): Shape[] {
  // As the SMTP ingress stores: concurrent sessions' messages committed in groups, handing
  // the stored bytes to the filing worker of the same process, as `switchboard start` does.
  const handoff = new RawMailHandoff();
  const group = new InboundGroupCommit(db, jobs, handoff);
  const store = (email: CorpusEmail) =>
    group.store(email.raw, { propertyId: property.id, via: 'smtp', from: email.envelopeFrom, to: [email.rcptTo] });
  // The inbound-email job as the worker runs it, on the jobs the store queued.
  const file = (data: JobPayloads['inbound-email']) =>
    fileInboundEmails(db, jobs, [data.inboundEmailId, ...(data.alsoIds ?? [])], limits, { batchSize, handoff });
  return [
    ...(ingressModes.has('process') ? [{ ingress: inProcessIngress(store), filing: inProcessFiling(redisUrl, prefix, file) }] : []),
    ...(ingressModes.has('thread')
      ? workerCounts.map((n) => ({
          ingress: threadIngress({ databaseUrl: url, redisUrl, prefix, propertyId: property.id }),
          filing: threadFiling(n, { databaseUrl: url, redisUrl, prefix, limits, batchSize }),
        }))
      : []),
  ];
}

/** Each pipelined shape warmed up, then its measured runs at each level; adds their outcomes to `checks`. */
async function timePipelinedShapes(bench: Bench, property: Property, corpora: Corpora, checks: Check[]): Promise<Concurrent[]> {
  const concurrent: Concurrent[] = [];
  const shapes = pipelinedShapes(bench, property);
  try {
    for (const [s, shape] of shapes.entries()) {
      // Warm-up: a worker thread is a V8 isolate of its own, whose code is compiled afresh.
      // With 200 emails, optimising compilation still took 16% of Node's CPU during the
      // measured run (perf); a long-running worker has long done it.
      await timePipelined(
        buildCorpus(Math.min(pipelinedWarmup, count), { ...corpora.options, tag: `${corpora.tag}-pw-${s}`, seed: 8 }),
        Math.max(1, ...concurrencyLevels),
        shape,
      );
      // The bench's database is new: until autovacuum analyses it (at most once a minute),
      // the planner takes the tickets and contacts tables for the handful of rows they had
      // when each connection first checked a foreign key against them, and the checks
      // scan the whole table (13 million rows read in one run of 6,000 emails). A live
      // install has statistics; so does the bench once it has mail to count.
      await sql`ANALYZE`.execute(bench.db);
      for (const level of concurrencyLevels)
        for (let r = 0; r < runsPerShape; r++) {
          // A corpus of the same shapes and sizes with Message-IDs of its own.
          const corpusOfRun = buildCorpus(count, { ...corpora.options, tag: `${corpora.tag}-c${level}-${s}-r${r}` });
          const { run, check } = await timePipelinedRun(bench.db, corpusOfRun, level, shape, r);
          concurrent.push(run);
          checks.push(check);
        }
    }
  } finally {
    for (const { ingress, filing } of shapes) await Promise.all([ingress.close(), filing.close()]);
  }
  return concurrent;
}

/**
 * One measured pipelined run. The machine is shared: bare simpleParser is timed again on the
 * run's emails right before and after it, and the run is compared with what the parser did around it.
 */
async function timePipelinedRun(
  db: Kysely<Database>,
  corpusOfRun: CorpusEmail[],
  level: number,
  shape: Shape,
  r: number,
): Promise<{ run: Concurrent; check: Check }> {
  const before = await timeSequential(corpusOfRun, (e) => simpleParser(e.raw));
  const waits = waitSampler(db);
  const servicesBefore = serviceCpuMs();
  const { run, outcomes: filed, batches, jobs: jobRuns, cpuMs, busy, storedBy } = await timePipelined(corpusOfRun, level, shape);
  const servicesAfter = serviceCpuMs();
  const services = servicesBefore && servicesAfter ? serviceCpuDelta(servicesBefore, servicesAfter) : null;
  const stopped = await waits.stop();
  const after = await timeSequential(corpusOfRun, (e) => simpleParser(e.raw));
  const adjacent = (before.perSecond + after.perSecond) / 2;
  return {
    run: {
      level,
      shape: shapeName(shape),
      repeat: r + 1,
      run,
      waits: stopped,
      batches,
      jobRuns,
      cpuMs,
      services,
      busy,
      adjacent,
      storedBy,
    },
    check: { name: `batched, ${level} at once, ${shapeName(shape)}, run ${r + 1}`, outcomes: filed },
  };
}

await main();
