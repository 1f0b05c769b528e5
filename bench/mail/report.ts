// What bench/mail prints.
import type { CorpusEmail, EmailKind, ThreadTarget } from './corpus.ts';
import { replyKinds } from './corpus.ts';
import type { MemoryResult } from './memory.ts';
import { attachmentMb, targetRatio } from './options.ts';
import type { Concurrent } from './pipelined.ts';
import type { Profile } from './profile.ts';
import { percentile, type Outcome, type Run } from './timing.ts';

export function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function mb(bytes: number): string {
  return `${fmt(bytes / 1024 / 1024)} MB`;
}

export function describeCorpus(corpus: CorpusEmail[], targets: number): string {
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

export function printThroughput(names: string[], parseRuns: Run[], sequential: Run, concurrent: Concurrent[], baseline: Run): void {
  const row = (name: string, run: Run, ratio: string) =>
    console.log(
      `  ${name.padEnd(46)} ${fmt(run.perSecond).padStart(9)} ${fmt(run.p50, 2).padStart(8)} ${fmt(run.p95, 2).padStart(8)}  ${ratio}`,
    );
  console.log(`\nthroughput over the same ${baseline.emails} raw emails (per-email latency in ms)`);
  console.log(`  ${''.padEnd(46)} ${'emails/s'.padStart(9)} ${'p50'.padStart(8)} ${'p95'.padStart(8)}  × baseline`);
  console.log('  parse only, sequential:');
  parseRuns.forEach((run, i) => row(`  ${names[i]}`, run, i === 0 ? '1.00' : (run.perSecond / baseline.perSecond).toFixed(2)));
  console.log('  store + file (parse, thread, file) on Postgres + BullMQ:');
  const verdict = (run: Run) =>
    `${(run.perSecond / baseline.perSecond).toFixed(2)}  ${run.perSecond / baseline.perSecond >= targetRatio ? 'meets' : 'MISSES'} ≥ ${targetRatio}`;
  row('  one by one (ingestInboundEmail), sequential', sequential, verdict(sequential));
  for (const { level, run, shape, adjacent, repeat } of concurrent) {
    const r = run.perSecond / adjacent;
    row(
      `  batched, ${level}+${level} at once: ${shape}, run ${repeat}`,
      run,
      `${(run.perSecond / baseline.perSecond).toFixed(2)}; × adjacent baseline ${fmt(adjacent)}/s: ${r.toFixed(2)}  ${r >= targetRatio ? 'meets' : 'MISSES'} ≥ ${targetRatio}`,
    );
  }
  console.log("    (batched: p50/p95 from the start of an email's store to the end of the batch that filed it)");
  for (const { level, batches, jobRuns, cpuMs, services, run, shape, busy, storedBy, repeat } of concurrent) {
    const sorted = [...batches].sort((a, b) => a - b);
    const loops =
      busy.ingress === null
        ? `this thread ${fmt(100 * busy.main, 0)}% (stores and jobs)`
        : `ingress thread ${fmt(100 * busy.ingress, 0)}%, ` +
          (busy.workers.length
            ? `worker threads ${busy.workers.map((b) => `${fmt(100 * b, 0)}%`).join(', ')}`
            : `jobs ${fmt(100 * busy.main, 0)}%`);
    console.log(
      `    ${level} at once, ${shape}, run ${repeat}: all stored after ${fmt(storedBy, 2)} s of ${fmt(run.seconds, 2)} s; ${jobRuns} inbound-email jobs filed ${batches.length} batches, of ${fmt(percentile(sorted, 0.5), 0)} emails at the median (max ${sorted[sorted.length - 1] ?? 0}). ` +
        `Node CPU (all threads) ${fmt(cpuMs / run.emails, 3)} ms/email of ${fmt((1000 * run.seconds) / run.emails, 3)} ms wall (${fmt((100 * cpuMs) / (1000 * run.seconds), 0)}% of one core); ` +
        `event loop busy (wall time, not CPU: a thread waiting for a core counts as busy): ${loops}` +
        (services
          ? `; Postgres ${fmt(services.postgres / run.emails, 3)} ms/email, Redis ${fmt(services.redis / run.emails, 3)} ms/email of CPU`
          : ''),
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

export function printByKind(corpus: CorpusEmail[], baseline: Run, sequential: Run): void {
  console.log('\nby kind (p50 ms): kind, count, mean size, bare simpleParser, store+ingest');
  for (const [kind, pipeline] of sequential.byKind) {
    const parse = [...(baseline.byKind.get(kind) ?? [])].sort((a, b) => a - b);
    const sizes = corpus.filter((e) => e.kind === kind).map((e) => e.raw.length);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    console.log(
      `  ${kind.padEnd(16)} ${String(pipeline.length).padStart(5)} ${`${fmt(mean / 1024)} KB`.padStart(9)} ${fmt(percentile(parse, 0.5), 2).padStart(8)} ${fmt(
        percentile(
          [...pipeline].sort((a, b) => a - b),
          0.5,
        ),
        2,
      ).padStart(8)}`,
    );
  }
}

export function printOutcomes(name: string, outcomes: Outcome[], targets: ThreadTarget[]): void {
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

export function printMemory(m: MemoryResult): void {
  const att = m.attachment
    ? `attachment ${mb(m.attachment.size)}, ${m.attachment.skipped ? 'SKIPPED (over the limit)' : `kept (${mb(m.attachment.stored ?? 0)} in email_attachments)`}`
    : 'no attachment row';
  console.log(
    `\npeak memory ingesting one email with a ${attachmentMb} MB attachment (raw ${mb(m.rawBytes)}, base64; ${m.status}; ${att})`,
  );
  console.log('  peaks above the values just before each step (sampled every 2 ms; the raw buffer itself is held before):');
  console.log(`  ${'step'.padEnd(22)} ${'ms'.padStart(7)} ${'RSS'.padStart(10)} ${'JS heap'.padStart(10)} ${'external'.padStart(10)}`);
  for (const p of m.phases) {
    console.log(
      `  ${p.name.padEnd(22)} ${fmt(p.ms, 0).padStart(7)} ${mb(p.peak.rss).padStart(10)} ${mb(p.peak.heapUsed).padStart(10)} ${mb(p.peak.external).padStart(10)}`,
    );
  }
  console.log(
    `  RSS high-water mark (getrusage) during store + ingest: ${m.maxRssAbove === null ? 'not above the earlier peak' : `${mb(m.maxRssAbove)} above the RSS before`}`,
  );
}

export function printProfile(p: Profile, baseline: Run): void {
  const per = (ms: number) => `${fmt(ms / p.emails, 3)} ms`;
  const total = p.storeMs + p.ingestMs;
  const sqlMs = [...p.queries.values()].reduce((a, q) => a + q.ms, 0);
  const sqlCalls = [...p.queries.values()].reduce((a, q) => a + q.calls, 0);
  const jobMs = [...p.jobs.values()].reduce((a, j) => a + j.ms, 0);
  const jobCalls = [...p.jobs.values()].reduce((a, j) => a + j.calls, 0);
  const cpuMs = p.parseMs + p.bounceMs + p.storeCpuMs;
  console.log(
    `\nwhere the time goes (separate instrumented pass: ${p.emails} emails stored, then filed by their jobs one after the other, batched; per email):`,
  );
  console.log(
    `  total store + file            ${per(total)}   (store ${per(p.storeMs)}, file ${per(p.ingestMs)}); bare simpleParser ${fmt(1000 / baseline.perSecond, 3)} ms`,
  );
  console.log(
    `  SQL round trips               ${per(sqlMs)}   ${fmt(sqlCalls / p.emails)} statements/email, ${fmt(sqlMs / sqlCalls, 3)} ms each`,
  );
  console.log(
    `  BullMQ job adds (Redis)       ${per(jobMs)}   ${fmt(jobCalls / p.emails, 2)} adds/email, ${fmt(jobMs / Math.max(1, jobCalls), 3)} ms each`,
  );
  console.log(`  parseEmail (CPU, measured alone)   ${per(p.parseMs)}`);
  console.log(`  detectBounce (CPU, alone)     ${per(p.bounceMs)}`);
  console.log(`  Message-ID + contentHash (store CPU) ${per(p.storeCpuMs)}`);
  console.log(`  rest (Kysely, pg, other JS)   ${per(Math.max(0, total - sqlMs - jobMs - cpuMs))}`);
  console.log('  statements (calls/email, ms/email):');
  const rows = [...p.queries].sort((a, b) => b[1].ms - a[1].ms);
  for (const [key, q] of rows)
    console.log(`    ${key.padEnd(48)} ${fmt(q.calls / p.emails, 2).padStart(6)} ${fmt(q.ms / p.emails, 3).padStart(8)}`);
  for (const [key, j] of p.jobs)
    console.log(`    ${key.padEnd(48)} ${fmt(j.calls / p.emails, 2).padStart(6)} ${fmt(j.ms / p.emails, 3).padStart(8)}`);
}

/** One verdict per shape and level, on the median of its runs (each against the parser timed around it); then the one-by-one run's. */
export function printVerdicts(parseRuns: Run[], sequential: Run, concurrent: Concurrent[], batchSize: number): void {
  const baseline = parseRuns[0]!;
  const ratio = (run: Run) => run.perSecond / baseline.perSecond;
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
      concurrent
        .map(
          ({ level, run, shape, repeat }) =>
            `batched, ${level}, ${shape}, run ${repeat} ${(run.perSecond / parseRuns[1]!.perSecond).toFixed(2)} ×`,
        )
        .join(', '),
  );
}
