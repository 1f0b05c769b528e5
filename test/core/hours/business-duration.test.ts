import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.ts';
import { formatDuration, MAX_BUSINESS_DURATION_MS, parseBusinessDuration } from '../../../core/hours/business-duration.ts';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;

describe('parseBusinessDuration', () => {
  it.each([
    ['30m', 30 * MIN],
    ['4h', 4 * H],
    ['1h30m', 90 * MIN],
    ['1h30', 90 * MIN],
    ['90min', 90 * MIN],
    ['2 hours', 2 * H],
    ['2 hours and 30 minutes', 150 * MIN],
    ['1.5h', 90 * MIN],
    ['4H', 4 * H],
    ['  3 days ', 3 * DAY],
    ['1w', 7 * DAY],
    ['365d', MAX_BUSINESS_DURATION_MS],
  ])('reads %j', (text, ms) => {
    expect(parseBusinessDuration(text)).toBe(ms);
  });

  const examples = '(e.g. 30m, 4h, 1h30m)';
  it.each([
    ['abc', `"abc" is not a duration ${examples}`],
    ['', `"" is not a duration ${examples}`],
    ['4h 30x', `"4h 30x" is not a duration ${examples}`],
    ['4h/2', `"4h/2" is not a duration ${examples}`],
    ['30', `"30" needs a unit ${examples}`],
    ['0m', `"0m" is zero: a target is a positive duration ${examples}`],
    ['0.0001ms', `"0.0001ms" is zero: a target is a positive duration ${examples}`],
    ['-4h', `"-4h" is negative: a target is a positive duration ${examples}`],
    ['366 days', '"366 days" is more than 365 days'],
    ['1y', '"1y" is more than 365 days'],
  ])('refuses %j', (text, message) => {
    let thrown: unknown;
    try {
      parseBusinessDuration(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as Error).message).toBe(message);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '<1m'],
    [59_999, '<1m'],
    [MIN, '1m'],
    [45 * MIN + 59_000, '45m'],
    [59 * MIN, '59m'],
    [H, '1h 00m'],
    [2 * H + 5 * MIN, '2h 05m'],
    [23 * H + 59 * MIN, '23h 59m'],
    [DAY, '1d 0h'],
    [3 * DAY + 4 * H + 59 * MIN, '3d 4h'],
    [-(2 * H + 5 * MIN), '2h 05m'],
    [-30_000, '<1m'],
  ])('formats %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('refuses what is not a number of milliseconds', () => {
    expect(() => formatDuration(Number.NaN)).toThrow(RangeError);
    expect(() => formatDuration(Infinity)).toThrow(RangeError);
  });
});
