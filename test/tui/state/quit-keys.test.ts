import { describe, expect, it } from 'vitest';
import { initialDashboardState } from '../../../tui/state/dashboard-state.ts';
import { quitQuestion } from '../../../tui/state/overlay.ts';
import { helpLines } from '../../../tui/screens/help-text.ts';
import { press } from './state-fixtures.ts';

// Quitting never surprises: q in the help closes the help, and a dashboard that runs inside
// `switchboard start` (whose quitting stops the ingress and the workers) asks first.

const quits = (effects: { type: string }[]) => effects.some((e) => e.type === 'quit');

describe('quitting the dashboard', () => {
  it('q in the help box closes the help and quits nothing', () => {
    const r = press(initialDashboardState(), '?', 'q');
    expect(r.state.help).toBe(false);
    expect(quits(r.effects)).toBe(false);
  });

  it('alone (switchboard tui), q quits at once', () => {
    expect(quits(press(initialDashboardState(), 'q').effects)).toBe(true);
  });

  it('inside switchboard start, q asks; y quits, n or esc keeps it running', () => {
    const s = initialDashboardState(20, true);
    const asked = press(s, 'q');
    expect(quits(asked.effects)).toBe(false);
    expect(asked.state.overlay).toMatchObject({ type: 'confirm', question: quitQuestion });
    expect(quits(press(s, 'q', 'y').effects)).toBe(true);
    for (const no of ['n', 'escape', 'q']) {
      const kept = press(s, 'q', no);
      expect(quits(kept.effects)).toBe(false);
      expect(kept.state.overlay).toBeNull();
    }
  });

  it('inside switchboard start, C-c asks too, and a second C-c quits', () => {
    const s = initialDashboardState(20, true);
    expect(quits(press(s, 'C-c').effects)).toBe(false);
    expect(quits(press(s, 'C-c', 'C-c').effects)).toBe(true);
  });

  it('the help says that quitting under start asks and stops everything', () => {
    expect(helpLines(120).join('\n')).toContain('quit (under start: asks, stops all)');
  });
});
