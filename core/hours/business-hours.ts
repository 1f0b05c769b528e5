import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { ValidationError } from '../errors.ts';

// A property's business hours: a weekly schedule of local wall-clock ranges in one IANA time
// zone, minus holidays. Response-time targets (issue 14) count only the time inside them.
//
// How wall times become instants (every conversion goes through Luxon, never an offset sum):
// - a wall time that does not exist (the spring-forward gap, e.g. 02:30 in Rome on
//   2026-03-29) is moved forward by the length of the gap (03:30), as Luxon does: a range
//   01:00-02:30 on that night then lasts its nominal 1h30 and ends at 03:30 on the clock;
//   a range that lies wholly inside the gap (02:00-03:00) is empty that day.
// - a wall time that happens twice (the fall-back hour, e.g. 02:30 in Rome on 2026-10-25)
//   is its earlier occurrence, the first time the clock shows it (what iCalendar and
//   Temporal's "compatible" do). Luxon alone picks the occurrence whose offset matches
//   today's, so the answer would change with the season the code runs in; we pick explicitly.
//
// Holidays close their whole local calendar date: on a holiday nothing is open, including
// the after-midnight part of an overnight range that started the evening before. The part
// after midnight of a holiday's own overnight range belongs to the next date, and is open
// unless that date is a holiday too. A yearly holiday repeats its month-day in every year
// (its year is ignored); a yearly 02-29 closes Feb 29 in leap years only and is not moved to
// Feb 28 or Mar 1 in other years.

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Local wall times 'HH:MM'; `to` may be '24:00'. `to` <= `from` runs overnight, to `to` on the next day. */
export interface TimeRange {
  from: string;
  to: string;
}

/** A closed local date 'YYYY-MM-DD'; `yearly`: its month-day repeats every year (the year is ignored). */
export interface Holiday {
  date: string;
  yearly: boolean;
}

/** `null` wherever a BusinessHours is taken means always open (24/7). */
export interface BusinessHours {
  zone: string;
  week: Record<Weekday, TimeRange[]>;
  holidays: Holiday[];
}

export interface OpenInterval {
  start: Date;
  end: Date;
}

/** The year given to a yearly holiday written without one ('12-25'): a leap year, so that '02-29' is a date. */
export const YEARLY_PLACEHOLDER_YEAR = 2000;

export const MINUTES_PER_DAY = 1440;
export const EXAMPLE_ZONE = 'an IANA name such as Europe/Rome';

// ---------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------

const rangeSchema = z.strictObject({ from: z.string(), to: z.string() });
const daySchema = z.array(rangeSchema).max(48).optional();
const inputSchema = z.strictObject({
  zone: z.string(),
  week: z.strictObject(Object.fromEntries(WEEKDAYS.map((day) => [day, daySchema])) as Record<Weekday, typeof daySchema>),
  holidays: z
    .array(z.strictObject({ date: z.string(), yearly: z.boolean().default(false) }))
    .max(1000)
    .default([]),
});

/** The first problem of a zod error in the user's words, naming the field. */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path
    .map(String)
    .join('.')
    .replace(/\.(\d+)/g, '[$1]');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `"${key}"`).join(', ');
    if (path === 'week') return `unknown day ${keys} (use ${WEEKDAYS.join(', ')})`;
    return `${path || 'business hours'}: unknown field ${keys}`;
  }
  if (issue.code === 'invalid_type')
    return `${path || 'business hours'} should be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`;
  return `${path || 'business hours'}: ${issue.message}`;
}

/** 'H:MM' or 'HH:MM' to minutes after midnight (0..1440), or null when it is not a wall time. */
export function parseTime(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return null;
  return hours * 60 + minutes;
}

function formatTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** A range as written: `09:00-17:00`. */
export function showRange(range: TimeRange): string {
  return `${range.from}-${range.to}`;
}

/** A range in minutes of the week (mon 00:00 = 0); `end` passes the day's end when it runs overnight. */
interface WeekRange {
  day: Weekday;
  range: TimeRange;
  start: number;
  end: number;
}

/**
 * Checks and normalises a week: times to 'HH:MM', each day's ranges in order, no empty and no
 * overlapping ranges (an overnight range against the next day's too), at least one open minute.
 */
