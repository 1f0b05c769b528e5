/** BullMQ's metrics of one queue and kind, as `queue.getMetrics()` returns them. */
export interface QueueMetrics {
  meta: { count: number; prevTS: number; prevCount: number };
  /** One completion count per minute, newest first, up to the minute before `prevTS`'s. */
  data: number[];
}

/** Minutes in the throughput window. */
export const throughputMinutes = 60;

/**
 * The completions of each of the last 60 minutes, oldest first; null when the queue has no
 * metrics (its workers run without `metrics: { maxDataPoints }`, or nothing ever finished).
 *
 * BullMQ pushes a minute's count only when a job finishes in a later minute: the completions
 * of `prevTS`'s minute are still `count - prevCount`, and the minutes from then until now (no
 * completion, or they would have pushed) are zeros.
 */
export function lastHourThroughput(metrics: QueueMetrics, now: number): number[] | null {
  const { count, prevTS, prevCount } = metrics.meta;
  if (!prevTS && metrics.data.length === 0) return null;
  const minute = (ms: number) => Math.floor(ms / 60_000);
  const gap = Math.max(0, minute(now) - minute(prevTS));
  const newestFirst = Array.from({ length: throughputMinutes }, (_, i) => {
    if (i < gap) return 0;
    if (i === gap) return Math.max(0, count - prevCount);
    return metrics.data[i - gap - 1] ?? 0;
  });
  return newestFirst.reverse();
}
