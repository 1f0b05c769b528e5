import { DateTime, IANAZone } from 'luxon';
import { ValidationError } from '../errors.ts';
import { WEEKDAYS, MINUTES_PER_DAY, EXAMPLE_ZONE, parseTime, showRange, type BusinessHours, type OpenInterval } from './business-hours.ts';

// Business time: how much of an interval lies inside a property's business hours, and the
// instant a business-time duration ends. Wall times become instants through Luxon, as
// business-hours.ts describes (spring-forward gaps, fall-back repeats, holidays).

const DAY_MS = 86_400_000;

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
