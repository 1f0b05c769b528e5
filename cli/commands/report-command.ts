import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { formatDuration } from '../../core/hours/business-duration.ts';
import { ValidationError } from '../../core/errors.ts';
import {
  lastDays,
  reportZone,
  responseReport,
  type ClockFigures,
  type ReportGroup,
  type ResponseReport,
} from '../../core/responses/response-report.ts';
import { reportGroupings, type ReportGrouping } from '../../core/responses/report-groupings.ts';
import { action } from '../action.ts';
import { formatTable } from '../format-table.ts';

/**
 * A date of `--from`/`--to` in the report's zone: YYYY-MM-DD is that whole day (so `--to` a
 * day includes it: the window ends at the next midnight), anything else an ISO time.
 */
export function parseReportDate(text: string, flag: string, zone: string, end: boolean): Date {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text.trim());
  const parsed = day ? DateTime.fromISO(text.trim(), { zone }) : DateTime.fromISO(text.trim(), { zone, setZone: false });
  if (!parsed.isValid) throw new ValidationError(`${flag} "${text}" is not a date: use YYYY-MM-DD or an ISO time`);
  return (day && end ? parsed.plus({ days: 1 }) : parsed).toJSDate();
}

function parseGrouping(value: string | undefined): ReportGrouping | null {
  if (value === undefined) return null;
  const v = value.trim().toLowerCase();
  if (!(reportGroupings as readonly string[]).includes(v))
    throw new ValidationError(`--by "${value}" is not one of: ${reportGroupings.join(', ')}`);
  return v as ReportGrouping;
}

const duration = (ms: number | null) => (ms === null ? '-' : formatDuration(ms));
const rate = (r: number | null) => (r === null ? '-' : `${Math.round(r * 100)}%`);

/** The stable --json form: ISO times, milliseconds of business time, rates as 0..1. */
export function reportJson(report: ResponseReport, property: string) {
  const group = (g: ReportGroup) => ({ key: g.key, label: g.label, first: g.first, next: g.next });
  return {
    property,
    from: report.from.toISOString(),
    to: report.to.toISOString(),
    zone: report.zone,
    by: report.by,
    total: group(report.total),
    groups: report.groups.map(group),
    breachesPerDay: report.breachesPerDay,
  };
}

/** The table for people: a row per group and clock. */
export function formatReport(report: ResponseReport, property: string): string {
  const local = (d: Date) => DateTime.fromJSDate(d, { zone: report.zone }).toFormat('yyyy-MM-dd HH:mm');
  const row = (g: ReportGroup, clock: 'first' | 'next', c: ClockFigures) => [
    g.label,
    clock,
    String(c.measured),
    duration(c.medianMs),
    duration(c.p90Ms),
    String(c.unanswered),
    String(c.breaches),
    rate(c.breachRate),
  ];
  const groups = [report.total, ...report.groups];
  const table = formatTable(
    ['GROUP', 'CLOCK', 'RESPONSES', 'MEDIAN', 'P90', 'UNANSWERED', 'BREACHES', 'BREACH RATE'],
    groups.flatMap((g) => [row(g, 'first', g.first), row(g, 'next', g.next)]),
  );
  const days = report.breachesPerDay.map((d) => `${d.date.slice(5)} ${d.breaches}`).join(' · ');
  return [
    `Responses of ${property}, ${local(report.from)} to ${local(report.to)} (${report.zone}), in business time`,
    '',
    table,
    '',
    `breaches per day: ${days || '(none)'}`,
  ].join('\n');
}

/** `switchboard report responses`: how fast the property answered, over a window. */
export function registerReport(program: Command): void {
  const report = program.command('report').description('reports over a window of time');
  report
    .command('responses')
    .description(
      'first and next response times (median, p90, in business time), unanswered waits and breach rates; default: the last 7 days',
    )
    .option('--from <date>', 'from this day (YYYY-MM-DD, in the business hours zone) or ISO time')
    .option('--to <date>', 'up to this day, included (YYYY-MM-DD) or up to an ISO time; default now')
    .option('--by <grouping>', `one row per ${reportGroupings.join(', ')}`)
    .action(
      action(async (ctx, opts: { from?: string; to?: string; by?: string }) => {
        const by = parseGrouping(opts.by);
        const property = await ctx.property();
        const zone = reportZone(property.business_hours);
        const to = opts.to === undefined ? new Date() : parseReportDate(opts.to, '--to', zone, true);
        const from = opts.from === undefined ? lastDays(to, zone).from : parseReportDate(opts.from, '--from', zone, false);
        if (from.getTime() >= to.getTime())
          throw new ValidationError(`--from (${from.toISOString()}) must be before --to (${to.toISOString()})`);
        // A day a sparkline cell and one duration kept per response: a year bounds both.
        if (to.getTime() - from.getTime() > 366 * 86_400_000)
          throw new ValidationError('the window is at most 366 days: give a later --from or an earlier --to');
        const result = await responseReport(await ctx.db(), property.id, from, to, { by, fallbackZone: zone });
        ctx.print(reportJson(result, property.slug), () => formatReport(result, property.slug));
      }),
    );
}
