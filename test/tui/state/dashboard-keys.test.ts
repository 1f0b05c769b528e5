import { describe, expect, it } from 'vitest';
import { initialDashboardState } from '../../../tui/state/dashboard-state.ts';
import { toInboxQuery } from '../../../tui/state/inbox-filters.ts';
import { currentCursor, isLoading, pageLoaded, pageNumber, withPageSize } from '../../../tui/state/inbox-state.ts';
import { inboxItem, press } from './state-fixtures.ts';
import type { DashboardState } from '../../../tui/state/dashboard-types.ts';

// The dashboard's key handling, pure: no terminal, no database.

const item = (ref: string) => inboxItem(ref, { contact: { id: null, email: null, name: null } });

/** A state showing `refs` as its first page, with a next page when `next` is given. */
function loaded(refs: string[], next: string | null = null): DashboardState {
  const s = initialDashboardState();
  return { ...s, inbox: pageLoaded(s.inbox, s.inbox.loadSeq, { items: refs.map(item), nextCursor: next }) };
}

describe('dashboard keys', () => {
  it('moves the selection within the page and clamps at its ends', () => {
    const s = loaded(['C3', 'T2', 'C1']);
    expect(press(s, 'j', 'down').state.inbox.selected).toBe(2);
    expect(press(s, 'j', 'j', 'j', 'j').state.inbox.selected).toBe(2);
    expect(press(s, 'j', 'k', 'up').state.inbox.selected).toBe(0);
    expect(press(s, 'G').state.inbox.selected).toBe(2);
    expect(press(s, 'G', 'g').state.inbox.selected).toBe(0);
    expect(press(s, 'j').effects).toEqual([]);
  });

  it('pages forward and back through a stack of cursors', () => {
    let s = loaded(['C3', 'C2'], 'cursor-2');
    const next = press(s, 'n');
    expect(next.effects).toEqual([{ type: 'load' }]);
    expect(currentCursor(next.state.inbox)).toBe('cursor-2');
    expect(pageNumber(next.state.inbox)).toBe(2);
    expect(isLoading(next.state.inbox)).toBe(true);
    s = { ...next.state, inbox: pageLoaded(next.state.inbox, next.state.inbox.loadSeq, { items: [item('C1')], nextCursor: null }) };
    expect(press(s, 'pagedown').effects).toEqual([]); // the last page
    const back = press(s, 'pageup');
    expect(back.effects).toEqual([{ type: 'load' }]);
    expect(currentCursor(back.state.inbox)).toBeNull();
    expect(press(back.state, 'p').effects).toEqual([]); // the first page already
  });

  it('cycles the filters, each time from the first page with a new load', () => {
    const s = press(loaded(['C1'], 'c2'), 'n').state;
    const { state, effects } = press(s, 'tab', 's', 's', 'a', 'o', 'O');
    expect(effects).toHaveLength(6);
    expect(state.inbox.filters).toEqual({
      view: 'conversations',
      status: 'pending',
      agent: 'unassigned',
      text: '',
      sort: 'updated',
      order: 'asc',
    });
    expect(state.inbox.cursors).toEqual([null]);
    expect(toInboxQuery(state.inbox.filters, null, 20)).toMatchObject({
      show: 'conversations',
      status: 'pending',
      agent: 'unassigned',
      sort: 'updated',
      order: 'asc',
      limit: 20,
    });
    expect(press(s, 'tab', 'tab', 'tab').state.inbox.filters.view).toBe('both');
    expect(press(s, 'o', 'o', 'o', 'o').state.inbox.filters.sort).toBe('created');
    expect(press(s, 'a', 'a', 'a').state.inbox.filters.agent).toBe('any');
  });

  it('collects search text after "/", applies it on enter and clears it on esc', () => {
    const s = loaded(['C1']);
    const typing = press(s, '/', 'r', 'e', 'f', 'x', 'backspace', 'u', 'n', 'd');
    expect(typing.effects).toEqual([]);
    expect(typing.state.inbox.mode).toBe('search');
    expect(typing.state.inbox.searchDraft).toBe('refund');
    // q and ? are text while typing.
    expect(press(typing.state, 'q').state.inbox.searchDraft).toBe('refundq');
    const applied = press(typing.state, 'enter');
    expect(applied.effects).toEqual([{ type: 'load' }]);
    expect(applied.state.inbox.filters.text).toBe('refund');
    expect(applied.state.inbox.mode).toBe('list');
    expect(toInboxQuery(applied.state.inbox.filters, null, 5).text).toBe('refund');
    const cleared = press(applied.state, 'escape');
    expect(cleared.effects).toEqual([{ type: 'load' }]);
    expect(cleared.state.inbox.filters.text).toBe('');
    // esc while typing cancels without a load.
    const cancelled = press(s, '/', 'x', 'escape');
    expect(cancelled.effects).toEqual([]);
    expect(cancelled.state.inbox.filters.text).toBe('');
  });

  it('opens the selected item, scrolls it and goes back', () => {
    const s = loaded(['C3', 'T2']);
    const open = press(s, 'j', 'enter');
    expect(open.effects).toEqual([{ type: 'open', ref: 'T2' }]);
    expect(open.state.inbox.mode).toBe('detail');
    expect(press(open.state, 'j', 'j', 'k').state.inbox.detail?.scroll).toBe(1);
    // Filter keys do nothing inside an item.
    expect(press(open.state, 's').effects).toEqual([]);
    const back = press(open.state, 'escape');
    expect(back.state.inbox.mode).toBe('list');
    expect(back.state.inbox.selected).toBe(1);
    expect(press(initialDashboardState(), 'enter').effects).toEqual([]); // nothing to open
  });

  it('shows help until any key, switches tabs and quits', () => {
    const s = loaded(['C1']);
    const help = press(s, '?');
    expect(help.state.help).toBe(true);
    expect(press(help.state, 'j').state).toMatchObject({ help: false, inbox: { selected: 0 } });
    expect(press(s, '2').state.tab).toBe('queues');
    expect(press(s, '2', '1').state.tab).toBe('inbox');
    expect(press(s, 'q').effects).toEqual([{ type: 'quit' }]);
    expect(press(s, '/', 'C-c').effects).toEqual([{ type: 'quit' }]);
  });

  it('ignores a page that answers an older request, and keeps the selection on its item', () => {
    const s = loaded(['C3', 'T2', 'C1']);
    const moved = press(s, 'j', 'j').state.inbox; // on C1
    // A refresh brings a new item on top: the selection follows C1.
    const refreshed = pageLoaded(moved, moved.loadSeq, { items: ['C4', 'C3', 'T2', 'C1'].map(item), nextCursor: null });
    expect(refreshed.items[refreshed.selected]?.ref).toBe('C1');
    const filtered = press({ ...s, inbox: moved }, 's').state.inbox;
    const stale = pageLoaded(filtered, filtered.loadSeq - 1, { items: [item('C9')], nextCursor: null });
    expect(stale).toBe(filtered);
    expect(withPageSize(filtered, filtered.pageSize)).toBe(filtered);
    expect(withPageSize(filtered, 7).loadSeq).toBe(filtered.loadSeq + 1);
  });
});
