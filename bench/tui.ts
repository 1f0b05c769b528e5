// The dashboard on a big install: 1,000,000 conversations (the bench/inbox data set) and
// 100,000 jobs over six queues. Prints the time from start to the first full render (inbox
// page, open-unassigned count, queue counts, health) and the cost of one refresh, on a
// headless blessed screen at 200×50. Run with `npm run bench:tui` (options: --runs N, --reseed).
import { randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { parseConfig, readEnvironment } from '../core/config/config.ts';
import { connectDatabase } from '../core/db/connect.ts';
import { queueNames } from '../core/jobs/job-catalog.ts';
import { servicesUp } from '../services/embedded-services.ts';
import { startDashboard } from '../tui/dashboard.ts';
import { databaseUrlFor, ensureSeeded, mainSlug } from './inbox-seed.ts';
import { measure } from './latency.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '50' }, reseed: { type: 'boolean', default: false } } });
const jobsTotal = 100_000;
const targets = { firstRenderMs: 100, refreshMs: 30 };

/** Fake TTY streams: the screen renders for real, its output goes nowhere. */
function terminal(columns: number, rows: number) {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
  const output = Object.assign(new Writable({ write: (_c, _e, done) => done() }), { isTTY: true, columns, rows });
  return { input, output };
}

/** Fills six queues with `jobsTotal` jobs in several states (waiting, delayed, prioritized). */
async function fillQueues(redis: Redis, prefix: string): Promise<Queue[]> {
  const queues = queueNames.slice(0, 6).map((name) => new Queue(name, { connection: redis, prefix }));
  const perQueue = Math.ceil(jobsTotal / queues.length);
  for (const queue of queues) {
    for (let done = 0; done < perQueue; done += 1000) {
      const batch = Array.from({ length: Math.min(1000, perQueue - done) }, (_, i) => {
        const n = done + i;
        const opts = n % 3 === 0 ? { delay: 86_400_000 } : n % 3 === 1 ? { priority: 1 + (n % 5) } : {};
        return { name: 'bench', data: { n }, opts: { ...opts, jobId: `bench-${n}` } };
      });
      await queue.addBulk(batch);
    }
  }
  return queues;
}

async function main(): Promise<void> {
  const config = parseConfig(readEnvironment());
  const services =
    config.databaseUrl && config.redisUrl
      ? null
      : await servicesUp({ dataDir: config.dataDir, log: (m) => console.log(`[services] ${m}`) });
  const serverUrl = config.databaseUrl ?? services!.databaseUrl;
  const redisUrl = config.redisUrl ?? services!.redisUrl;
  await ensureSeeded(
    serverUrl,
    'switchboard_bench',
    { conversations: 1_000_000, tickets: 100_000 },
    { reseed: args.reseed, log: (m) => console.log(`[seed] ${m}`) },
  );

  const db = connectDatabase(databaseUrlFor(serverUrl, 'switchboard_bench'), { max: 10 });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const prefix = `bench-tui-${randomBytes(4).toString('hex')}`;
  const started = performance.now();
  const queues = await fillQueues(redis, prefix);
  console.log(
    `queued ${jobsTotal.toLocaleString('en')} jobs over ${queues.length} queues in ${((performance.now() - started) / 1000).toFixed(1)} s (prefix ${prefix})`,
  );
  try {
    const property = await db
      .selectFrom('properties')
      .select(['id', 'slug', 'name'])
      .where('slug', '=', mainSlug)
      .executeTakeFirstOrThrow();
    const firsts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { input, output } = terminal(200, 50);
      const t0 = performance.now();
      const dashboard = startDashboard({ db, redis, queuePrefix: prefix, property, input, output, refreshMs: 3_600_000 });
      await dashboard.refresh();
      firsts.push(performance.now() - t0);
      const rows = dashboard.state().inbox.items.length;
      if (i === 0) console.log(`first dashboard: ${rows} inbox rows shown at 200×50`);
      if (i < 4) await dashboard.quit();
      else {
        const refresh = await measure(() => dashboard.refresh(), { runs: Number(args.runs), warmup: 3, budgetMs: 20_000, minRuns: 10 });
        await dashboard.quit();
        firsts.sort((a, b) => a - b);
        const median = firsts[Math.floor(firsts.length / 2)]!;
        console.log(
          `time to first full render: median ${median.toFixed(1)} ms of ${firsts.length} starts (min ${firsts[0]!.toFixed(1)}, max ${firsts.at(-1)!.toFixed(1)}); target ≤ ${targets.firstRenderMs} ms → ${median <= targets.firstRenderMs ? 'meets' : 'MISSES'}`,
        );
        console.log(
          `one refresh (health, page, count, ${queues.length} queues' counts, render): p50 ${refresh.p50.toFixed(1)} ms, p95 ${refresh.p95.toFixed(1)} ms over ${refresh.runs} runs; target ≤ ${targets.refreshMs} ms → ${refresh.p95 <= targets.refreshMs ? 'meets' : 'MISSES'}`,
        );
      }
    }
  } finally {
    for (const queue of queues) await queue.obliterate({ force: true }).catch(() => {});
    await Promise.all(queues.map((q) => q.close()));
    redis.disconnect();
    await db.destroy();
  }
}

await main();
