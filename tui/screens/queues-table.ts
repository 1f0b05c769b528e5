import type { QueueStats } from '../state/queues-state.ts';
import { sparkline } from './sparkline.ts';
import { fit, fitRight, padTo } from './text-fit.ts';

const countColumns = [
  ['WAITING', 'waiting'],
  ['ACTIVE', 'active'],
  ['DELAYED', 'delayed'],
  ['PRIORITIZED', 'prioritized'],
  ['COMPLETED', 'completed'],
  ['FAILED', 'failed'],
] as const;

const nameWidth = 16;
const stateWidth = 9;
/** The last hour column gets at least this much; the count columns narrow to keep it. */
const minHour = 16;

/** The last hour's completions: a sparkline (one cell a minute where it fits) and the total, or '-' without metrics. */
export function formatThroughput(throughput: number[] | null, width: number): string {
  if (!throughput) return fit('-', width);
  const total = `${throughput.reduce((a, b) => a + b, 0)}/h`;
  return fit(`${sparkline(throughput, width - total.length - 1)} ${total}`, width);
}

/**
 * One line per queue, fitted to `width`: its counts by state, paused or running, the workers
 * connected ('-' when Redis would not say) and the last hour's throughput.
 */
export function formatQueuesTable(stats: QueueStats[], width: number): string[] {
  const fixed = (num: number) => nameWidth + 6 * num + stateWidth + (num >= 10 ? 9 : 5);
  const numWidth = [12, 10, 8, 7].find((n) => width - fixed(n) >= minHour) ?? 6;
  const wide = numWidth >= 10;
  const hourWidth = Math.max(0, width - fixed(numWidth) - 1);
  const short: Record<string, string> =
    numWidth >= 8
      ? { PRIORITIZED: 'PRIO', COMPLETED: 'DONE' }
      : { WAITING: 'WAIT', ACTIVE: 'ACT', DELAYED: 'DELAY', PRIORITIZED: 'PRIO', COMPLETED: 'DONE', FAILED: 'FAIL' };
  const title = (t: string) => (wide ? t : (short[t] ?? t));
  const workersTitle = wide ? 'WORKERS' : 'WRK';
  const workersWidth = wide ? 9 : 5;
  const header =
    fit('QUEUE', nameWidth) +
    countColumns.map(([t]) => fitRight(title(t), numWidth)).join('') +
    fit('  STATE', stateWidth) +
    fitRight(workersTitle, workersWidth) +
    ' ' +
    fit('LAST HOUR', hourWidth);
  return [
    padTo(header, width),
    ...stats.map((q) =>
      padTo(
        fit(q.name, nameWidth) +
          countColumns.map(([, k]) => fitRight(String(q.counts[k]), numWidth)).join('') +
          fit(q.paused ? '  paused' : '  running', stateWidth) +
          fitRight(q.workers === null ? '-' : String(q.workers), workersWidth) +
          ' ' +
          formatThroughput(q.throughput, hourWidth),
        width,
      ),
    ),
  ];
}
