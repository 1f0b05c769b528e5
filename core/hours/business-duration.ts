import parseDuration from 'parse-duration';
import { ValidationError } from '../errors.ts';

// Response-time targets as people write them (`30m`, `4h`, `1h30m`, `90min`, `2 hours`), and
// the compact form the inbox shows for waiting times and deadlines (`2h 05m`, `due in 45m`).

/** The longest target: a year of business time is already far past any useful promise. */
export const MAX_BUSINESS_DURATION_MS = 365 * 86_400_000;

const EXAMPLES = '(e.g. 30m, 4h, 1h30m)';

/**
 * Milliseconds of a duration such as `30m`, `4h`, `1h30m`, `90min`, `2 hours`, `1 day`. The
 * units are parse-duration's; every word must be one of them (parse-duration alone skips words
 * it does not know, so `4h 30x` would quietly be 4h). Refuses a bare number (minutes or
 * milliseconds?), zero, a negative duration and more than 365 days.
 */
export function parseBusinessDuration(text: string): number {
  const given = text.trim();
  const words = given.match(/\p{L}+/gu) ?? [];
  const unknown = words.find((word) => word.toLowerCase() !== 'and' && parseDuration(`1${word}`) === null);
  // Anything but numbers, unit words, spaces, commas and a leading sign is not a duration.
  const stray = /[^\p{L}\d.,\s]/u.test(given.replace(/^[-+]/, ''));
  if (!/\d/.test(given) || unknown !== undefined || stray) throw new ValidationError(`"${text}" is not a duration ${EXAMPLES}`);
  if (words.length === 0) throw new ValidationError(`"${text}" needs a unit ${EXAMPLES}`);
  const ms = parseDuration(given.replace(/\band\b/giu, ' '));
  if (ms === null || Number.isNaN(ms)) throw new ValidationError(`"${text}" is not a duration ${EXAMPLES}`);
  if (ms < 0 || given.startsWith('-')) throw new ValidationError(`"${text}" is negative: a target is a positive duration ${EXAMPLES}`);
  const rounded = Math.round(ms);
  if (rounded === 0) throw new ValidationError(`"${text}" is zero: a target is a positive duration ${EXAMPLES}`);
  if (rounded > MAX_BUSINESS_DURATION_MS) throw new ValidationError(`"${text}" is more than 365 days`);
  return rounded;
}

/**
 * A compact duration for columns: `<1m`, `45m`, `2h 05m`, `3d 4h` (rounded down, so "due in 45m"
 * never promises more time than is left). A negative duration reads as its absolute value; the
 * caller says "overdue".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`cannot format a duration of ${ms} ms`);
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return '<1m';
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}
