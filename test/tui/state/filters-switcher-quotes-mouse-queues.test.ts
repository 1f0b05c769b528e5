import { describe, expect, it } from 'vitest';
import type { ItemDetail } from '../../../core/inbox/item-detail.ts';
import { queueNames } from '../../../core/jobs/job-catalog.ts';
import { formatDetail } from '../../../tui/screens/item-transcript.ts';
import { statusParts } from '../../../tui/screens/status-line.ts';
import { initialDashboardState } from '../../../tui/state/dashboard-state.ts';
import { filterLookupFailed, filterResolved } from '../../../tui/state/filter-prompt.ts';
import {
  applyFilterValue,
  defaultFilters,
  describeFilters,
  parseDay,
  shortFilters,
  toInboxQuery,
  type InboxFilters,
} from '../../../tui/state/inbox-filters.ts';
import { pageLoaded } from '../../../tui/state/inbox-state.ts';
import { clickRow, wheel } from '../../../tui/state/mouse.ts';
import { propertiesLoaded, propertySwitched } from '../../../tui/state/property-switcher.ts';
import { foldQuoted, splitQuoted } from '../../../tui/state/quoted-text.ts';
import { describeQueues, statsLoaded, type QueueStats } from '../../../tui/state/queues-state.ts';
import { inboxItem, press } from './state-fixtures.ts';
import type { DashboardState } from '../../../tui/state/dashboard-types.ts';

// The rest of the inbox filters, the property switcher, folded quotes, the mouse and the
// Queues tab's status bar, as pure logic.

const item = inboxItem;

function loaded(refs: string[]): DashboardState {
  const s = initialDashboardState();
  return { ...s, inbox: pageLoaded(s.inbox, s.inbox.loadSeq, { items: refs.map((r) => item(r)), nextCursor: null }) };
}

const type = (text: string) => [...text];

