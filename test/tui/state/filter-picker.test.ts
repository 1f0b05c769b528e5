import { describe, expect, it } from 'vitest';
import { initialDashboardState } from '../../../tui/state/dashboard-state.ts';
import { filterChoicesFailed, filterChoicesLoaded, matchingChoices } from '../../../tui/state/filter-prompt.ts';
import { pageLoaded } from '../../../tui/state/inbox-state.ts';
import { pickerLines } from '../../../tui/screens/dialog-widgets.ts';
import { inboxItem, press } from './state-fixtures.ts';
import type { DashboardState, FilterChoices, FilterOverlay } from '../../../tui/state/dashboard-types.ts';

// The filter prompt's picker, pure: the property's names, narrowed as the user types, arrows
// to choose, enter to apply without a lookup.

const choices: FilterChoices = {
  agent: [
    { id: '1', name: 'Anna Rossi', detail: 'anna@example.com' },
    { id: '2', name: 'Marco Bianchi', detail: 'marco@example.com' },
    { id: '3', name: 'Sara Conti', detail: 'sara@shop.example' },
  ],
  department: [
    { id: '10', name: 'billing' },
    { id: '11', name: 'sales' },
    { id: '12', name: 'wholesale' },
  ],
  tag: [
    { id: '20', name: 'refund' },
    { id: '21', name: 'vip' },
  ],
};
const type = (text: string) => [...text];

/** The inbox with its prompt open and the names read. */
function prompt(): DashboardState {
  const s = initialDashboardState();
  const loaded = { ...s, inbox: pageLoaded(s.inbox, s.inbox.loadSeq, { items: [inboxItem('C1')], nextCursor: null }) };
  return filterChoicesLoaded(press(loaded, 'f').state, choices);
}
const overlay = (s: DashboardState) => s.overlay as FilterOverlay;

describe('filter picker', () => {
  it('lists every name of the field, narrows them as the user types (names and emails, prefix first)', () => {
    let s = prompt();
    expect(matchingChoices(overlay(s)).map((c) => c.name)).toEqual(['Anna Rossi', 'Marco Bianchi', 'Sara Conti']);
    expect(overlay(s).picked).toBe(-1); // empty: nothing chosen, enter means any
    s = press(s, ...type('ar')).state;
    expect(matchingChoices(overlay(s)).map((c) => c.name)).toEqual(['Marco Bianchi', 'Sara Conti']);
    expect(overlay(s).picked).toBe(0);
    s = press(s, 'C-u', ...type('shop')).state; // by the email
    expect(matchingChoices(overlay(s)).map((c) => c.name)).toEqual(['Sara Conti']);
    s = press(s, 'tab', ...type('sale')).state;
    expect(overlay(s).field).toBe('department');
    expect(matchingChoices(overlay(s)).map((c) => c.name)).toEqual(['sales', 'wholesale']);
  });

  it('arrows choose within the list and enter applies the chosen name without a lookup', () => {
    const s = press(prompt(), ...type('a'), 'down', 'down', 'down', 'up');
    expect(overlay(s.state).picked).toBe(1);
    const applied = press(s.state, 'enter');
    expect(applied.effects).toEqual([{ type: 'load' }]);
    expect(applied.state.overlay).toBeNull();
    expect(applied.state.inbox.filters.agent).toEqual({ id: '2', name: 'Marco Bianchi' });
    const tag = press(prompt(), 'tab', 'tab', 'down', 'down', 'enter');
    expect(tag.state.inbox.filters.tag).toEqual({ id: '21', name: 'vip' });
  });

  it('keeps the words and the empty draft, and looks up a name that matches nothing', () => {
    expect(press(prompt(), 'enter').state.inbox.filters.agent).toBe('any');
    expect(press(prompt(), ...type('unassigned'), 'enter').state.inbox.filters.agent).toBe('unassigned');
    const typed = press(prompt(), 'tab', ...type('nope'), 'enter');
    expect(typed.effects).toEqual([{ type: 'resolveFilter', field: 'department', value: 'nope' }]);
    // On the date fields the arrows still move between fields.
    expect(overlay(press(prompt(), 'tab', 'tab', 'tab', 'down').state).field).toBe('to');
  });

  it('shows the list under the draft, the chosen name highlighted, scrolled, and why it is missing', () => {
    const s = press(prompt(), 'down', 'down').state;
    const lines = pickerLines(overlay(s), 60, 2);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('{cyan-bg}'); // the chosen one, in sight
    expect(lines[0]).toContain('Marco Bianchi <marco@example.com>');
    expect(lines[1]).toContain('… 2 more: type to narrow');
    expect(pickerLines(overlay(press(prompt(), ...type('zz')).state), 60, 5).join()).toContain('no name matches');
    const failed = filterChoicesFailed(press(initialDashboardState(), 'f').state, 'connection refused');
    expect(pickerLines(overlay(failed), 60, 5).join()).toContain('names not read (connection refused)');
    expect(pickerLines(overlay(press(initialDashboardState(), 'f').state), 60, 5).join()).toContain('loading the names');
    // Names that land after the prompt was closed are dropped.
    const closed = press(press(initialDashboardState(), 'f').state, 'escape').state;
    expect(filterChoicesLoaded(closed, choices)).toBe(closed);
  });
});
