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

const MINUTES_PER_DAY = 1440;
const DAY_MS = 86_400_000;
const EXAMPLE_ZONE = 'an IANA name such as Europe/Rome';

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
function parseTime(text: string): number | null {
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

// ---------------------------------------------------------------------------------------
// Time maths
// ---------------------------------------------------------------------------------------

/** Half-open [start, end) in epoch milliseconds. */
interface Span {
  start: number;
  end: number;
}

/** A schedule made ready for the maths: per weekday its open minutes [from, to) within that date. */
interface Compiled {
  zone: string;
  /** Index 0 = mon. Each day's own ranges up to midnight plus the previous day's overnight carry, merged. */
  days: Array<Array<[number, number]>>;
  dated: Set<string>;
  yearly: Set<string>;
  /** A date's open spans by epoch day; Luxon's zone maths is slow enough (~10 µs a call) to be worth keeping. */
  spans: Map<number, Span[]>;
}

const compiledCache = new Map<string, Compiled>();
const MAX_COMPILED = 100;
const MAX_CACHED_DAYS = 20_000;

function compile(hours: BusinessHours): Compiled {
  // Keyed by content, not identity: callers load the same hours afresh for every ticket.
  const key = JSON.stringify(hours);
  const cached = compiledCache.get(key);
  if (cached) return cached;
  if (!IANAZone.isValidZone(hours.zone)) throw new ValidationError(`unknown time zone "${hours.zone}" (${EXAMPLE_ZONE})`);
  const days: Array<Array<[number, number]>> = WEEKDAYS.map(() => []);
  WEEKDAYS.forEach((day, i) => {
    for (const range of hours.week[day] ?? []) {
      const from = parseTime(range.from);
      const to = parseTime(range.to);
      if (from === null || to === null) throw new ValidationError(`${day} ${showRange(range)} is not a time range`);
      if (to > from) days[i]!.push([from, to]);
      else {
        days[i]!.push([from, MINUTES_PER_DAY]);
        if (to > 0) days[(i + 1) % 7]!.push([0, to]);
      }
    }
  });
  for (const [i, list] of days.entries()) {
    list.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [a, b] of list) {
      const last = merged[merged.length - 1];
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    days[i] = merged;
  }
  const compiled: Compiled = {
    zone: hours.zone,
    days,
    dated: new Set(hours.holidays.filter((h) => !h.yearly).map((h) => h.date)),
    yearly: new Set(hours.holidays.filter((h) => h.yearly).map((h) => h.date.slice(5))),
    spans: new Map(),
  };
  if (compiledCache.size >= MAX_COMPILED) compiledCache.clear();
  compiledCache.set(key, compiled);
  return compiled;
}

// Calendar dates are counted as days since 1970-01-01 (a Thursday). That is pure calendar
// counting, no zone involved; which date an instant falls on is always asked of Luxon.

function civil(epochDay: number): { year: number; month: number; day: number } {
  const date = new Date(epochDay * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function localEpochDay(zone: string, ms: number): number {
  const local = DateTime.fromMillis(ms, { zone });
  return Math.round(Date.UTC(local.year, local.month - 1, local.day) / DAY_MS);
}

/** The instant of a wall time (minutes after midnight, 1440 = the next midnight) on a date in the zone. */
function wallTimeToMs(zone: string, epochDay: number, minutes: number): number {
  if (minutes >= MINUTES_PER_DAY) return wallTimeToMs(zone, epochDay + 1, minutes - MINUTES_PER_DAY);
  const local = DateTime.fromObject({ ...civil(epochDay), hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone });
  // A gap time comes back moved forward; a repeated one as either occurrence: take the earlier.
  return Math.min(...local.getPossibleOffsets().map((dt) => dt.toMillis()));
}

/** The open spans of one local date, in order. */
function spansOn(c: Compiled, epochDay: number): Span[] {
  const cached = c.spans.get(epochDay);
  if (cached) return cached;
  const { year, month, day } = civil(epochDay);
  const monthDay = `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const spans: Span[] = [];
  if (!c.dated.has(`${String(year).padStart(4, '0')}-${monthDay}`) && !c.yearly.has(monthDay)) {
    const weekday = (((epochDay + 3) % 7) + 7) % 7;
    for (const [from, to] of c.days[weekday]!) {
      const start = wallTimeToMs(c.zone, epochDay, from);
      const end = wallTimeToMs(c.zone, epochDay, to);
      if (end > start) spans.push({ start, end });
    }
  }
  if (c.spans.size >= MAX_CACHED_DAYS) c.spans.clear();
  c.spans.set(epochDay, spans);
  return spans;
}

const NO_OPEN_TIME_DAYS = 3 * 366;
const MAX_WALK_DAYS = 100 * 366;

/**
 * The open spans from `fromMs` on, in order, clipped so that none starts before `fromMs` or
 * overlaps an earlier one; a span per date (not merged across midnight, so that a 24/7
 * schedule still yields). With `untilMs` it stops there; without, it throws once three years
 * pass without an open minute, so that no caller can loop forever.
 */
function* openSpans(c: Compiled, fromMs: number, untilMs?: number): Generator<Span> {
  const firstDay = localEpochDay(c.zone, fromMs) - 1;
  const lastDay = untilMs === undefined ? Infinity : localEpochDay(c.zone, untilMs) + 1;
  let reached = fromMs;
  let lastOpenDay = firstDay;
  for (let day = firstDay; day <= lastDay; day++) {
    for (const span of spansOn(c, day)) {
      const start = Math.max(span.start, reached);
      if (untilMs !== undefined && start >= untilMs) return;
      if (span.end <= start) continue;
      reached = span.end;
      lastOpenDay = day;
      yield { start, end: span.end };
    }
    if (untilMs === undefined && day - lastOpenDay > NO_OPEN_TIME_DAYS) {
      const since = DateTime.fromMillis(fromMs, { zone: c.zone }).toISODate();
      throw new ValidationError(`the business hours have no open time in the 3 years after ${since}: every open day is a holiday`);
    }
    if (day - firstDay > MAX_WALK_DAYS) throw new ValidationError('the target lies more than 100 years of business hours away');
  }
}

function checkMs(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`business time must be a finite number of milliseconds >= 0, not ${ms}`);
}

/**
 * The open intervals within [from, to), clipped to it and merged where they touch (an overnight range and the next day's 00:00
 * range are one).
 */
export function openIntervals(hours: BusinessHours | null, from: Date, to: Date): OpenInterval[] {
  if (to.getTime() <= from.getTime()) return [];
  if (!hours) return [{ start: new Date(from.getTime()), end: new Date(to.getTime()) }];
  const merged: Span[] = [];
  for (const span of openSpans(compile(hours), from.getTime(), to.getTime())) {
    const end = Math.min(span.end, to.getTime());
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, end);
    else merged.push({ start: span.start, end });
  }
  return merged.map((s) => ({ start: new Date(s.start), end: new Date(s.end) }));
}

/**
 * The instant at which `ms` of business time has passed since `start`; a start outside the
 * hours starts the clock at the next opening (so `ms` 0 gives the next opening). Throws a
 * ValidationError when the hours have no open time in the three years it looks ahead.
 */
export function addBusinessTime(hours: BusinessHours | null, start: Date, ms: number): Date {
  checkMs(ms);
  if (!hours) return new Date(start.getTime() + ms);
  let left = ms;
  for (const span of openSpans(compile(hours), start.getTime())) {
    if (left <= span.end - span.start) return new Date(span.start + left);
    left -= span.end - span.start;
  }
  throw new Error('unreachable: openSpans ends only by throwing');
}

/** Milliseconds of business time in [from, to); 0 when `to` is not after `from`. */
export function businessTimeBetween(hours: BusinessHours | null, from: Date, to: Date): number {
  if (to.getTime() <= from.getTime()) return 0;
  if (!hours) return to.getTime() - from.getTime();
  let total = 0;
  for (const span of openSpans(compile(hours), from.getTime(), to.getTime())) total += Math.min(span.end, to.getTime()) - span.start;
  return total;
}

export function isOpenAt(hours: BusinessHours | null, at: Date): boolean {
  if (!hours) return true;
  const first = openSpans(compile(hours), at.getTime(), at.getTime() + 1).next();
  return !first.done && first.value.start === at.getTime();
}

/** `at` itself when open, else the next opening. Throws like addBusinessTime when there is none within three years. */
export function nextOpening(hours: BusinessHours | null, at: Date): Date {
  return addBusinessTime(hours, at, 0);
}
