// What bench:timers prints: the lateness table, the worker's own job times, the verdicts.
import { readFileSync } from 'node:fs';
import { target } from './options.ts';
import { type Lateness, type Figures, figures } from './lateness.ts';

/** The product worker's own account of its jobs of `jobName` (its log's "job done" lines): time each and throughput. */
export function printJobTimes(logFile: string, pid: number, jobName: string): void {
  const rows = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`"pid":${pid},`) && line.includes(`"jobName":"${jobName}"`) && line.includes('"job done"'))
    .map((line) => JSON.parse(line) as { time: number; ms: number });
  if (!rows.length) return;
  const f = figures(rows.map((r) => r.ms));
  const times = rows.map((r) => r.time - r.ms);
  const span = (Math.max(...rows.map((r) => r.time)) - Math.min(...times)) / 1000;
  console.log(
    `  worker: ${rows.length} ${jobName} jobs, each p50 ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} ms; ${(rows.length / span).toFixed(0)} jobs/s from the first start to the last end (${span.toFixed(1)} s)`,
  );
}

export function printRow(name: string, l: Lateness, base?: Figures): Figures {
  const f = figures(l.samples);
  const ms = (v: number) => (Number.isNaN(v) ? '—' : String(Math.round(v))).padStart(7);
  const ratio = (v: number, b: number) => (base && b > 0 ? `${(v / b).toFixed(1)}×` : '').padStart(7);
  console.log(
    `  ${name.padEnd(34)} ${ms(f.p50)} ${ms(f.p99)} ${ms(f.max)} ${ms(f.min)}  ${String(l.fired).padStart(6)} ${String(l.missed).padStart(6)} ${String(l.twice).padStart(6)}` +
      (base ? `  ${ratio(f.p50, base.p50)} ${ratio(f.p99, base.p99)} ${ratio(f.max, base.max)}` : ''),
  );
  return f;
}

export function verdict(name: string, l: Lateness): boolean {
  const f = figures(l.samples);
  const pass = l.missed === 0 && l.twice === 0 && f.p99 <= target.p99Ms && f.max <= target.maxMs;
  console.log(
    `  ${name}: ${pass ? 'PASS' : 'FAIL'} (p99 ${Math.round(f.p99)} ms ≤ ${target.p99Ms}, max ${Math.round(f.max)} ms ≤ ${target.maxMs}, none missed, none twice)`,
  );
  return pass;
}
