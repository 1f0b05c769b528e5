// What a fuzz run saw, for its printed summary and its assertions: counts by mutation kind
// and by outcome, the slowest cases, and every failure with the case's name (enough to
// replay it with FUZZ_SEED).

/** One finished case. */
export interface CaseResult {
  name: string;
  kind: string;
  outcome: string;
  ms: number;
  /** Set when the case failed: what was wrong. */
  failure?: string;
}

function histogram(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

function table(title: string, counts: Map<string, number>): string {
  const width = Math.max(...[...counts.keys()].map((k) => k.length), 8);
  return [`${title}:`, ...[...counts].map(([k, n]) => `  ${k.padEnd(width)} ${String(n).padStart(6)}`)].join('\n');
}

/** Collects results; `summary()` is the text printed at the end of a run. */
export class FuzzTally {
  readonly results: CaseResult[] = [];

  add(result: CaseResult): void {
    this.results.push(result);
  }

  get failures(): CaseResult[] {
    return this.results.filter((r) => r.failure !== undefined);
  }

  slowest(n: number): CaseResult[] {
    return [...this.results].sort((a, b) => b.ms - a.ms).slice(0, n);
  }

  summary(title: string, seed: number, wallMs: number, extra: string[] = []): string {
    const failures = this.failures;
    return [
      `==== ${title}: ${this.results.length} cases, seed ${seed} (replay: FUZZ_SEED=${seed} FUZZ_CASES=${this.results.length}), ${(wallMs / 1000).toFixed(1)} s ====`,
      table('by outcome', histogram(this.results.map((r) => r.outcome))),
      table('by mutation kind', histogram(this.results.map((r) => r.kind))),
      ...extra,
      'slowest:',
      ...this.slowest(8).map((r) => `  ${r.ms.toFixed(0).padStart(6)} ms  ${r.outcome.padEnd(12)} ${r.name}`),
      `failures: ${failures.length}`,
      ...failures.slice(0, 30).map((r) => `  ${r.name}\n    -> ${r.failure}`),
    ].join('\n');
  }
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function runPool<T>(items: Iterable<T>, concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const lane = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) await work(next.value);
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

/** Resolves with `promise`'s value, or rejects with a timeout error after `ms` (the promise runs on). */
export function withinMs<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
