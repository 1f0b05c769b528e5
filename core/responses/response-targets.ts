import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { formatDuration, MAX_BUSINESS_DURATION_MS, parseBusinessDuration } from '../hours/business-duration.ts';
import { priorityNames, type PriorityName } from '../inbox/priority-names.ts';

// A property's response-time targets: how much business time may pass before each clock is
// breached. One set for the property, overridden by priority and by department (a
// department's value wins over a priority's, which wins over the property's), clock by clock.
// What stops and starts the clocks is response-clocks.ts; the notifications are breach-alerts.ts.

export const clockNames = ['first', 'next', 'resolution'] as const;
export type ClockName = (typeof clockNames)[number];

/** Business milliseconds per clock; a clock left out has no target there (the next level decides). */
export type ClockTargets = Partial<Record<ClockName, number>>;

/** Who hears of a breach, besides the note on the item and the metric (core/responses/response-alerts.ts). */
export interface BreachNotify {
  /** 'assignee' falls back to the lead address when the item has no agent. */
  email: 'off' | 'assignee' | 'lead';
  leadAddress: string | null;
  /** POST the breach to the property's callback URL, signed as the trigger messages are. */
  callback: boolean;
}

export interface ResponseTargets {
  base: ClockTargets;
  byPriority: Partial<Record<PriorityName, ClockTargets>>;
  /** By department id. */
  byDepartment: Record<string, ClockTargets>;
  /** The share of a target after which an item is at risk (0.8: at 80% of the time). */
  atRiskShare: number;
  notify: BreachNotify;
}

export const defaultAtRiskShare = 0.8;

export const noTargets: ResponseTargets = {
  base: {},
  byPriority: {},
  byDepartment: {},
  atRiskShare: defaultAtRiskShare,
  notify: { email: 'off', leadAddress: null, callback: false },
};

const ms = z.number().int().positive().max(MAX_BUSINESS_DURATION_MS);
const clockTargets = z.strictObject({ first: ms.optional(), next: ms.optional(), resolution: ms.optional() });
const schema = z.strictObject({
  base: clockTargets,
  byPriority: z.partialRecord(z.enum(priorityNames), clockTargets),
  byDepartment: z.record(z.string().regex(/^\d+$/), clockTargets),
  atRiskShare: z.number().gt(0).lt(1),
  notify: z.strictObject({ email: z.enum(['off', 'assignee', 'lead']), leadAddress: z.string().email().nullable(), callback: z.boolean() }),
});

/** Reads stored targets (jsonb); null or anything that does not validate is "no targets", never a crash of a worker. */
export function readTargets(stored: unknown): ResponseTargets {
  if (stored === null || stored === undefined) return noTargets;
  const parsed = schema.safeParse(stored);
  return parsed.success ? (parsed.data as ResponseTargets) : noTargets;
}

/** Targets about to be stored, checked: a bad one is refused in words, never stored. */
export function checkTargets(targets: ResponseTargets): ResponseTargets {
  const parsed = schema.safeParse(targets);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ValidationError(`response targets: ${issue.path.map(String).join('.') || 'value'}: ${issue.message}`);
  }
  return parsed.data as ResponseTargets;
}

/** The target of `clock` for an item of this priority and department, in business ms; null: no target. */
export function targetFor(targets: ResponseTargets, clock: ClockName, priority: number, departmentId: string | null): number | null {
  const byDepartment = departmentId ? targets.byDepartment[departmentId]?.[clock] : undefined;
  const byPriority = targets.byPriority[priorityNames[priority] ?? 'normal']?.[clock];
  return byDepartment ?? byPriority ?? targets.base[clock] ?? null;
}

/**
 * Applies `first=4h next=8h resolution=3d` (a value `none` removes that clock's target) to the
 * property's targets, or to one priority's or department's overrides.
 */
