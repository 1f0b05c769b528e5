import type { QueueStats } from '../data/queue-stats.ts';
import { fit, fitRight, padTo } from './text-fit.ts';

const countColumns = [
  ['WAITING', 'waiting'],
  ['ACTIVE', 'active'],
  ['DELAYED', 'delayed'],
  ['PRIORITIZED', 'prioritized'],
  ['COMPLETED', 'completed'],
  ['FAILED', 'failed'],
] as const;

/** One line per queue: its counts by state and whether it is paused, fitted to `width`. */
export function formatQueuesTable(stats: QueueStats[], width: number): string[] {
  const narrow = width < 100;
  const numWidth = narrow ? 8 : 12;
  const title = (t: string) => (narrow && t === 'PRIORITIZED' ? 'PRIO' : narrow && t === 'COMPLETED' ? 'DONE' : t);
  const header = fit('QUEUE', 16) + countColumns.map(([t]) => fitRight(title(t), numWidth)).join('') + '  STATE';
  return [
    padTo(header, width),
    ...stats.map((q) => padTo(fit(q.name, 16) + countColumns.map(([, k]) => fitRight(String(q.counts[k]), numWidth)).join('') + (q.paused ? '  paused' : '  running'), width)),
  ];
}
