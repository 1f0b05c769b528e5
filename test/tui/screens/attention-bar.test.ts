import { describe, expect, it } from 'vitest';
import type { Pile, PileName } from '../../../core/inbox/attention-piles.ts';
import { attentionBar } from '../../../tui/screens/attention-bar.ts';
import { attentionFailed, attentionLoaded, initialAttentionState } from '../../../tui/state/attention-state.ts';

// The attention bar as text, without a terminal: the fullest form that fits each width.

const now = Date.parse('2026-03-02T12:00:00Z');
const M = 60_000;
const pile = (name: PileName, count: number, minutesAgo: number | null, estimate = false): Pile => ({
  name,
  count,
  estimate,
  oldestSince: minutesAgo === null ? null : new Date(now - minutesAgo * M),
});
const piles: Pile[] = [
  pile('unassigned', 12, 3 * 24 * 60 + 65),
  pile('missed', 2, 45),
  pile('breached', 3, 125),
  pile('atRisk', 1, 30),
  pile('pending', 0, null),
];
const text = (width: number, state = attentionLoaded(initialAttentionState(), piles)) =>
  attentionBar(state, width, now)
    .map((s) => s.text)
    .join('');

describe('attention bar', () => {
  it('at 200 columns: every pile in full, with its key, count and oldest wait', () => {
    const bar = text(200);
    expect(bar).toHaveLength(200);
    expect(bar.trimEnd()).toBe(
      'U open unassigned 12 (oldest 3d 1h)  ·  M missed with email 2 (oldest 45m)  ·  B breached 3 (oldest 2h 05m)  ·  W at risk 1 (oldest 30m)  ·  L pending 0',
    );
  });

  it('abbreviates to fit 80 columns, and further on narrower lines', () => {
    expect(text(140).trimEnd()).toBe(
      'open unassigned 12 (oldest 3d 1h) · missed with email 2 (oldest 45m) · breached 3 (oldest 2h 05m) · at risk 1 (oldest 30m) · pending 0',
    );
    expect(text(130).trimEnd()).toBe('unassigned 12 (3d 1h) · missed 2 (45m) · breached 3 (2h 05m) · at risk 1 (30m) · pending 0');
    expect(text(80).trimEnd()).toBe('unassigned 12 3d · missed 2 45m · breached 3 2h · at risk 1 30m · pending 0');
    expect(text(70).trimEnd()).toBe('unasg 12 3d · missed 2 45m · breach 3 2h · risk 1 30m · pend 0');
    expect(text(40).trimEnd()).toBe('u12/3d m2/45m b3/2h r1/30m p0');
    expect(text(20).trimEnd()).toBe('u12 m2 b3 r1 p0');
    expect(text(10)).toBe('u12 m2 b3…');
    for (const width of [10, 20, 40, 70, 80, 100, 200]) expect([...text(width)]).toHaveLength(width);
  });

  it('marks an estimate with ~, and colours the breached and at-risk piles only when they hold items', () => {
    const big = attentionLoaded(initialAttentionState(), [
      pile('unassigned', 15_000, 10, true),
      pile('missed', 0, null),
      pile('breached', 0, null),
      pile('atRisk', 4, 5),
      pile('pending', 0, null),
    ]);
    expect(text(80, big)).toContain('unassigned ~15,000 (10m)');
    expect(text(40, big)).toContain('u~15,000/10m');
    const tones = attentionBar(attentionLoaded(initialAttentionState(), piles), 80, now).filter((s) => s.tone);
    expect(tones).toEqual([
      { text: 'breached 3 2h', tone: 'breach' },
      { text: 'at risk 1 30m', tone: 'risk' },
    ]);
    expect(
      attentionBar(big, 80, now)
        .filter((s) => s.tone)
        .map((s) => s.tone),
    ).toEqual(['risk']);
  });

  it('says it is loading, shows why the first read failed, and keeps the last piles (marked stale) after a failed refresh', () => {
    expect(text(80, initialAttentionState()).trimEnd()).toBe('attention …');
    expect(text(80, attentionFailed(initialAttentionState(), 'connection refused')).trimEnd()).toBe('attention: connection refused');
    const stale = attentionFailed(attentionLoaded(initialAttentionState(), piles), 'timeout');
    expect(text(80, stale).trimEnd()).toBe('unasg 12 3d · missed 2 45m · breach 3 2h · risk 1 30m · pend 0 (stale)');
    expect(attentionLoaded(stale, piles).error).toBeNull();
  });
});