export function withTargets(
  targets: ResponseTargets,
  pairs: string[],
  scope: { priority?: PriorityName; departmentId?: string } = {},
): ResponseTargets {
  if (pairs.length === 0) throw new ValidationError('give at least one target, e.g. first=4h next=8h resolution=3d');
  const current: ClockTargets = {
    ...(scope.departmentId ? targets.byDepartment[scope.departmentId] : scope.priority ? targets.byPriority[scope.priority] : targets.base),
  };
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = (eq < 0 ? pair : pair.slice(0, eq)).trim().toLowerCase();
    if (!(clockNames as readonly string[]).includes(key))
      throw new ValidationError(`unknown target "${key}": use first, next or resolution (e.g. first=4h)`);
    if (eq < 0) throw new ValidationError(`give ${key} a duration, e.g. ${key}=4h (or ${key}=none)`);
    const value = pair.slice(eq + 1).trim();
    if (/^(none|off)$/i.test(value)) delete current[key as ClockName];
    else current[key as ClockName] = parseBusinessDuration(value);
  }
  if (scope.departmentId) return { ...targets, byDepartment: { ...targets.byDepartment, [scope.departmentId]: current } };
  if (scope.priority) return { ...targets, byPriority: { ...targets.byPriority, [scope.priority]: current } };
  return { ...targets, base: current };
}

/** Applies the CLI's notification options (`--notify-email`, `--lead`, `--notify-callback`), each checked in the user's words. */
export function withNotify(targets: ResponseTargets, given: { email?: string; lead?: string; callback?: string }): ResponseTargets {
  const notify = { ...targets.notify };
  if (given.email !== undefined) {
    const who = given.email.trim().toLowerCase();
    if (who !== 'off' && who !== 'assignee' && who !== 'lead')
      throw new ValidationError(`--notify-email must be off, assignee or lead, got "${given.email}"`);
    notify.email = who;
  }
  if (given.lead !== undefined) {
    const lead = given.lead.trim().toLowerCase();
    if (lead && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(lead)) throw new ValidationError(`"${given.lead}" is not an email address`);
    notify.leadAddress = lead || null;
  }
  if (given.callback !== undefined) {
    if (!/^(on|off|true|false)$/i.test(given.callback))
      throw new ValidationError(`--notify-callback must be on or off, got "${given.callback}"`);
    notify.callback = /^(on|true)$/i.test(given.callback);
  }
  if (notify.email === 'lead' && !notify.leadAddress) throw new ValidationError('--notify-email lead needs a lead address (--lead EMAIL)');
  return { ...targets, notify };
}

/** Parses an at-risk share written as `80%` or `0.8`. */
export function parseAtRiskShare(text: string): number {
  const t = text.trim();
  const value = t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
  if (!Number.isFinite(value) || value <= 0 || value >= 1)
    throw new ValidationError(`at-risk must be a share of the target between 0 and 100%, e.g. 80%, got "${text}"`);
  return value;
}

function describeClocks(t: ClockTargets | undefined): string {
  const parts = clockNames.filter((c) => t?.[c] !== undefined).map((c) => `${c} ${formatDuration(t![c]!)}`);
  return parts.length ? parts.join(', ') : '(none)';
}

/** Readable lines for `targets show`; departments named by `departmentName`. */
export function describeTargets(targets: ResponseTargets, departmentName: (id: string) => string): string[] {
  const lines = [`${'property'.padEnd(14)} ${describeClocks(targets.base)}`];
  for (const p of priorityNames)
    if (targets.byPriority[p]) lines.push(`${`priority ${p}`.padEnd(14)} ${describeClocks(targets.byPriority[p])}`);
  for (const [id, t] of Object.entries(targets.byDepartment)) lines.push(`${`dept ${departmentName(id)}`.padEnd(14)} ${describeClocks(t)}`);
  lines.push(`${'at risk'.padEnd(14)} at ${Math.round(targets.atRiskShare * 100)}% of a target`);
  const n = targets.notify;
  const email =
    n.email === 'off'
      ? 'no email'
      : n.email === 'lead'
        ? `email ${n.leadAddress ?? '(no lead address set)'}`
        : `email the assignee${n.leadAddress ? ` (else ${n.leadAddress})` : ''}`;
  lines.push(`${'on breach'.padEnd(14)} a note, ${email}${n.callback ? ', POST to the callback URL' : ''}`);
  return lines;
}
