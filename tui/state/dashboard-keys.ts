import { agentFilters, cycle, sorts, statuses, views } from './inbox-filters.ts';
import type { DashboardState, Effect, KeyResult } from './dashboard-state.ts';
import { withFilters, type InboxState } from './inbox-state.ts';

// Keys arrive as strings: a printable character as itself ('j', 'O', '/', ' '), anything else
// by blessed's full name ('enter', 'escape', 'tab', 'up', 'pagedown', 'backspace', 'C-c').

const none = (state: DashboardState): KeyResult => ({ state, effects: [] });

/** The dashboard's key handler: pure, it returns the next state and the effects to run. */
export function handleKey(state: DashboardState, key: string): KeyResult {
  if (key === 'C-c') return { state, effects: [{ type: 'quit' }] };
  if (state.tab === 'inbox' && state.inbox.mode === 'search') return inboxResult(state, searchKey(state.inbox, key));
  if (state.help) return key === 'q' ? { state, effects: [{ type: 'quit' }] } : none({ ...state, help: false });
  switch (key) {
    case 'q':
      return { state, effects: [{ type: 'quit' }] };
    case '?':
      return none({ ...state, help: true });
    case '1':
      return none({ ...state, tab: 'inbox' });
    case '2':
      return none({ ...state, tab: 'queues' });
  }
  if (state.tab === 'inbox') return inboxResult(state, state.inbox.mode === 'detail' ? detailKey(state.inbox, key) : listKey(state.inbox, key));
  return none(state);
}

function inboxResult(state: DashboardState, result: { inbox: InboxState; effects: Effect[] }): KeyResult {
  return { state: { ...state, inbox: result.inbox }, effects: result.effects };
}

type InboxResult = { inbox: InboxState; effects: Effect[] };

const load = (inbox: InboxState): InboxResult => ({ inbox, effects: [{ type: 'load' }] });
const same = (inbox: InboxState): InboxResult => ({ inbox, effects: [] });

function listKey(s: InboxState, key: string): InboxResult {
  const f = s.filters;
  const last = Math.max(0, s.items.length - 1);
  switch (key) {
    case 'j':
    case 'down':
      return same({ ...s, selected: Math.min(last, s.selected + 1) });
    case 'k':
    case 'up':
      return same({ ...s, selected: Math.max(0, s.selected - 1) });
    case 'g':
    case 'home':
      return same({ ...s, selected: 0 });
    case 'G':
    case 'end':
      return same({ ...s, selected: last });
    case 'n':
    case 'pagedown':
      if (!s.nextCursor) return same(s);
      return load({ ...s, cursors: [...s.cursors, s.nextCursor], selected: 0, loadSeq: s.loadSeq + 1 });
    case 'p':
    case 'pageup':
      if (s.cursors.length <= 1) return same({ ...s, selected: 0 });
      return load({ ...s, cursors: s.cursors.slice(0, -1), selected: 0, loadSeq: s.loadSeq + 1 });
    case 'tab':
      return load(withFilters(s, { ...f, view: cycle(views, f.view) }));
    case 's':
      return load(withFilters(s, { ...f, status: cycle(statuses, f.status) }));
    case 'a':
      return load(withFilters(s, { ...f, agent: cycle(agentFilters, f.agent) }));
    case 'o':
      return load(withFilters(s, { ...f, sort: cycle(sorts, f.sort) }));
    case 'O':
      return load(withFilters(s, { ...f, order: f.order === 'desc' ? 'asc' : 'desc' }));
    case '/':
      return same({ ...s, mode: 'search', searchDraft: f.text });
    case 'escape':
      return f.text ? load(withFilters(s, { ...f, text: '' })) : same(s);
    case 'enter': {
      const item = s.items[s.selected];
      if (!item) return same(s);
      return { inbox: { ...s, mode: 'detail', detail: { ref: item.ref, data: null, error: null, scroll: 0 } }, effects: [{ type: 'open', ref: item.ref }] };
    }
  }
  return same(s);
}

function searchKey(s: InboxState, key: string): InboxResult {
  switch (key) {
    case 'enter': {
      const text = s.searchDraft.trim();
      const back = { ...s, mode: 'list' as const, searchDraft: '' };
      return text === s.filters.text ? same(back) : load(withFilters(back, { ...s.filters, text }));
    }
    case 'escape':
      return same({ ...s, mode: 'list', searchDraft: '' });
    case 'backspace':
      return same({ ...s, searchDraft: s.searchDraft.slice(0, -1) });
    case 'C-u':
      return same({ ...s, searchDraft: '' });
  }
  // A printable character is typed; other named keys are ignored while typing.
  if ([...key].length === 1 && key >= ' ' && key !== '\x7f') return same({ ...s, searchDraft: s.searchDraft + key });
  return same(s);
}

function detailKey(s: InboxState, key: string): InboxResult {
  const detail = s.detail;
  if (!detail) return same({ ...s, mode: 'list' });
  const scroll = (by: number) => same({ ...s, detail: { ...detail, scroll: Math.max(0, detail.scroll + by) } });
  switch (key) {
    case 'j':
    case 'down':
      return scroll(1);
    case 'k':
    case 'up':
      return scroll(-1);
    case 'pagedown':
    case ' ':
      return scroll(10);
    case 'pageup':
      return scroll(-10);
    case 'escape':
    case 'h':
    case 'left':
    case 'backspace':
      return same({ ...s, mode: 'list', detail: null });
  }
  return same(s);
}
