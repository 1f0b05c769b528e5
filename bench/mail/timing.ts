import type { IngestOutcome } from '../../core/mail/inbound/filing/filing-types.ts';
import type { CorpusEmail, EmailKind } from './corpus.ts';

/** Timings of a run over a corpus. */
export interface Run {
  emails: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  /** Per-email milliseconds by kind. */
  byKind: Map<EmailKind, number[]>;
}

export async function timeSequential(emails: CorpusEmail[], call: (email: CorpusEmail) => Promise<unknown>): Promise<Run> {
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

export function summarise(samples: number[], byKind: Map<EmailKind, number[]>, elapsedMs: number): Run {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    emails: samples.length,
    seconds: elapsedMs / 1000,
    perSecond: samples.length / (elapsedMs / 1000),
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    byKind,
  };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** How one email of a run was filed. */
export interface Outcome {
  email: CorpusEmail;
  outcome: IngestOutcome;
}