describe('inbox filters: agent, department, tag, dates, missed', () => {
  const now = new Date(2026, 2, 15, 10, 0);

  it('parses days and turns them into a created range that includes the last day', () => {
    expect(parseDay('2026-03-01', now)).toBe('2026-03-01');
    expect(parseDay('2026-3-1', now)).toBe('2026-03-01');
    expect(parseDay('today', now)).toBe('2026-03-15');
    expect(parseDay('7d', now)).toBe('2026-03-08');
    expect(parseDay('2026-02-30', now)).toBeNull();
    expect(parseDay('last week', now)).toBeNull();
    const f: InboxFilters = {
      ...defaultFilters,
      createdFrom: '2026-03-01',
      createdTo: '2026-03-02',
      missed: true,
      department: { id: '4', name: 'sales' },
      tag: { id: '9', name: 'vip' },
      agent: { id: '7', name: 'Ann' },
    };
    const q = toInboxQuery(f, null, 20);
    expect(q).toMatchObject({ agent: { id: '7' }, departmentId: '4', tagId: '9', missed: true });
    expect(q.createdFrom).toEqual(new Date(2026, 2, 1));
    expect(q.createdTo).toEqual(new Date(2026, 2, 3));
    expect(toInboxQuery(defaultFilters, null, 20)).toMatchObject({
      agent: undefined,
      departmentId: undefined,
      tagId: undefined,
      missed: undefined,
      createdFrom: undefined,
    });
  });

  it('applies a typed value at once, asks for a look-up, or refuses', () => {
    expect(applyFilterValue(defaultFilters, 'agent', 'unassigned')).toEqual({ filters: { ...defaultFilters, agent: 'unassigned' } });
    expect(applyFilterValue(defaultFilters, 'agent', 'ann@shop.example')).toEqual({
      lookup: { field: 'agent', value: 'ann@shop.example' },
    });
    expect(applyFilterValue(defaultFilters, 'tag', ' vip ')).toEqual({ lookup: { field: 'tag', value: 'vip' } });
    expect(applyFilterValue({ ...defaultFilters, tag: { id: '1', name: 'vip' } }, 'tag', '')).toEqual({
      filters: { ...defaultFilters, tag: null },
    });
    expect(applyFilterValue(defaultFilters, 'from', 'soon')).toMatchObject({ error: expect.stringContaining('not a day') });
    expect(applyFilterValue({ ...defaultFilters, createdTo: '2026-01-01' }, 'from', '2026-02-01')).toMatchObject({
      error: expect.stringContaining('after'),
    });
  });

  it('f opens a prompt that cycles its fields with tab; enter filters or looks the name up', () => {
    const s = loaded(['C1', 'T2']);
    const open = press(s, 'f');
    expect(open.state.overlay).toMatchObject({ type: 'filter', field: 'agent', draft: '' });
    expect(open.effects).toEqual([{ type: 'loadFilterChoices' }]);
    // Keys are text in the prompt: q does not quit, j does not move.
    const typed = press(open.state, ...type('qj'), 'backspace', 'backspace', 'tab', 'tab', 'tab', ...type('2026-01-01'), 'enter');
    expect(typed.effects).toEqual([{ type: 'load' }]);
    expect(typed.state.overlay).toBeNull();
    expect(typed.state.inbox.filters.createdFrom).toBe('2026-01-01');
    expect(typed.state.inbox.cursors).toEqual([null]);
    const lookup = press(s, 'f', 'tab', ...type('sales'), 'enter');
    // Before the picker's names have arrived, a name typed in full is looked up.
    expect(lookup.effects).toEqual([{ type: 'loadFilterChoices' }, { type: 'resolveFilter', field: 'department', value: 'sales' }]);
    const resolved = filterResolved(lookup.state, 'department', { id: '3', name: 'sales' });
    expect(resolved.effects).toEqual([{ type: 'load' }]);
    expect(resolved.state.inbox.filters.department).toEqual({ id: '3', name: 'sales' });
    // An unknown name: the message bar says so, the filters stay.
    const failed = filterLookupFailed(lookup.state, 'no department "nope" in this property');
    expect(failed.message).toEqual({ text: 'no department "nope" in this property', kind: 'error' });
    expect(failed.inbox.filters).toEqual(s.inbox.filters);
    expect(press(s, 'f', 'tab', 'tab', 'tab', ...type('x'), 'enter').state.message?.kind).toBe('error');
    expect(press(s, 'f', 'escape').state.overlay).toBeNull();
  });

  it('m toggles missed only, a leaves one agent for any, F clears the extra filters', () => {
    const s = loaded(['C1']);
    const missed = press(s, 'm');
    expect(missed.effects).toEqual([{ type: 'load' }]);
    expect(missed.state.inbox.filters.missed).toBe(true);
    expect(press(missed.state, 'm').state.inbox.filters.missed).toBe(false);
    const withAgent = filterResolved(s, 'agent', { id: '7', name: 'Ann' }).state;
    expect(press(withAgent, 'a').state.inbox.filters.agent).toBe('any');
    const cleared = press(
      { ...withAgent, inbox: { ...withAgent.inbox, filters: { ...withAgent.inbox.filters, missed: true, status: 'open' } } },
      'F',
    );
    expect(cleared.effects).toEqual([{ type: 'load' }]);
    expect(cleared.state.inbox.filters).toEqual({ ...defaultFilters, status: 'open' });
    expect(press(s, 'F').effects).toEqual([]);
  });

  it('describes the filters in full, and abbreviated to fit 80 columns', () => {
    const f: InboxFilters = {
      ...defaultFilters,
      status: 'open',
      agent: { id: '7', name: 'Ann' },
      department: { id: '4', name: 'sales' },
      tag: { id: '9', name: 'vip' },
      createdFrom: '2026-03-01',
      createdTo: '2026-03-31',
      missed: true,
    };
    expect(describeFilters(defaultFilters)).toBe('both status:all agent:any created desc');
    expect(describeFilters(f)).toBe('both status:open @Ann dept:sales #vip 2026-03-01..2026-03-31 missed created desc');
    expect(shortFilters(f)).toBe('status:open @Ann d:sales #vip 03-01..03-31 missed');
    expect(shortFilters(defaultFilters)).toBe('all items');
    const s = loaded(['C1']);
    const parts = statusParts({ property: 'demo', inbox: { ...s.inbox, filters: f }, health: null });
    expect(parts.short).toBe('demo p1 │ status:open @Ann d:sales #vip 03-01..03-31 missed');
  });
});

describe('property switcher', () => {
  const props = [
    { id: '1', slug: 'demo', name: 'Demo shop' },
    { id: '2', slug: 'other', name: 'Other shop' },
  ];

  it('C-p lists the properties on the one shown; enter switches, the inbox starts over', () => {
    const s = press(loaded(['C1', 'T2']), 'j').state;
    const open = press(s, 'C-p');
    expect(open.effects).toEqual([{ type: 'loadProperties' }]);
    const listed = propertiesLoaded(open.state, props, '1');
    expect(listed.overlay).toMatchObject({ type: 'properties', selected: 0 });
    const chosen = press(listed, 'j', 'enter');
    expect(chosen.effects).toEqual([{ type: 'switchProperty', property: props[1] }]);
    expect(press(listed, 'escape').state.overlay).toBeNull();
    const withTag = {
      ...chosen.state,
      inbox: { ...chosen.state.inbox, filters: { ...chosen.state.inbox.filters, status: 'open' as const, tag: { id: '9', name: 'vip' } } },
    };
    const switched = propertySwitched(withTag, props[1]!);
    expect(switched.effects).toEqual([{ type: 'load' }, { type: 'loadAttention' }]);
    expect(switched.state.attention.piles).toBeNull(); // the other property's piles are not shown meanwhile
    expect(switched.state.inbox).toMatchObject({ items: [], selected: 0, cursors: [null], mode: 'list' });
    expect(switched.state.inbox.loadSeq).toBeGreaterThan(s.inbox.loadSeq);
    expect(switched.state.inbox.filters).toEqual({ ...defaultFilters, status: 'open' });
    expect(switched.state.message?.text).toContain('other');
    expect(propertySwitched({ ...withTag, tab: 'trash' }, props[1]!).effects).toEqual([
      { type: 'load' },
      { type: 'loadAttention' },
      { type: 'loadTrash' },
    ]);
  });
});

