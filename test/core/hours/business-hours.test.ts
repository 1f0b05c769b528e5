import { DateTime, Settings } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.ts';
import { type BusinessHours, parseBusinessHours, WEEKDAYS } from '../../../core/hours/business-hours.ts';
import { addBusinessTime, businessTimeBetween, isOpenAt, nextOpening, openIntervals } from '../../../core/hours/business-time.ts';
import { describeBusinessHours, parseHolidayText, parseScheduleText } from '../../../core/hours/business-hours-text.ts';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;

function hoursOf(zone: string, schedule: string, holidays: string[] = []): BusinessHours {
  return parseBusinessHours({ zone, week: parseScheduleText(schedule), holidays: holidays.map(parseHolidayText) });
}

const at = (iso: string) => new Date(iso);
const spans = (list: Array<{ start: Date; end: Date }>) => list.map((i) => [i.start.toISOString(), i.end.toISOString()]);

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

/** A seeded generator (mulberry32), so that the random checks are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An independent oracle: is the shop open at this instant, read off the wall clock (Luxon's
 * local time of the instant) against the schedule, as a person would? Valid for schedules
 * whose boundaries are not inside a DST gap or repeated hour.
 */
function openByWallClock(hours: BusinessHours, ms: number): boolean {
  const local = DateTime.fromMillis(ms, { zone: hours.zone });
  const closed = (d: DateTime) =>
    hours.holidays.some((h) => (h.yearly ? h.date.slice(5) === d.toFormat('MM-dd') : h.date === d.toISODate()));
  if (closed(local)) return false;
  const now = local.toFormat('HH:mm');
  const today = WEEKDAYS[local.weekday - 1]!;
  const yesterday = WEEKDAYS[(local.weekday + 5) % 7]!;
  const overnight = (r: { from: string; to: string }) => r.to <= r.from;
  if (hours.week[today].some((r) => (overnight(r) ? now >= r.from : now >= r.from && now < r.to))) return true;
  return hours.week[yesterday].some((r) => overnight(r) && now < r.to);
}

