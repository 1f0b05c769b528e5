import { DateTime } from 'luxon';
import { ValidationError } from '../errors.ts';
import {
  checkHoliday,
  checkWeek,
  showRange,
  WEEKDAYS,
  YEARLY_PLACEHOLDER_YEAR,
  type BusinessHours,
  type Holiday,
  type TimeRange,
  type Weekday,
} from './business-hours.ts';

// Business hours' text forms, for the CLI: the schedule and holidays as typed, and the
// readable lines of `hours show` (the hours themselves: business-hours.ts).

const DAY_NAMES: Record<string, Weekday> = Object.fromEntries(
  WEEKDAYS.flatMap((day, i) => [
    [day, day],
    [['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'][i]!, day],
  ]),
);

function parseDays(text: string, clause: string): Weekday[] {
  const spec = text.trim().toLowerCase();
  if (spec === 'daily' || spec === 'all') return [...WEEKDAYS];
  const days: Weekday[] = [];
  for (const part of spec.split(',').map((p) => p.trim())) {
    const [first, last, ...rest] = part.split('-').map((p) => p.trim());
    const a = DAY_NAMES[first ?? ''];
    const b = last === undefined ? a : DAY_NAMES[last];
    if (!a || !b || rest.length > 0)
      throw new ValidationError(`"${clause}": "${part}" is not a day or a day range (e.g. mon-fri, sat, mon,wed, daily)`);
    // fri-mon wraps over the weekend.
    for (let i = WEEKDAYS.indexOf(a); ; i = (i + 1) % 7) {
      days.push(WEEKDAYS[i]!);
      if (WEEKDAYS[i] === b) break;
    }
  }
  return days;
}

/**
 * Parses the CLI's schedule text into a week, e.g. `mon-fri 09:00-13:00,14:00-18:00; sat
 * 10:00-14:00; sun closed`. Clauses are separated by ';' or new lines; days are single
 * (`sat`, `saturday`), ranges (`mon-fri`, `fri-mon`), lists (`mon,wed`) or `daily`/`all`. Days
 * not named are closed; a day named twice is refused rather than guessed at.
 */
export function parseScheduleText(text: string): Record<Weekday, TimeRange[]> {
  const week: Partial<Record<Weekday, TimeRange[]>> = {};
  const clauses = text
    .split(/[;\n]/)
    .map((c) => c.trim())
    .filter(Boolean);
  if (clauses.length === 0) throw new ValidationError('the schedule is empty (e.g. "mon-fri 09:00-17:00; sat 10:00-14:00")');
  for (const clause of clauses) {
    const match = /^(.+?)\s+(closed|\d.*)$/i.exec(clause);
    if (!match) throw new ValidationError(`"${clause}" should be days and then times or "closed" (e.g. "mon-fri 09:00-17:00")`);
    const ranges: TimeRange[] = [];
    if (match[2]!.toLowerCase() !== 'closed') {
      for (const part of match[2]!.split(',').map((p) => p.trim())) {
        const times = /^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(part);
        if (!times) throw new ValidationError(`"${clause}": "${part}" is not a time range (e.g. 09:00-17:00, or 22:00-06:00 overnight)`);
        ranges.push({ from: times[1]!, to: times[2]! });
      }
    }
    for (const day of parseDays(match[1]!, clause)) {
      if (week[day]) throw new ValidationError(`${day} is given twice in the schedule`);
      week[day] = ranges;
    }
  }
  return checkWeek(week);
}

/** Parses a holiday for the CLI: `2026-12-25` (that date), `yearly:12-25` or `12-25` (every year), `yearly:2026-12-25`. */
export function parseHolidayText(text: string): Holiday {
  const given = text.trim();
  const yearly = /^yearly:/i.test(given);
  const date = yearly ? given.slice('yearly:'.length).trim() : given;
  if (/^\d{2}-\d{2}$/.test(date)) {
    const holiday = { date: `${YEARLY_PLACEHOLDER_YEAR}-${date}`, yearly: true };
    if (!DateTime.fromISO(holiday.date, { zone: 'utc' }).isValid) throw new ValidationError(`holiday "${date}" is not a date (MM-DD)`);
    return holiday;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new ValidationError(`holiday "${given}" is not a date (e.g. 2026-12-25, or 12-25 for every year)`);
  return checkHoliday({ date, yearly });
}

/** Readable lines for `hours show`. */
export function describeBusinessHours(hours: BusinessHours | null): string[] {
  if (!hours) return ['always open, 24/7 (no business hours set)'];
  const label = (text: string) => text.padEnd(10);
  const lines = [`${label('zone')}${hours.zone}`];
  for (const day of WEEKDAYS) {
    const ranges = hours.week[day] ?? [];
    const shown = ranges.map((r) => `${showRange(r)}${r.to !== '00:00' && r.to <= r.from ? ' (overnight)' : ''}`);
    lines.push(`${label(day)}${shown.length ? shown.join(', ') : 'closed'}`);
  }
  const dated = hours.holidays.filter((h) => !h.yearly).map((h) => h.date);
  const yearly = hours.holidays.filter((h) => h.yearly).map((h) => h.date.slice(5));
  const holidays = [...dated.sort(), ...yearly.sort().map((d) => `every ${d}`)];
  lines.push(`${label('holidays')}${holidays.length ? holidays.join(', ') : 'none'}`);
  return lines;
}