export function checkWeek(input: Partial<Record<Weekday, TimeRange[]>>): Record<Weekday, TimeRange[]> {
  const week = {} as Record<Weekday, TimeRange[]>;
  const all: WeekRange[] = [];
  WEEKDAYS.forEach((day, index) => {
    const ranges: Array<{ range: TimeRange; from: number; to: number }> = [];
    for (const given of input[day] ?? []) {
      const from = parseTime(given.from);
      const to = parseTime(given.to);
      const label = `${day} ${given.from}-${given.to}`;
      if (from === null) throw new ValidationError(`${label}: "${given.from}" is not a time (HH:MM, 00:00 to 23:59)`);
      if (to === null) throw new ValidationError(`${label}: "${given.to}" is not a time (HH:MM, 00:00 to 24:00)`);
      if (from === MINUTES_PER_DAY) throw new ValidationError(`${label}: a range cannot start at 24:00 (start the next day at 00:00)`);
      const range = { from: formatTime(from), to: formatTime(to) };
      if (from === to) throw new ValidationError(`${day} ${showRange(range)} is empty`);
      ranges.push({ range, from, to });
    }
    ranges.sort((a, b) => a.from - b.from);
    week[day] = ranges.map((r) => r.range);
    for (const r of ranges) {
      const start = index * MINUTES_PER_DAY + r.from;
      all.push({ day, range: r.range, start, end: start + (r.to > r.from ? r.to - r.from : MINUTES_PER_DAY - r.from + r.to) });
    }
  });
  if (all.length === 0) throw new ValidationError('the schedule has no open hours');
  // Sunday's overnight ranges run into Monday: check them again as if they started a week earlier.
  const weekMinutes = 7 * MINUTES_PER_DAY;
  const wrapped = all.filter((r) => r.end > weekMinutes).map((r) => ({ ...r, start: r.start - weekMinutes, end: r.end - weekMinutes }));
  const sorted = [...wrapped, ...all].sort((a, b) => a.start - b.start);
  let reach = sorted[0]!;
  for (const next of sorted.slice(1)) {
    if (next.start < reach.end) {
      const onDay = next.day;
      const first = reach.day === onDay ? showRange(reach.range) : `${reach.day} ${showRange(reach.range)}`;
      throw new ValidationError(`ranges overlap on ${onDay}: ${first} and ${showRange(next.range)}`);
    }
    if (next.end > reach.end) reach = next;
  }
  return week;
}

function checkZone(zone: string): string {
  const name = zone.trim();
  if (!name || !IANAZone.isValidZone(name)) throw new ValidationError(`unknown time zone "${zone}" (${EXAMPLE_ZONE})`);
  // Luxon accepts any casing ("europe/rome"); keep the canonical spelling for display.
  return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
}

/** Checks a holiday's date (YYYY-MM-DD) and trims it. */
export function checkHoliday(holiday: Holiday): Holiday {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(holiday.date.trim());
  const date = match
    ? DateTime.fromObject({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }, { zone: 'utc' })
    : null;
  if (!date?.isValid) throw new ValidationError(`holiday "${holiday.date}" is not a date (YYYY-MM-DD)`);
  return { date: holiday.date.trim(), yearly: holiday.yearly };
}

/**
 * Validates business hours given as JSON (a setting, an API body): `{ zone, week: { mon: [{ from,
 * to }], ... }, holidays: [{ date, yearly }] }`. Days left out are closed. Throws a ValidationError
 * naming the first problem.
 */
export function parseBusinessHours(input: unknown): BusinessHours {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(describeIssue(parsed.error));
  const zone = checkZone(parsed.data.zone);
  const week = checkWeek(parsed.data.week);
  const holidays: Holiday[] = [];
  const seen = new Set<string>();
  for (const given of parsed.data.holidays) {
    const holiday = checkHoliday(given);
    const key = holiday.yearly ? holiday.date.slice(5) : holiday.date;
    if (seen.has(`${holiday.yearly}:${key}`))
      throw new ValidationError(`holiday ${holiday.yearly ? `every ${key}` : `"${key}"`} is listed twice`);
    seen.add(`${holiday.yearly}:${key}`);
    holidays.push(holiday);
  }
  return { zone, week, holidays };
}
