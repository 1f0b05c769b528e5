import { DateTime } from 'luxon';
import { formatDuration } from '../../core/hours/business-duration.ts';
import type { ClockFigures, ReportGroup, ResponseReport } from '../../core/responses/response-report.ts';
import { sparkline } from './sparkline.ts';
import { fit, fitRight, padTo } from './text-fit.ts';

const duration = (ms: number | null) => (ms === null ? '-' : formatDuration(ms));
const rate = (r: number | null) => (r === null ? '-' : `${Math.round(r * 100)}%`);

/**
 * The Reports tab as fixed-width lines `width` long: a line saying what the window is, a
 * row per group and clock (the property's total first, as `all`) with the figures the CLI's
 * `report responses` prints, and the breaches of each day as a sparkline with their counts.
 * `breached` marks the table rows the screen shows in red (a breach among them).
 */
export function formatReportsView(
  report: ResponseReport,
  width: number,
): { intro: string; header: string; rows: string[]; breached: boolean[]; days: string } {
  const groupWidth = Math.max(8, Math.min(30, width - 65));
  const cells = (group: string, clock: string, n: string, median: string, p90: string, unanswered: string, breaches: string, r: string) =>
    padTo(
      `${fit(group, groupWidth)} ${fit(clock, 5)} ${fitRight(n, 9)}  ${fitRight(median, 7)} ${fitRight(p90, 7)} ` +
        `${fitRight(unanswered, 10)} ${fitRight(breaches, 8)} ${fitRight(r, 11)}`,
      width,
    );
  const row = (g: ReportGroup, clock: 'first' | 'next', c: ClockFigures) =>
    cells(
      g.label,
      clock,
      String(c.measured),
      duration(c.medianMs),
      duration(c.p90Ms),
      String(c.unanswered),
      String(c.breaches),
      rate(c.breachRate),
    );
  const groups = [report.total, ...report.groups];
  const local = (d: Date) => DateTime.fromJSDate(d, { zone: report.zone }).toFormat('MM-dd HH:mm');
  const counts = report.breachesPerDay.map((d) => d.breaches);
  const first = report.breachesPerDay[0]?.date.slice(5) ?? '';
  const last = report.breachesPerDay.at(-1)?.date.slice(5) ?? '';
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    intro: padTo(
      fit(`${local(report.from)} to ${local(report.to)} (${report.zone}), business time · by ${report.by ?? 'nothing'}`, width),
      width,
    ),
    header: cells(`BY ${(report.by ?? '').toUpperCase()}`, 'CLOCK', 'RESPONSES', 'MEDIAN', 'P90', 'UNANSWERED', 'BREACHES', 'BREACH RATE'),
    rows: groups.flatMap((g) => [row(g, 'first', g.first), row(g, 'next', g.next)]),
    breached: groups.flatMap((g) => [g.first.breaches > 0, g.next.breaches > 0]),
    // padTo, not fit: fit folds runs of spaces, and a blank cell is a day without a breach.
    days: padTo(`breaches per day  ${first} ${sparkline(counts, counts.length)} ${last}  (${counts.join(' ')}; ${total} in all)`, width),
  };
}