describe('parseBusinessHours', () => {
  it('normalises times, orders ranges, closes days left out and spells the zone canonically', () => {
    const hours = parseBusinessHours({
      zone: 'europe/rome',
      week: {
        mon: [
          { from: '14:00', to: '18:00' },
          { from: '9:00', to: '13:00' },
        ],
        fri: [{ from: '22:00', to: '02:00' }],
      },
      holidays: [{ date: '2026-12-25' }, { date: '2000-01-01', yearly: true }],
    });
    expect(hours).toEqual({
      zone: 'Europe/Rome',
      week: {
        mon: [
          { from: '09:00', to: '13:00' },
          { from: '14:00', to: '18:00' },
        ],
        tue: [],
        wed: [],
        thu: [],
        fri: [{ from: '22:00', to: '02:00' }],
        sat: [],
        sun: [],
      },
      holidays: [
        { date: '2026-12-25', yearly: false },
        { date: '2000-01-01', yearly: true },
      ],
    });
  });

  it('accepts adjacent ranges, 24:00 as an end, and an overnight range touching the next day', () => {
    const hours = parseBusinessHours({
      zone: 'UTC',
      week: {
        mon: [
          { from: '09:00', to: '12:00' },
          { from: '12:00', to: '24:00' },
        ],
        tue: [
          { from: '00:00', to: '01:00' },
          { from: '22:00', to: '06:00' },
        ],
        wed: [{ from: '06:00', to: '07:00' }],
      },
    });
    expect(hours.week.tue).toEqual([
      { from: '00:00', to: '01:00' },
      { from: '22:00', to: '06:00' },
    ]);
  });

  const range = (from: string, to: string) => ({ from, to });
  it.each([
    [{ zone: 'Europe/Rom', week: { mon: [range('09:00', '17:00')] } }, 'unknown time zone "Europe/Rom" (an IANA name such as Europe/Rome)'],
    [{ zone: '', week: { mon: [range('09:00', '17:00')] } }, 'unknown time zone "" (an IANA name such as Europe/Rome)'],
    [{ zone: 'UTC', week: { mon: [range('18:00', '18:00')] } }, 'mon 18:00-18:00 is empty'],
    [
      { zone: 'UTC', week: { tue: [range('12:00', '14:00'), range('09:00', '13:00')] } },
      'ranges overlap on tue: 09:00-13:00 and 12:00-14:00',
    ],
    [
      { zone: 'UTC', week: { mon: [range('22:00', '06:00')], tue: [range('05:00', '09:00')] } },
      'ranges overlap on tue: mon 22:00-06:00 and 05:00-09:00',
    ],
    [
      { zone: 'UTC', week: { sun: [range('22:00', '06:00')], mon: [range('05:00', '09:00')] } },
      'ranges overlap on mon: sun 22:00-06:00 and 05:00-09:00',
    ],
    [
      { zone: 'UTC', week: { wed: [range('08:00', '07:00')], thu: [range('06:00', '09:00')] } },
      'ranges overlap on thu: wed 08:00-07:00 and 06:00-09:00',
    ],
    [{ zone: 'UTC', week: {} }, 'the schedule has no open hours'],
    [{ zone: 'UTC', week: { mon: [], sun: [] } }, 'the schedule has no open hours'],
    [{ zone: 'UTC', week: { mon: [range('09:00', '25:00')] } }, 'mon 09:00-25:00: "25:00" is not a time (HH:MM, 00:00 to 24:00)'],
    [{ zone: 'UTC', week: { mon: [range('9am', '17:00')] } }, 'mon 9am-17:00: "9am" is not a time (HH:MM, 00:00 to 23:59)'],
    [
      { zone: 'UTC', week: { mon: [range('24:00', '02:00')] } },
      'mon 24:00-02:00: a range cannot start at 24:00 (start the next day at 00:00)',
    ],
    [
      { zone: 'UTC', week: { mon: [range('09:00', '17:00')] }, holidays: [{ date: '2026-02-30' }] },
      'holiday "2026-02-30" is not a date (YYYY-MM-DD)',
    ],
    [
      { zone: 'UTC', week: { mon: [range('09:00', '17:00')] }, holidays: [{ date: '2027-02-29', yearly: true }] },
      'holiday "2027-02-29" is not a date (YYYY-MM-DD)',
    ],
    [
      { zone: 'UTC', week: { mon: [range('09:00', '17:00')] }, holidays: [{ date: '25/12/2026' }] },
      'holiday "25/12/2026" is not a date (YYYY-MM-DD)',
    ],
    [
      { zone: 'UTC', week: { mon: [range('09:00', '17:00')] }, holidays: [{ date: '2026-12-25' }, { date: '2026-12-25' }] },
      'holiday "2026-12-25" is listed twice',
    ],
    [{ zone: 'UTC', week: { monday: [range('09:00', '17:00')] } }, 'unknown day "monday" (use mon, tue, wed, thu, fri, sat, sun)'],
    [{ zone: 'UTC', week: { mon: [range('09:00', '17:00')] }, open: true }, 'business hours: unknown field "open"'],
    [{ zone: 42, week: {} }, 'zone should be a string'],
    [{ zone: 'UTC', week: { mon: [{ from: '09:00' }] } }, 'week.mon[0].to should be a string'],
    ['mon-fri 09:00-17:00', 'business hours should be an object'],
  ])('refuses %j: %s', (input, message) => {
    expect(errorOf(() => parseBusinessHours(input)).message).toBe(message);
  });

  it('accepts a yearly holiday on 02-29 (it needs a leap year as its placeholder year)', () => {
    expect(
      parseBusinessHours({ zone: 'UTC', week: { mon: [range('09:00', '17:00')] }, holidays: [{ date: '2000-02-29', yearly: true }] })
        .holidays,
    ).toEqual([{ date: '2000-02-29', yearly: true }]);
  });
});

