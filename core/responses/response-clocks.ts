import { type BusinessHours } from '../hours/business-hours.ts';
import { addBusinessTime, businessTimeBetween } from '../hours/business-time.ts';
import { clockNames, targetFor, type ClockName, type ResponseTargets } from './response-targets.ts';

// The response clocks of one item, computed from what happened to it (its messages, its status,
// its priority and department), never from a tally kept by each writer: whichever path changed
// the item (a chat event, a filed email, a reply, an action of the inbox), the same facts give
// the same clocks, and a recomputation is always safe.
//
// - first: from the visitor's first message (a chat, or a ticket made from one, from the chat's
//   start) to an agent's first public reply.
// - next: from a visitor's first message after an agent's last public reply (or a reopen) to the
//   agent's next public reply.
// - resolution (tickets): from the same start to closing, not counting the business time spent
//   pending or closed; a reopened ticket's clock goes on from where it stopped.
// The first and next clocks run only while the item is open: pending means the team waits on
// the visitor, closed that nobody waits. Only agents' public replies stop a clock: trigger
// messages, acknowledgements, automatic mail, system notes and internal notes are not messages
// of an agent to the visitor (their senders are 'trigger', 'system' and 'note', and an
// automatic inbound email is not a visitor's message either).
// Every duration is business time (core/hours), so a target set in working hours is kept in
// working hours, across nights, weekends, holidays and DST changes.

/** What the clocks are computed from; read by response-clock-store.ts. */
export interface ClockFacts {
  kind: 'conversation' | 'ticket';
  status: 'open' | 'pending' | 'closed';
  statusChangedAt: Date;
  priority: number;
  departmentId: string | null;
  trashed: boolean;
  /** When the first clock starts: the chat's start, else the visitor's first (non-automatic) message. */
  firstStart: Date | null;
  /** The first public reply of an agent at or after firstStart. */
  firstAgentAt: Date | null;
  lastAgentAt: Date | null;
  /** The visitor's first message after lastAgentAt (after nothing: their first). */
  visitorSinceLastAgent: Date | null;
  /** As stored on the item by the last computation. */
  storedWaitingSince: Date | null;
  pausedSince: Date | null;
  pausedMs: number;
}

export interface RunningClock {
  clock: ClockName;
  startedAt: Date;
  targetMs: number;
  /** Null while paused (a pending ticket's resolution clock). */
  dueAt: Date | null;
  atRiskAt: Date | null;
}

/** What is stored on the item. */
export interface ClockState {
  waitingSince: Date | null;
  pausedSince: Date | null;
  pausedMs: number;
  running: RunningClock[];
  dueOf: Record<ClockName, Date | null>;
  /** The earliest due and at-risk times of the running clocks. */
  dueAt: Date | null;
  atRiskAt: Date | null;
  /**
   * The first clock once it has stopped (answered, or the item no longer open), with when:
   * the at-risk and due times it passed before stopping were passed all the same, and a check
   * that runs late (its queue behind, its worker killed, its job wiped with Redis) records them.
   */
  firstStopped: (RunningClock & { stoppedAt: Date }) | null;
}

export interface ClockPolicy {
  hours: BusinessHours | null;
  targets: ResponseTargets;
}

const earliest = (dates: (Date | null | undefined)[]): Date | null =>
  dates.reduce<Date | null>((min, d) => (d && (!min || d < min) ? d : min), null);

export function computeClocks(facts: ClockFacts, policy: ClockPolicy): ClockState {
  const none: ClockState = {
    waitingSince: null,
    pausedSince: facts.pausedSince,
    pausedMs: facts.pausedMs,
    running: [],
    dueOf: { first: null, next: null, resolution: null },
    dueAt: null,
    atRiskAt: null,
    firstStopped: null,
  };
  if (facts.trashed) return none;

  // Pending and closed time is set aside as the item moves back to open, by whoever moved it.
  let { pausedSince, pausedMs } = facts;
  let reopenedAt: Date | null = null;
  if (facts.status !== 'open' && !pausedSince) pausedSince = facts.statusChangedAt;
  if (facts.status === 'open' && pausedSince) {
    pausedMs += businessTimeBetween(policy.hours, pausedSince, facts.statusChangedAt);
    reopenedAt = facts.statusChangedAt;
    pausedSince = null;
  }

  // Who waits on us, since when: the visitor's words since our last reply, or a reopen (which
  // starts a next-response clock), kept until an agent replies.
  let waitingSince: Date | null = null;
  if (facts.status === 'open') {
    const storedStillWaiting =
      facts.storedWaitingSince && (!facts.lastAgentAt || facts.storedWaitingSince > facts.lastAgentAt) ? facts.storedWaitingSince : null;
    const unanswered = !facts.firstAgentAt ? facts.firstStart : null;
    waitingSince = earliest([
      facts.visitorSinceLastAgent,
      storedStillWaiting,
      reopenedAt && (!facts.lastAgentAt || reopenedAt > facts.lastAgentAt) ? reopenedAt : null,
      unanswered,
    ]);
  }

  const running: RunningClock[] = [];
  const start = (clock: ClockName, startedAt: Date, paused: number, isPaused = false) => {
    const targetMs = targetFor(policy.targets, clock, facts.priority, facts.departmentId);
    if (targetMs === null) return;
    const at = (share: number) => (isPaused ? null : addBusinessTime(policy.hours, startedAt, Math.round(targetMs * share) + paused));
    running.push({ clock, startedAt, targetMs, dueAt: at(1), atRiskAt: at(policy.targets.atRiskShare) });
  };
  if (facts.status === 'open' && facts.firstStart && !facts.firstAgentAt) start('first', facts.firstStart, 0);
  if (facts.status === 'open' && facts.firstAgentAt && waitingSince) start('next', waitingSince, 0);
  const resolutionStart = facts.firstStart;
  if (facts.kind === 'ticket' && resolutionStart && facts.status !== 'closed')
    start('resolution', resolutionStart, pausedMs, facts.status === 'pending');

  let firstStopped: ClockState['firstStopped'] = null;
  const firstStoppedAt = facts.firstAgentAt ?? (facts.status !== 'open' ? facts.statusChangedAt : null);
  if (facts.firstStart && firstStoppedAt && !running.some((r) => r.clock === 'first')) {
    const targetMs = targetFor(policy.targets, 'first', facts.priority, facts.departmentId);
    if (targetMs !== null) {
      const at = (share: number) => addBusinessTime(policy.hours, facts.firstStart!, Math.round(targetMs * share));
      firstStopped = {
        clock: 'first',
        startedAt: facts.firstStart,
        targetMs,
        dueAt: at(1),
        atRiskAt: at(policy.targets.atRiskShare),
        stoppedAt: firstStoppedAt,
      };
    }
  }
  const dueOf = Object.fromEntries(clockNames.map((c) => [c, running.find((r) => r.clock === c)?.dueAt ?? null])) as Record<
    ClockName,
    Date | null
  >;
  return {
    waitingSince,
    pausedSince,
    pausedMs,
    running,
    dueOf,
    dueAt: earliest(running.map((r) => r.dueAt)),
    atRiskAt: earliest(running.map((r) => r.atRiskAt)),
    firstStopped,
  };
}
