// bench:timers' options and fixed settings, and the helpers its steps log with.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

export const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    'spread-seconds': { type: 'string', default: '60' },
    'skip-chats': { type: 'boolean', default: false },
  },
});
export const count = Number(args.count);
export const spreadMs = Number(args['spread-seconds']) * 1000;
if (!Number.isInteger(count) || count < 1 || !(spreadMs > 0))
  throw new Error('--count must be a whole number ≥ 1 and --spread-seconds > 0');

export const benchDatabase = 'switchboard_bench_timers';
/** The first due time comes this long after seeding ends. */
export const leadMs = 20_000;
/** After the last due time, how long to wait for stragglers before counting the rest missed (waiting ends when all have fired). */
export const settleMs = 120_000;
export const target = { p99Ms: 1000, maxMs: 2000 };
/** The first-response target of the tickets; at-risk at 99% of it, 6 s before each breach. */
export const firstTarget = '10m';
export const firstTargetMs = 10 * 60_000;
export const atRiskShare = 0.99;
/** The chats' trigger delay, and an inactivity timeout that keeps their other timer out of the window. */
export const triggerDelaySeconds = 600;
export const inactivityTimeoutSeconds = 3600;
/** Items per transaction when seeding and when their clocks are computed (a mail filing batch holds up to 400). */
export const batchSize = 400;

export const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 23)}] ${message}`);
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Due time of the i-th of `count` items, spread evenly over [t0, t0 + spread). */
export const dueAt = (t0: number, i: number) => t0 + Math.floor((i * spreadMs) / count);

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