describe('parseScheduleText', () => {
  it('reads the example of the issue', () => {
    const week = parseScheduleText('mon-fri 09:00-13:00,14:00-18:00; sat 10:00-14:00; sun closed');
    const weekday = [
      { from: '09:00', to: '13:00' },
      { from: '14:00', to: '18:00' },
    ];
    expect(week).toEqual({
      mon: weekday,
      tue: weekday,
      wed: weekday,
      thu: weekday,
      fri: weekday,
      sat: [{ from: '10:00', to: '14:00' }],
      sun: [],
    });
  });

  it('reads lists, wrapping ranges, full names, daily/all and new lines', () => {
    expect(parseScheduleText('mon,wed 9:00-12:00')).toMatchObject({
      mon: [{ from: '09:00', to: '12:00' }],
      tue: [],
      wed: [{ from: '09:00', to: '12:00' }],
    });
    const wrapped = parseScheduleText('fri-mon 10:00-11:00');
    expect(WEEKDAYS.filter((d) => wrapped[d].length > 0)).toEqual(['mon', 'fri', 'sat', 'sun']);
    expect(parseScheduleText('Saturday 10:00 - 14:00\nsun 22:00-02:00').sat).toEqual([{ from: '10:00', to: '14:00' }]);
    for (const every of ['daily 00:00-24:00', 'all 00:00-24:00']) {
      expect(Object.values(parseScheduleText(every))).toEqual(WEEKDAYS.map(() => [{ from: '00:00', to: '24:00' }]));
    }
  });

  it.each([
    ['mon-fri 09:00-17:00; fri 18:00-20:00', 'fri is given twice in the schedule'],
    ['mon-fry 09:00-17:00', '"mon-fry 09:00-17:00": "mon-fry" is not a day or a day range (e.g. mon-fri, sat, mon,wed, daily)'],
    ['mon 9-17', '"mon 9-17": "9-17" is not a time range (e.g. 09:00-17:00, or 22:00-06:00 overnight)'],
    ['mon-fri', '"mon-fri" should be days and then times or "closed" (e.g. "mon-fri 09:00-17:00")'],
    ['daily closed', 'the schedule has no open hours'],
    [' ; ', 'the schedule is empty (e.g. "mon-fri 09:00-17:00; sat 10:00-14:00")'],
    ['mon 09:00-13:00,12:00-14:00', 'ranges overlap on mon: 09:00-13:00 and 12:00-14:00'],
  ])('refuses %j: %s', (text, message) => {
    expect(errorOf(() => parseScheduleText(text)).message).toBe(message);
  });
});

describe('parseHolidayText', () => {
  it('reads dated and yearly holidays', () => {
    expect(parseHolidayText('2026-12-25')).toEqual({ date: '2026-12-25', yearly: false });
    expect(parseHolidayText('yearly:12-25')).toEqual({ date: '2000-12-25', yearly: true });
    expect(parseHolidayText('12-25')).toEqual({ date: '2000-12-25', yearly: true });
    expect(parseHolidayText('yearly:2026-12-26')).toEqual({ date: '2026-12-26', yearly: true });
    expect(parseHolidayText('02-29')).toEqual({ date: '2000-02-29', yearly: true });
  });

  it.each([
    ['2026-02-30', 'holiday "2026-02-30" is not a date (YYYY-MM-DD)'],
    ['2027-02-29', 'holiday "2027-02-29" is not a date (YYYY-MM-DD)'],
    ['02-30', 'holiday "02-30" is not a date (MM-DD)'],
    ['christmas', 'holiday "christmas" is not a date (e.g. 2026-12-25, or 12-25 for every year)'],
  ])('refuses %j', (text, message) => {
    expect(errorOf(() => parseHolidayText(text)).message).toBe(message);
  });
});

describe('describeBusinessHours', () => {
  it('lists the zone, every day and the holidays', () => {
    const hours = hoursOf('Europe/Rome', 'mon-thu 09:00-13:00,14:00-18:00; fri 22:00-02:00; sun closed', ['yearly:01-01', '2026-12-25']);
    expect(describeBusinessHours(hours)).toEqual([
      'zone      Europe/Rome',
      'mon       09:00-13:00, 14:00-18:00',
      'tue       09:00-13:00, 14:00-18:00',
      'wed       09:00-13:00, 14:00-18:00',
      'thu       09:00-13:00, 14:00-18:00',
      'fri       22:00-02:00 (overnight)',
      'sat       closed',
      'sun       closed',
      'holidays  2026-12-25, every 01-01',
    ]);
  });

  it('says always open for no hours, and none for no holidays', () => {
    expect(describeBusinessHours(null)).toEqual(['always open, 24/7 (no business hours set)']);
    expect(describeBusinessHours(hoursOf('UTC', 'daily 00:00-24:00')).at(-1)).toBe('holidays  none');
  });
});

