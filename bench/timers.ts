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
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseConfig, readEnvironment } from '../core/config/config.ts';
import { connectDatabase } from '../core/db/connect.ts';
import { recreateDatabase } from './bench-database.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import { queueNames } from '../core/jobs/job-catalog.ts';
import { servicesUp } from '../services/embedded-services.ts';
import { spawnSwitchboard } from '../test/faults/support/switchboard-process.ts';
import { BullJobQueue } from '../queue/bullmq-job-queue.ts';
import { createRedis } from '../queue/redis-connection.ts';
import { benchBare } from './timers/bare.ts';
import { benchBreaches } from './timers/breaches.ts';
import { args, benchDatabase, count, leadMs, load, log, spreadMs, target } from './timers/options.ts';
import { printJobTimes, printRow, verdict } from './timers/report.ts';
import { benchTriggers } from './timers/triggers.ts';

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

async function main(): Promise<void> {
  const loadAtStart = load();
  log(
    `bench:timers — ${count} timers per kind due over ${spreadMs / 1000} s, ${leadMs / 1000} s after seeding; ${cpus().length} CPUs; loadavg at start ${loadAtStart}`,
  );
  // The bench is a composition root: it alone reads the environment.
  const config = parseConfig(readEnvironment());
  const services =
    config.databaseUrl && config.redisUrl ? null : await servicesUp({ dataDir: config.dataDir, log: (m) => log(`[services] ${m}`) });
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
  const worker = spawnSwitchboard(
    'worker',
    ['worker'],
    { DATABASE_URL: url, REDIS_URL: redisUrl, SWITCHBOARD_QUEUE_PREFIX: prefix, METRICS_PORT: '0', LOG_LEVEL: 'info' },
    logFile,
    'workers started',
  );
  let ok = true;
  try {
    await worker.ready;
    log(`worker process ${worker.child.pid} started (log ${logFile}); database ${benchDatabase}, queue prefix ${prefix}`);

    const breaches = await benchBreaches(db, jobs);
    const triggers = args['skip-chats'] ? null : await benchTriggers(db, jobs);
    const bare = await benchBare(redisUrl, `${prefix}-bare`);

    console.log(
      `\nlateness in ms (record's created_at − due time), ${count} timers due over ${spreadMs / 1000} s; loadavg at start ${loadAtStart}, at end ${load()}`,
    );
    console.log(
      `  ${''.padEnd(34)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)} ${'min'.padStart(7)}  ${'fired'.padStart(6)} ${'missed'.padStart(6)} ${'twice'.padStart(6)}  ${'×p50'.padStart(7)} ${'×p99'.padStart(7)} ${'×max'.padStart(7)}`,
    );
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
    for (const name of queueNames)
      await jobs
        .queue(name)
        .obliterate({ force: true })
        .catch(() => {});
    await jobs.close();
    producer.disconnect();
    await db.destroy();
  }
  if (!ok) process.exitCode = 1;
}

await main();
