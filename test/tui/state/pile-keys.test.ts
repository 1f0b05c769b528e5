import { describe, expect, it } from 'vitest';
import { pileNames, pileQueries } from '../../../core/inbox/attention-piles.ts';
import { helpLines } from '../../../tui/screens/help-text.ts';
import { initialDashboardState } from '../../../tui/state/dashboard-state.ts';
import { describeFilters, toInboxQuery } from '../../../tui/state/inbox-filters.ts';
import { pageLoaded } from '../../../tui/state/inbox-state.ts';
import { keyMap } from '../../../tui/state/key-map.ts';
import { pileFilters, pileKeys } from '../../../tui/state/pile-jump.ts';
import { inboxItem, press } from './state-fixtures.ts';
import type { DashboardState } from '../../../tui/state/dashboard-types.ts';

// The pile keys, pure: each one lists its pile in the inbox with exactly the pile's core query.

function loaded(refs: string[]): DashboardState {
  const s = initialDashboardState();
  return { ...s, inbox: pageLoaded(s.inbox, s.inbox.loadSeq, { items: refs.map((r) => inboxItem(r)), nextCursor: 'c2' }) };
}

describe('pile keys', () => {
  it("each key sets the inbox to its pile's query, from the first page, and loads it", () => {
    for (const name of pileNames) {
      const { state, effects } = press(loaded(['C1', 'T2']), 'n', pileKeys[name]);
      expect(effects.at(-1)).toEqual({ type: 'load' });
      expect(state.inbox.cursors).toEqual([null]);
      const query = toInboxQuery(state.inbox.filters, null, 20);
      const expected = { show: 'both', status: 'all', ...pileQueries[name] };
      for (const [field, value] of Object.entries(expected)) expect(query[field as keyof typeof query], `${name}.${field}`).toEqual(value);
      // Nothing else narrows the list: the pile's count is what it lists.
      expect(query).toMatchObject({
        departmentId: undefined,
        tagId: undefined,
        text: undefined,
        createdFrom: undefined,
        createdTo: undefined,
      });
    }
    expect(describeFilters(pileFilters('breached'))).toBe('both status:all agent:any breached due asc');
    expect(describeFilters(pileFilters('unassigned'))).toBe('both status:open agent:unassigned created asc');
  });

  it('works from any tab, an open item or a search-free list, and drops the other filters', () => {
    let s = press(loaded(['C1']), '3').state;
    expect(press(s, 'B').state).toMatchObject({ tab: 'inbox', inbox: { mode: 'list', filters: { due: 'breached' } } });
    s = press(loaded(['C1']), '2').state;
    expect(press(s, 'W').state.inbox.filters.due).toBe('at-risk');
    s = press(loaded(['C1']), 'enter').state;
    expect(s.inbox.mode).toBe('detail');
    expect(press(s, 'L').state.inbox).toMatchObject({ mode: 'list', detail: null, filters: { status: 'pending' } });
    const withTag = { ...loaded(['C1']) };
    withTag.inbox = { ...withTag.inbox, filters: { ...withTag.inbox.filters, tag: { id: '9', name: 'vip' }, text: 'refund' } };
    const unassigned = press(withTag, 'U').state.inbox.filters;
    expect(unassigned).toMatchObject({ agent: 'unassigned', text: '' });
    expect(unassigned.tag ?? null).toBeNull();
    // Typing a search takes the capitals as text.
    const typing = press(loaded(['C1']), '/', 'B').state;
    expect(typing.inbox).toMatchObject({ mode: 'search', searchDraft: 'B' });
  });

  it('F clears a pile: the due filter and its due sort go', () => {
    const s = press(loaded(['C1']), 'B').state;
    const cleared = press(s, 'F').state.inbox.filters;
    expect(cleared).toMatchObject({ status: 'all', sort: 'created', order: 'desc' });
    expect(cleared.due ?? null).toBeNull();
    expect(press(cleared === s.inbox.filters ? s : { ...s, inbox: { ...s.inbox, filters: cleared } }, 'F').state.message?.text).toMatch(
      /no agent, dept, tag, date, missed or due filter/,
    );
  });

  it('uses keys bound nowhere else, and lists them in the help (which still fits 80×24)', () => {
    const bound = keyMap.flatMap((s) => s.keys.flatMap(([keys]) => keys.split(' ')));
    for (const key of Object.values(pileKeys))
      expect(
        bound.filter((k) => k === key),
        key,
      ).toHaveLength(1);
    const help = helpLines(74);
    expect(help.length).toBeLessThanOrEqual(21);
    expect(help.join('\n')).toMatch(/U M\s+pile: unassigned \/ missed/);
    expect(help.join('\n')).toMatch(/B W L\s+breached \/ at risk \/ later/);
  });
});