describe('no business hours (null): always open, plain arithmetic', () => {
  it('adds, measures and lists without a calendar', () => {
    const start = at('2026-03-29T00:30:00Z');
    expect(addBusinessTime(null, start, 5 * H).toISOString()).toBe('2026-03-29T05:30:00.000Z');
    expect(businessTimeBetween(null, start, at('2026-03-30T00:30:00Z'))).toBe(DAY);
    expect(businessTimeBetween(null, at('2026-03-30T00:30:00Z'), start)).toBe(0);
    expect(spans(openIntervals(null, start, at('2026-03-30T00:30:00Z')))).toEqual([
      ['2026-03-29T00:30:00.000Z', '2026-03-30T00:30:00.000Z'],
    ]);
    expect(openIntervals(null, start, start)).toEqual([]);
    expect(isOpenAt(null, start)).toBe(true);
    expect(nextOpening(null, start)).toEqual(start);
  });

  it('refuses a negative or non-finite amount of business time', () => {
    expect(() => addBusinessTime(null, at('2026-01-01T00:00:00Z'), -1)).toThrow(RangeError);
    expect(() => addBusinessTime(hoursOf('UTC', 'daily 09:00-17:00'), at('2026-01-01T00:00:00Z'), Number.NaN)).toThrow(RangeError);
  });
});