describe('quoted parts of emails', () => {
  const body = [
    'Thanks, that worked.',
    '',
    'On Mon, 2 Mar 2026 at 10:00, Support <help@shop.example> wrote:',
    '> Try turning it off',
    '> and on again.',
    '>',
    '> Support',
  ].join('\n');

  it('folds each quote and its attribution to one marker, or shows them', () => {
    expect(splitQuoted(body).map((p) => [p.kind, p.lines.length])).toEqual([
      ['text', 2],
      ['quote', 5],
    ]);
    expect(foldQuoted(body, false)).toEqual({ text: 'Thanks, that worked.\n\n[… 5 quoted lines, z to show]', folded: 1 });
    expect(foldQuoted(body, true).text).toBe(body);
    expect(foldQuoted('no quotes here\nOn this: wrote: nothing', false).folded).toBe(0);
    expect(foldQuoted('a\n> b\nc\n> d\n> e', false).text).toBe('a\n[… 1 quoted line, z to show]\nc\n[… 2 quoted lines, z to show]');
  });

  it('folds them in a ticket thread; z in the detail toggles', () => {
    const detail: ItemDetail = {
      item: item('T2'),
      messages: [{ id: '1', sender: 'visitor', body, author: null, createdAt: new Date() }],
      linked: null,
      visitor: null,
    } as unknown as ItemDetail;
    const folded = formatDetail(detail, 80).map((l) => l.text);
    expect(folded).toContain('   [… 5 quoted lines, z to show]');
    expect(folded.join('\n')).not.toContain('and on again');
    expect(formatDetail(detail, 80, true).map((l) => l.text)).toContain('   > and on again.');
    const open = press(loaded(['T2']), 'enter').state;
    expect(open.inbox.detail?.showQuoted).toBeFalsy();
    expect(press(open, 'z').state.inbox.detail?.showQuoted).toBe(true);
    expect(press(open, 'z', 'z').state.inbox.detail?.showQuoted).toBe(false);
  });
});

describe('mouse', () => {
  it('a click selects a row, a second click opens it, the wheel moves', () => {
    const s = loaded(['C1', 'T2', 'C3']);
    const clicked = clickRow(s, 3, 20); // line 0 is the column header
    expect(clicked.state.inbox.selected).toBe(2);
    expect(clicked.effects).toEqual([]);
    expect(clickRow(clicked.state, 3, 20).effects).toEqual([{ type: 'open', ref: 'C3' }]);
    expect(clickRow(s, 0, 20).state).toBe(s);
    expect(clickRow(s, 9, 20).state).toBe(s);
    expect(wheel(s, true).state.inbox.selected).toBe(1);
    expect(wheel(press(s, 'f').state, true).state.overlay).toMatchObject({ field: 'agent' });
  });
});

describe('queues status bar', () => {
  it('shows totals on the table and where you are in a list', () => {
    const counts = { waiting: 1, active: 0, delayed: 2, prioritized: 0, completed: 30, failed: 4 };
    const stats: QueueStats[] = queueNames.map((name, n) => ({ name, counts, paused: n === 0, workers: null, throughput: null }));
    const s = press(initialDashboardState(), '2').state;
    const q = statsLoaded(s.queues, stats);
    const n = queueNames.length;
    expect(describeQueues(q)).toBe(`${n} queues · wait ${n} act 0 delay ${2 * n} fail ${4 * n} · 1 paused`);
    expect(describeQueues({ ...q, mode: 'jobs', queue: queueNames[1]!, jobState: 'failed' })).toBe(`${queueNames[1]} › failed p1`);
    const parts = statusParts({ property: 'demo', inbox: s.inbox, health: null, queues: q });
    expect(parts.left).toContain('queues · wait');
    expect(parts.left).not.toContain('status:');
  });
});
