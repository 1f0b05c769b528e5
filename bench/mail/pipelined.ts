import { performance as perfHooks } from 'node:perf_hooks';
import type { FiledEmail } from '../../core/mail/inbound/filing/filing-types.ts';
import type { CorpusEmail, EmailKind } from './corpus.ts';
import type { Shape } from './filing.ts';
import { push, summarise, type Outcome, type Run } from './timing.ts';
import type { Waits } from './waits.ts';

/**
 * The inbound path as production runs it: `level` sessions store the emails (as parallel SMTP
 * sessions do, committed in groups) and queue their inbound-email jobs on BullMQ, while the
 * shape's workers, each with `level` jobs at once, run them. The time is from the first store
 * to the last email filed; an email's latency is from the start of its store to the end of
 * the job that filed it.
 */
export async function timePipelined(
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
  return {
    run: summarise(samples, byKind, elapsed),
    outcomes,
    batches,
    jobs: jobCount,
    cpuMs: (used.user + used.system) / 1000,
    busy,
    storedBy,
  };
}

/** Share of a run each event loop was busy: this thread's, the ingress thread's and the worker threads' (when they have their own). */
export interface Busy {
  main: number;
  ingress: number | null;
  workers: number[];
}

/** A concurrent run, and what its Postgres sessions were waiting on. */
export interface Concurrent {
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
