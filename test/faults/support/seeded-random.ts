// Deterministic randomness for the fuzz runs. Every case draws from its own generator, made
// from the run's seed and the case's index, so one failing case can be replayed alone
// (FUZZ_SEED=<seed> and its index) without generating the cases before it.

/** A random source with the helpers the mutators use. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
  bytes(n: number): Buffer;
}

/** mulberry32 over a 32-bit state: small, fast, and the same on every machine. */
export function rngFrom(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (list) => list[Math.floor(next() * list.length)]!,
    chance: (p) => next() < p,
    bytes(n) {
      const out = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
      return out;
    },
  };
}

/** The generator of case `index` of a run seeded with `seed`. */
export function caseRng(seed: number, index: number): Rng {
  // Mix the index in (a multiplicative hash) so neighbouring cases do not get related streams.
  return rngFrom((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
}

/** The run's seed and case count: FUZZ_SEED and FUZZ_CASES when set, else a fresh seed and the default count. */
export function fuzzSettings(defaultCases: number): { seed: number; cases: number } {
  const seedText = process.env.FUZZ_SEED;
  const seed = seedText ? Number(seedText) >>> 0 : Math.floor(Math.random() * 2 ** 32) >>> 0;
  const cases = process.env.FUZZ_CASES ? Math.max(1, Math.floor(Number(process.env.FUZZ_CASES))) : defaultCases;
  if (!Number.isFinite(seed) || !Number.isFinite(cases))
    throw new Error(`FUZZ_SEED and FUZZ_CASES must be numbers (got ${seedText}, ${process.env.FUZZ_CASES})`);
  return { seed, cases };
}
