// One run of the mixed load against real Switchboard processes (one ingress, N workers) on
// the fault suite's own Postgres and Redis, with a fault injected while the load runs; it
// ends when everything promised is done (or a deadline passes) and returns the tally.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, readEnvironment } from '../../../core/config/config.ts';
import { connectDatabase } from '../../../core/db/connect.ts';
import { migrateToLatest } from '../../../core/db/migrate.ts';
import { queueNames } from '../../../core/jobs/job-catalog.ts';
import { createProperty, updateProperty } from '../../../core/properties/property-store.ts';
import { pickFreePort } from '../../../services/loopback-port.ts';
import { BullJobQueue } from '../../../queue/bullmq-job-queue.ts';
import { createRedis } from '../../../queue/redis-connection.ts';
import { messageIdOf, startSmtpCapture, type SmtpCapture } from '../../support/smtp-capture.ts';
import type { FaultServices } from './fault-services.ts';
import { noTargets } from '../../../core/responses/response-targets.ts';
import { setResponseTargets } from '../../../core/responses/response-settings.ts';
import { driveLoad, loadResponseTargets, planLoad, type Acknowledged, type LoadSize } from './mixed-load.ts';
import { spawnSwitchboard, type SwitchboardProcess } from './switchboard-process.ts';
import { setPriority } from 'node:os';
import { breachesMissed, formatTally, takeTally, type Tally } from './tally.ts';

/** What a fault can reach while the load runs. */
export interface FaultContext {
  services: FaultServices;
  workers: () => SwitchboardProcess[];
  /** SIGKILLs a worker (the oldest alive) and starts a new one in its place. */
  killWorker(): Promise<void>;
  stopSmtp(): Promise<void>;
  startSmtp(): Promise<void>;
  log(message: string): void;
}

export interface RunOptions {
  name: string;
  size: LoadSize;
  /** General worker processes (every queue but outbound mail); one more runs outbound mail. */
  workers: number;
  /** The fault, started with the load; the run waits for it to finish too. */
  fault?: (ctx: FaultContext) => Promise<void>;
  /** How long after the load everything may take to be done. */
  settleMs: number;
  /** How long missed chats stay open (default: mixed-load's, long enough for faults). */
  missedChatOpenMs?: number;
  /** Jobs at once per queue in each worker process. */
  concurrency?: number;
}

export interface RunResult {
  tally: Tally;
  ack: Acknowledged;
  /** From the first request to everything done. */
  seconds: number;
  /** From the first request to the load acknowledged. */
  loadSeconds: number;
  /** Switchboard processes that exited without being told to (a crash): names and how. */
  crashed: string[];
  /** How many times a mail worker was killed -9, and how many sends each had in flight at most. */
  mailWorkerKills: number;
  mailWorkerConcurrency: number;
  summary: string;
}

