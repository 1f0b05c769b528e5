/** Latency percentiles of one measured call, in milliseconds. */
export interface Latency {
  p50: number;
  p95: number;
  /** Timed runs (fewer than asked when the time budget ran out). */
  runs: number;
}

/** How long to measure: runs after a warm-up, cut short once `budgetMs` is spent (but never below `minRuns`). */
export interface MeasureOptions {
  runs: number;
  warmup: number;
  budgetMs: number;
  minRuns: number;
}

/** Times `call` sequentially and returns its p50 and p95 (nearest-rank). */
export async function measure(call: () => Promise<unknown>, options: MeasureOptions): Promise<Latency> {
  for (let i = 0; i < options.warmup; i++) await call();
  const samples: number[] = [];
  const deadline = performance.now() + options.budgetMs;
  while (samples.length < options.runs && (samples.length < options.minRuns || performance.now() < deadline)) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), runs: samples.length };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}