describe('daylight saving time', () => {
  // [zone, spring-forward date, fall-back date]; both zones change at 02:00 local.
  const zones = [
    ['Europe/Rome', '2026-03-29', '2026-10-25'],
    ['America/New_York', '2026-03-08', '2026-11-01'],
  ] as const;

  for (const [zone, spring, fall] of zones) {
    const local = (date: string, time: string) => DateTime.fromISO(`${date}T${time}`, { zone }).toJSDate();
    const dayBefore = (date: string) => DateTime.fromISO(date).minus({ days: 1 }).toISODate()!;

    it(`${zone}: daily 00:00-24:00 is 24/7 maths across both changes (a 23 h and a 25 h day)`, () => {
      const allWeek = hoursOf(zone, 'daily 00:00-24:00');
      for (const [date, hours] of [
        [spring, 23],
        [fall, 25],
      ] as const) {
        const from = local(dayBefore(date), '12:00');
        const to = local(date, '12:00');
        expect(businessTimeBetween(allWeek, from, to)).toBe(hours * H);
        expect(businessTimeBetween(allWeek, from, to)).toBe(businessTimeBetween(null, from, to));
        expect(addBusinessTime(allWeek, from, hours * H)).toEqual(to);
        expect(spans(openIntervals(allWeek, from, to))).toEqual(spans(openIntervals(null, from, to)));
      }
    });

    it(`${zone}: an overnight 22:00-06:00 is 7 h on the spring-forward night and 9 h on the fall-back night`, () => {
      const nights = hoursOf(zone, 'daily 22:00-06:00');
      for (const [date, hours] of [
        [spring, 7],
        [fall, 9],
      ] as const) {
        const from = local(dayBefore(date), '12:00');
        const to = local(date, '12:00');
        const intervals = openIntervals(nights, from, to);
        expect(spans(intervals)).toEqual([[local(dayBefore(date), '22:00').toISOString(), local(date, '06:00').toISOString()]]);
        expect(intervals[0]!.end.getTime() - intervals[0]!.start.getTime()).toBe(hours * H);
        expect(businessTimeBetween(nights, from, to)).toBe(hours * H);
      }
      // A night without a change is 8 h.
      expect(businessTimeBetween(nights, local('2026-06-01', '12:00'), local('2026-06-02', '12:00'))).toBe(8 * H);
    });
  }

  it('Europe/Rome: a 09:00-17:00 weekday target crosses the weekend of each change', () => {
    const office = hoursOf('Europe/Rome', 'mon-fri 09:00-17:00');
    // Fri 15:00 CET + 4 h: 2 h on Friday, 2 h on Monday, which is CEST: Monday 11:00 CEST.
    expect(addBusinessTime(office, at('2026-03-27T14:00:00Z'), 4 * H).toISOString()).toBe('2026-03-30T09:00:00.000Z');
    // Fri 15:00 CEST + 4 h: Monday 11:00 CET.
    expect(addBusinessTime(office, at('2026-10-23T13:00:00Z'), 4 * H).toISOString()).toBe('2026-10-26T10:00:00.000Z');
    expect(businessTimeBetween(office, at('2026-03-27T14:00:00Z'), at('2026-03-30T09:00:00Z'))).toBe(4 * H);
  });

  it('America/New_York: a 09:00-17:00 weekday target crosses the weekend of each change', () => {
    const office = hoursOf('America/New_York', 'mon-fri 09:00-17:00');
    // Fri 15:00 EST + 4 h: Monday 11:00 EDT; Fri 15:00 EDT + 4 h: Monday 11:00 EST.
    expect(addBusinessTime(office, at('2026-03-06T20:00:00Z'), 4 * H).toISOString()).toBe('2026-03-09T15:00:00.000Z');
    expect(addBusinessTime(office, at('2026-10-30T19:00:00Z'), 4 * H).toISOString()).toBe('2026-11-02T16:00:00.000Z');
    expect(businessTimeBetween(office, at('2026-10-30T19:00:00Z'), at('2026-11-02T16:00:00Z'))).toBe(4 * H);
  });

  it('a wall time in the spring-forward gap is moved forward by the gap', () => {
    // Rome 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00Z).
    const day = ['2026-03-29T00:00:00Z', '2026-03-29T12:00:00Z'].map(at) as [Date, Date];
    expect(spans(openIntervals(hoursOf('Europe/Rome', 'sun 02:30-04:00'), ...day))).toEqual([
      ['2026-03-29T01:30:00.000Z', '2026-03-29T02:00:00.000Z'],
    ]);
    expect(spans(openIntervals(hoursOf('Europe/Rome', 'sun 01:00-02:30'), ...day))).toEqual([
      ['2026-03-29T00:00:00.000Z', '2026-03-29T01:30:00.000Z'],
    ]);
    // A range wholly inside the gap is empty that Sunday, and an hour on the others.
    const inGap = hoursOf('Europe/Rome', 'sun 02:00-03:00');
    expect(openIntervals(inGap, ...day)).toEqual([]);
    expect(businessTimeBetween(inGap, at('2026-03-22T00:00:00Z'), at('2026-03-23T00:00:00Z'))).toBe(H);
    expect(nextOpening(inGap, at('2026-03-28T00:00:00Z')).toISOString()).toBe('2026-04-05T00:00:00.000Z');
  });

  it('a wall time of the repeated fall-back hour is its first occurrence, whatever the season the code runs in', () => {
    const realNow = Settings.now;
    try {
      for (const [i, now] of [Date.parse('2026-07-01T00:00:00Z'), Date.parse('2026-12-01T00:00:00Z')].entries()) {
        Settings.now = () => now;
        // A different (unrelated) holiday per pass so that nothing computed in the other season is reused.
        const rome = hoursOf('Europe/Rome', 'sun 02:30-03:00', [`1990-01-0${i + 1}`]);
        // Rome 2026-10-25: 02:30 CEST is 00:30Z, 03:00 CET is 02:00Z.
        expect(spans(openIntervals(rome, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z')))).toEqual([
          ['2026-10-25T00:30:00.000Z', '2026-10-25T02:00:00.000Z'],
        ]);
        const newYork = hoursOf('America/New_York', 'sun 01:30-03:00', [`1990-01-0${i + 1}`]);
        // New York 2026-11-01: 01:30 EDT is 05:30Z, 03:00 EST is 08:00Z.
        expect(businessTimeBetween(newYork, at('2026-11-01T00:00:00Z'), at('2026-11-02T00:00:00Z'))).toBe(2.5 * H);
        expect(isOpenAt(newYork, at('2026-11-01T05:29:00Z'))).toBe(false);
        expect(isOpenAt(newYork, at('2026-11-01T06:45:00Z'))).toBe(true);
      }
    } finally {
      Settings.now = realNow;
    }
  });

  it('agrees minute by minute with the wall clock around each change', () => {
    const cases = [
      hoursOf('Europe/Rome', 'mon-fri 09:00-13:00,14:00-18:00; sat 22:00-06:00; sun 10:00-12:00'),
      hoursOf('America/New_York', 'mon-fri 08:00-20:00; sat 23:00-04:00; sun 05:00-07:00'),
    ];
    const windows: Record<string, string[]> = {
      'Europe/Rome': ['2026-03-28', '2026-10-24'],
      'America/New_York': ['2026-03-07', '2026-10-31'],
    };
    for (const hours of cases) {
      for (const date of windows[hours.zone]!) {
        const from = DateTime.fromISO(`${date}T00:00`, { zone: hours.zone }).toMillis();
        let expected = 0;
        for (let t = from; t < from + 3 * DAY; t += MIN) if (openByWallClock(hours, t)) expected += MIN;
        expect(expected).toBeGreaterThan(0);
        expect(businessTimeBetween(hours, new Date(from), new Date(from + 3 * DAY))).toBe(expected);
      }
    }
  });
});

describe('holidays', () => {
  it('a dated holiday closes its date', () => {
    const withHoliday = hoursOf('Europe/Rome', 'mon-fri 09:00-17:00', ['2026-12-25']);
    const without = hoursOf('Europe/Rome', 'mon-fri 09:00-17:00');
    // Thu 24 Dec 16:00 CET + 2 h: 1 h on Thursday, then Friday 25th is closed, so Monday 10:00.
    expect(addBusinessTime(without, at('2026-12-24T15:00:00Z'), 2 * H).toISOString()).toBe('2026-12-25T09:00:00.000Z');
    expect(addBusinessTime(withHoliday, at('2026-12-24T15:00:00Z'), 2 * H).toISOString()).toBe('2026-12-28T09:00:00.000Z');
    expect(isOpenAt(withHoliday, at('2026-12-25T10:00:00Z'))).toBe(false);
    expect(isOpenAt(withHoliday, at('2027-12-24T10:00:00Z'))).toBe(true);
  });

  it('a yearly holiday closes its month-day in every year, earlier ones too', () => {
    const hours = hoursOf('UTC', 'daily 09:00-17:00', ['01-01']);
    for (const date of ['2027-01-01', '2031-01-01', '2020-01-01']) expect(isOpenAt(hours, at(`${date}T12:00:00Z`))).toBe(false);
    expect(isOpenAt(hours, at('2027-01-02T12:00:00Z'))).toBe(true);
    expect(nextOpening(hours, at('2026-12-31T18:00:00Z')).toISOString()).toBe('2027-01-02T09:00:00.000Z');
  });

  it('a yearly 02-29 closes Feb 29 in leap years only, and is not moved in other years', () => {
    const hours = hoursOf('UTC', 'daily 09:00-17:00', ['yearly:02-29']);
    expect(isOpenAt(hours, at('2028-02-29T12:00:00Z'))).toBe(false);
    expect(businessTimeBetween(hours, at('2028-02-28T00:00:00Z'), at('2028-03-02T00:00:00Z'))).toBe(16 * H);
    expect(businessTimeBetween(hours, at('2027-02-28T00:00:00Z'), at('2027-03-02T00:00:00Z'))).toBe(16 * H);
    expect(isOpenAt(hours, at('2027-02-28T12:00:00Z'))).toBe(true);
    expect(isOpenAt(hours, at('2027-03-01T12:00:00Z'))).toBe(true);
  });

  it('closes the after-midnight part of an overnight range that started the evening before', () => {
    const friNight = 'fri 22:00-02:00';
    const saturdayOff = hoursOf('UTC', friNight, ['2026-06-13']);
    expect(spans(openIntervals(saturdayOff, at('2026-06-12T00:00:00Z'), at('2026-06-14T00:00:00Z')))).toEqual([
      ['2026-06-12T22:00:00.000Z', '2026-06-13T00:00:00.000Z'],
    ]);
    // A holiday on the Friday closes its evening; the after-midnight part is Saturday's, and open.
    const fridayOff = hoursOf('UTC', friNight, ['2026-06-12']);
    expect(spans(openIntervals(fridayOff, at('2026-06-12T00:00:00Z'), at('2026-06-14T00:00:00Z')))).toEqual([
      ['2026-06-13T00:00:00.000Z', '2026-06-13T02:00:00.000Z'],
    ]);
  });

  it('holidays are local dates of the zone, not UTC dates', () => {
    // 2026-12-25 in New York runs from 05:00Z on the 25th to 05:00Z on the 26th.
    const hours = hoursOf('America/New_York', 'daily 00:00-24:00', ['2026-12-25']);
    expect(spans(openIntervals(hours, at('2026-12-25T00:00:00Z'), at('2026-12-27T00:00:00Z')))).toEqual([
      ['2026-12-25T00:00:00.000Z', '2026-12-25T05:00:00.000Z'],
      ['2026-12-26T05:00:00.000Z', '2026-12-27T00:00:00.000Z'],
    ]);
  });
});

describe('overnight ranges', () => {
  it('fri 22:00-02:00 runs into Saturday', () => {
    const hours = hoursOf('UTC', 'fri 22:00-02:00');
    expect(spans(openIntervals(hours, at('2026-06-12T00:00:00Z'), at('2026-06-14T00:00:00Z')))).toEqual([
      ['2026-06-12T22:00:00.000Z', '2026-06-13T02:00:00.000Z'],
    ]);
    expect(isOpenAt(hours, at('2026-06-13T01:59:00Z'))).toBe(true);
    expect(isOpenAt(hours, at('2026-06-13T02:00:00Z'))).toBe(false);
    expect(addBusinessTime(hours, at('2026-06-12T21:00:00Z'), 3 * H).toISOString()).toBe('2026-06-13T01:00:00.000Z');
    expect(nextOpening(hours, at('2026-06-13T02:00:00Z')).toISOString()).toBe('2026-06-19T22:00:00.000Z');
  });

  it('is one interval with a next-day range that continues it', () => {
    for (const schedule of ['fri 18:00-24:00; sat 00:00-02:00', 'fri 18:00-02:00; sat 02:00-06:00']) {
      const intervals = openIntervals(hoursOf('UTC', schedule), at('2026-06-12T00:00:00Z'), at('2026-06-14T00:00:00Z'));
      expect(intervals).toHaveLength(1);
      expect(intervals[0]!.start.toISOString()).toBe('2026-06-12T18:00:00.000Z');
    }
  });

  it("sunday's overnight range runs into Monday", () => {
    const hours = hoursOf('UTC', 'sun 22:00-02:00');
    expect(isOpenAt(hours, at('2026-06-15T01:00:00Z'))).toBe(true);
    expect(businessTimeBetween(hours, at('2026-06-14T00:00:00Z'), at('2026-06-16T00:00:00Z'))).toBe(4 * H);
  });

  it('openIntervals clips to the window and merges across midnight', () => {
    const hours = hoursOf('UTC', 'daily 20:00-04:00');
    expect(spans(openIntervals(hours, at('2026-06-12T02:00:00Z'), at('2026-06-13T21:00:00Z')))).toEqual([
      ['2026-06-12T02:00:00.000Z', '2026-06-12T04:00:00.000Z'],
      ['2026-06-12T20:00:00.000Z', '2026-06-13T04:00:00.000Z'],
      ['2026-06-13T20:00:00.000Z', '2026-06-13T21:00:00.000Z'],
    ]);
  });
});

describe('addBusinessTime and businessTimeBetween', () => {
  it('starts the clock at the next opening, and ms 0 is the next opening', () => {
    const office = hoursOf('Europe/Rome', 'mon-fri 09:00-17:00');
    // Sat 12:00 CET: the clock starts on Monday 09:00 CET (08:00Z).
    expect(addBusinessTime(office, at('2026-01-10T11:00:00Z'), 30 * MIN).toISOString()).toBe('2026-01-12T08:30:00.000Z');
    expect(addBusinessTime(office, at('2026-01-10T11:00:00Z'), 0).toISOString()).toBe('2026-01-12T08:00:00.000Z');
    expect(nextOpening(office, at('2026-01-12T10:00:00Z')).toISOString()).toBe('2026-01-12T10:00:00.000Z');
    // Ending exactly at closing time gives the closing time, not the next opening.
    expect(addBusinessTime(office, at('2026-01-12T08:00:00Z'), 8 * H).toISOString()).toBe('2026-01-12T16:00:00.000Z');
    expect(isOpenAt(office, at('2026-01-12T16:00:00Z'))).toBe(false);
    expect(isOpenAt(office, at('2026-01-12T08:00:00Z'))).toBe(true);
  });

  it('businessTimeBetween is 0 for an empty or reversed window', () => {
    const office = hoursOf('UTC', 'mon-fri 09:00-17:00');
    expect(businessTimeBetween(office, at('2026-01-12T12:00:00Z'), at('2026-01-12T12:00:00Z'))).toBe(0);
    expect(businessTimeBetween(office, at('2026-01-13T12:00:00Z'), at('2026-01-12T12:00:00Z'))).toBe(0);
  });

  const schedules = [
    hoursOf('Europe/Rome', 'mon-fri 09:00-13:00,14:00-18:00; sat 10:00-14:00; sun 22:00-01:30', ['2026-12-25', '01-01', '2027-04-05']),
    hoursOf('America/New_York', 'mon-thu 08:00-20:00; fri 20:00-02:00; sat 02:00-04:00', ['07-04', '2026-11-26']),
  ];
  for (const hours of schedules) {
    it(`round-trips on 400 seeded random starts in ${hours.zone}`, () => {
      const random = seeded(hours.zone.length * 7919);
      const span = Date.parse('2028-01-01T00:00:00Z') - Date.parse('2026-01-01T00:00:00Z');
      for (let i = 0; i < 400; i++) {
        const start = new Date(Date.parse('2026-01-01T00:00:00Z') + Math.floor(random() * span));
        const ms = (1 + Math.floor(random() * 5 * 24 * 60)) * MIN;
        const end = addBusinessTime(hours, start, ms);
        expect(businessTimeBetween(hours, start, end)).toBe(ms);
        // The target ends inside open time (or at its end), never in closed time.
        expect(isOpenAt(hours, new Date(end.getTime() - 1))).toBe(true);
        expect(openByWallClock(hours, end.getTime() - 1)).toBe(true);
        // And back: adding the business time up to any instant lands on it, or on the closing before it.
        const later = new Date(start.getTime() + Math.floor(random() * 10 * DAY));
        // (With nothing open in between, adding 0 gives the next opening, which is not before it.)
        const elapsed = businessTimeBetween(hours, start, later);
        const back = addBusinessTime(hours, start, elapsed);
        if (elapsed === 0) expect(back.getTime()).toBeGreaterThanOrEqual(later.getTime());
        else expect(back.getTime()).toBeLessThanOrEqual(later.getTime());
        if (elapsed > 0 && isOpenAt(hours, new Date(later.getTime() - 1))) expect(back).toEqual(later);
        const opening = nextOpening(hours, start);
        expect(isOpenAt(hours, opening)).toBe(true);
        expect(businessTimeBetween(hours, start, opening)).toBe(0);
      }
    });
  }
});

describe('no open time ahead', () => {
  it('refuses instead of looping when every day for three years is a holiday', () => {
    const everyDay: string[] = [];
    for (let d = DateTime.utc(2000, 1, 1); d.year === 2000; d = d.plus({ days: 1 })) everyDay.push(d.toFormat('MM-dd'));
    const never = hoursOf('Europe/Rome', 'daily 09:00-17:00', everyDay);
    expect(errorOf(() => addBusinessTime(never, at('2026-06-01T00:00:00Z'), H)).message).toBe(
      'the business hours have no open time in the 3 years after 2026-06-01: every open day is a holiday',
    );
    expect(() => nextOpening(never, at('2026-06-01T00:00:00Z'))).toThrow(ValidationError);
    // A bounded question still has an answer: nothing is open.
    expect(businessTimeBetween(never, at('2026-06-01T00:00:00Z'), at('2026-07-01T00:00:00Z'))).toBe(0);
    expect(openIntervals(never, at('2026-06-01T00:00:00Z'), at('2026-07-01T00:00:00Z'))).toEqual([]);
    expect(isOpenAt(never, at('2026-06-01T10:00:00Z'))).toBe(false);
  });

  it('still finds an opening two years away', () => {
    const mondays: string[] = [];
    for (let d = DateTime.utc(2026, 1, 5); d.year < 2028; d = d.plus({ weeks: 1 })) mondays.push(d.toISODate()!);
    const rare = hoursOf('UTC', 'mon 09:00-10:00', mondays);
    expect(nextOpening(rare, at('2026-01-01T00:00:00Z')).toISOString()).toBe('2028-01-03T09:00:00.000Z');
    const moreMondays: string[] = [];
    for (let d = DateTime.utc(2026, 1, 5); d.year < 2030; d = d.plus({ weeks: 1 })) moreMondays.push(d.toISODate()!);
    const never = hoursOf('UTC', 'mon 09:00-10:00', moreMondays);
    expect(() => nextOpening(never, at('2026-01-01T00:00:00Z'))).toThrow(/no open time in the 3 years/);
  });
});