const triggerDelaySeconds = 1;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runWithFault(services: FaultServices, options: RunOptions): Promise<RunResult> {
  const logDir = join(parseConfig(readEnvironment()).dataDir, 'faults', 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${options.name}.log`);
  writeFileSync(logFile, '');
  const log = (message: string) => console.log(`[${options.name}] ${message}`);
  const databaseUrl = await services.createDatabase(`fault_${options.name.replace(/\W/g, '_')}`);
  const db = connectDatabase(databaseUrl, { max: 8 });
  const prefix = `fault-${randomBytes(3).toString('hex')}`;
  const producer = createRedis(services.redisUrl, 'producer');
  const jobs = new BullJobQueue(producer, prefix);
  const processes: SwitchboardProcess[] = [];
  const told = new Set<SwitchboardProcess>();
  const crashed: string[] = [];
  const watch = (p: SwitchboardProcess) => {
    processes.push(p);
    void p.exited.then((how) => {
      if (!told.has(p)) crashed.push(`${p.name} (${String(how)})`);
    });
    return p;
  };
  let smtp: SmtpCapture | null = null;
  // The SMTP server stops and starts again in one fault: every incarnation's deliveries count.
  const captures: SmtpCapture[] = [];
  const received = () => captures.flatMap((c) => c.messages.map((m) => messageIdOf(m.raw) ?? '(none)'));
  try {
    await migrateToLatest(db);
    const created = await createProperty(db, {
      slug: 'faults',
      name: 'Fault Shop',
      supportAddress: 'help@fault-shop.example',
      inboundDomain: 'in.fault-shop.example',
    });
    await updateProperty(db, created.id, { trigger_delay_seconds: triggerDelaySeconds });
    // Short response targets, 24×7 (no business hours are set): the at-risk and breach timers
    // of most items come due, and fire, while the fault happens.
    const { property } = await setResponseTargets(db, created.id, {
      ...noTargets,
      base: { first: loadResponseTargets.firstMs, next: loadResponseTargets.nextMs },
      atRiskShare: loadResponseTargets.atRiskShare,
    });
    if (property.business_hours !== null) throw new Error('the fault property has business hours: its clocks would not run 24×7');

    const smtpPort = await pickFreePort();
    smtp = await startSmtpCapture(smtpPort);
    captures.push(smtp);
    const httpPort = await pickFreePort();
    const smtpIngressPort = await pickFreePort();
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: services.redisUrl,
      SWITCHBOARD_QUEUE_PREFIX: prefix,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_RATE_PER_MINUTE: '100000',
      WORKER_LOCK_DURATION_MS: '5000',
      RECONCILE_EVERY_MS: '2000',
      RECONCILE_GRACE_SECONDS: '5',
      METRICS_PORT: '0',
      INGRESS_PORT: String(httpPort),
      SMTP_INGRESS_PORT: String(smtpIngressPort),
    };
    watch(spawnSwitchboard('ingress', ['ingress'], env, logFile, 'SMTP ingress listening'));
    // The topology docs/OPERATIONS.md recommends: outbound mail in a worker process of its
    // own, with CPU priority, so that neither a CPU-bound job nor a busy machine delays the
    // instant between recording a send and finishing it; every other queue in the general
    // workers.
    const concurrency = options.concurrency ?? 4;
    let workerCount = 0;
    const general = queueNames.filter((q) => q !== 'mail-outbound').join(',');
    const startWorker = (queues: string) => {
      const name = `${queues === 'mail-outbound' ? 'mail-worker' : 'worker'}-${++workerCount}`;
      return watch(
        spawnSwitchboard(name, ['worker', '--queues', queues, '--concurrency', String(concurrency)], env, logFile, 'workers started'),
      );
    };
    const queuesOf = new Map<SwitchboardProcess, string>();
    const start = (queues: string) => {
      const worker = startWorker(queues);
      queuesOf.set(worker, queues);
      if (queues === 'mail-outbound') prioritise(worker, log);
      return worker;
    };
    for (let i = 0; i < options.workers; i++) start(general);
    start('mail-outbound');
    await Promise.all(processes.map((p) => p.ready));
    const alive = () => processes.filter((p) => queuesOf.has(p) && p.child.exitCode === null && p.child.signalCode === null);

    const plan = await planLoad(db, property, options.size, triggerDelaySeconds * 1000, options.missedChatOpenMs);
    log(
      `load: ${plan.chats.length} chats (${plan.chats.length * 5} events), ${plan.emails.length} emails, ${plan.replies.length} agent replies; ${options.workers} general worker processes and 1 for outbound mail`,
    );
    // When each mail worker was killed: a send in flight then may be lost (the tally says which).
    const mailWorkerKills: number[] = [];
    const ctx: FaultContext = {
      services,
      workers: alive,
      async killWorker() {
        // The oldest worker alive, whichever its queues: in turn, every one gets killed.
        const victim = alive()[0];
        if (!victim) return;
        log(`kill -9 ${victim.name} (pid ${victim.child.pid})`);
        if (queuesOf.get(victim) === 'mail-outbound') mailWorkerKills.push(Date.now());
        told.add(victim);
        await victim.kill('SIGKILL');
        await start(queuesOf.get(victim)!).ready;
      },
      async stopSmtp() {
        log('SMTP server stops');
        await smtp!.close();
      },
      async startSmtp() {
        smtp = await startSmtpCapture(smtpPort);
        captures.push(smtp);
        log('SMTP server is back');
      },
      log,
    };
    const started = performance.now();
    const load = driveLoad(
      plan,
      { ingressUrl: `http://127.0.0.1:${httpPort}`, smtpPort: smtpIngressPort, db, jobs, property },
      Date.now() + options.settleMs,
    );
    const fault = options.fault?.(ctx) ?? Promise.resolve();
    const [loaded, faulted] = await Promise.allSettled([load, fault]);
    if (faulted.status === 'rejected') throw faulted.reason;
    if (loaded.status === 'rejected') throw loaded.reason;
    const ack = loaded.value;
    const loadSeconds = (performance.now() - started) / 1000;
    log(`load acknowledged in ${loadSeconds.toFixed(1)} s`);

    // Done means nothing promised is missing; then a little longer, for late duplicates.
    const deadline = Date.now() + options.settleMs;
    let tally = await takeTally(db, property.id, plan, ack, received(), mailWorkerKills);
    // Done also means every at-risk and breach time of the load has come, and each that was due has fired.
    const unsettled = (t: Tally) => t.totalLost > 0 || t.breaches.pending > 0 || breachesMissed(t.breaches) > 0;
    while (unsettled(tally) && Date.now() < deadline) {
      await sleep(1000);
      tally = await takeTally(db, property.id, plan, ack, received(), mailWorkerKills);
    }
    const seconds = (performance.now() - started) / 1000;
    await sleep(3000);
    tally = await takeTally(db, property.id, plan, ack, received(), mailWorkerKills);
    const summary =
      formatTally(options.name, tally, ack, seconds) + (crashed.length ? `\n         CRASHED: ${crashed.join(', ')} (see ${logFile})` : '');
    console.log(summary);
    return {
      tally,
      ack,
      seconds,
      loadSeconds,
      summary,
      crashed,
      mailWorkerKills: mailWorkerKills.length,
      mailWorkerConcurrency: concurrency,
    };
  } finally {
    for (const p of processes) told.add(p);
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
    await smtp?.close().catch(() => {});
    await jobs.close().catch(() => {});
    producer.disconnect();
    await db.destroy();
  }
}

/**
 * Raises a process's CPU priority (nice -10), as docs/OPERATIONS.md recommends for the mail
 * worker: between the database's answer that an email is recorded sent and the "." that
 * completes it, a process waiting for a CPU behind busier ones could be killed. Needs root or
 * CAP_SYS_NICE; without them the run goes on at normal priority, and says so.
 */
function prioritise(worker: SwitchboardProcess, log: (message: string) => void): void {
  try {
    setPriority(worker.child.pid!, -10);
  } catch (error) {
    log(`${worker.name} keeps normal CPU priority (${(error as Error).message})`);
  }
}
