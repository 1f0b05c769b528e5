import { agentFilters, clearExtraFilters, cycle, hasExtraFilters, sorts, statuses, views } from './inbox-filters.ts';
import { withFilters, type InboxState } from './inbox-state.ts';
import { startAction } from './item-action.ts';
import { itemKey } from './item-keys.ts';
import { keyMapLineCount } from './key-map.ts';
import { openConfirm, overlayKey, quitOrAsk } from './overlay.ts';
import { openFilterPrompt } from './filter-prompt.ts';
import { openPropertySwitcher } from './property-switcher.ts';
import { queuesKey } from './queue-keys.ts';
import { reloadTrash } from './trash-state.ts';
import { listMove, scrollStep } from './list-navigation.ts';
import { jumpToPile, pileOfKey } from './pile-jump.ts';
import { agentsKey, showAgents } from './agents-state.ts';
import { reportsKey, showReports } from './reports-state.ts';
import type { DashboardState, Effect, KeyResult } from './dashboard-types.ts';

// Keys arrive as strings: a printable character as itself ('j', 'O', '/', ' '), anything else
// by blessed's full name ('enter', 'escape', 'tab', 'up', 'pagedown', 'backspace', 'C-c').

const none = (state: DashboardState): KeyResult => ({ state, effects: [] });

/** The dashboard's key handler: pure, it returns the next state and the effects to run. */
export function handleKey(state: DashboardState, key: string): KeyResult {
  // C-c at the quit question is a second C-c: the person means it.
  if (key === 'C-c')
    return state.overlay?.type === 'confirm' && 'quit' in state.overlay.action
      ? { state: { ...state, overlay: null }, effects: [{ type: 'quit' }] }
      : quitOrAsk({ ...state, overlay: null });
  // A dialog takes every key until it is answered.
  if (state.overlay) return overlayKey(state, key);
  // A message is for one look: the next key clears it.
  if (state.message) state = { ...state, message: null };
  if (state.tab === 'inbox' && state.inbox.mode === 'search') return inboxResult(state, searchKey(state.inbox, key));
  if (state.help) return helpKey(state, key);
  switch (key) {
    case 'q':
      return quitOrAsk(state);
    case '?':
      return none({ ...state, help: true, helpScroll: 0 });
    case '1':
      return none({ ...state, tab: 'inbox' });
    case '2':
      return none({ ...state, tab: 'queues' });
    case 'C-p':
      return openPropertySwitcher(state);
    case '3':
      // The trash is read when its tab is shown, and again by every refresh while it is.
      return { state: { ...state, tab: 'trash', trash: reloadTrash(state.trash) }, effects: [{ type: 'loadTrash' }] };
    case '4':
      return showAgents(state);
    case '5':
      return showReports(state);
  }
  const pile = pileOfKey(key);
  if (pile) return jumpToPile(state, pile);
  if (state.tab === 'inbox') {
    const inbox = state.inbox;
    const target =
      inbox.mode === 'detail'
        ? inbox.detail?.data?.item
        : inbox.mode === 'history'
          ? inbox.history?.items[inbox.history.selected]
          : inbox.items[inbox.selected];
    const acted = target ? itemKey(state, target, key) : null;
    if (acted) return acted;
    if (inbox.mode === 'detail') return inboxResult(state, detailKey(inbox, key));
    if (inbox.mode === 'history') return inboxResult(state, historyKey(inbox, key));
    if (key === 'f') return openFilterPrompt(state);
    if (key === 'F') {
      if (!hasExtraFilters(inbox.filters))
        return none({ ...state, message: { text: 'no agent, dept, tag, date, missed or due filter to clear', kind: 'info' } });
      return {
        state: {
          ...state,
          inbox: withFilters(inbox, clearExtraFilters(inbox.filters)),
          message: { text: 'filters cleared (view, status, search and sort stay)', kind: 'info' },
        },
        effects: [{ type: 'load' }],
      };
    }
    return inboxResult(state, listKey(inbox, key));
  }
  if (state.tab === 'trash') return trashKey(state, key);
  if (state.tab === 'agents') return agentsKey(state, key);
  if (state.tab === 'reports') return reportsKey(state, key);
  return queuesKey(state, key);
}

/** While the help is up: the arrows and page keys scroll it, any other key (q too) closes it. */
function helpKey(state: DashboardState, key: string): KeyResult {
  const by = key === 'down' ? 1 : key === 'up' ? -1 : key === 'pagedown' ? 10 : key === 'pageup' ? -10 : 0;
  if (by === 0) return none({ ...state, help: false, helpScroll: 0 });
  return none({ ...state, helpScroll: Math.max(0, Math.min(keyMapLineCount(), state.helpScroll + by)) });
}

/** The trash tab: move, restore (R), delete permanently (D, asks first). */
function trashKey(state: DashboardState, key: string): KeyResult {
  const t = state.trash;
  const last = Math.max(0, t.items.length - 1);
  const move = (selected: number) => none({ ...state, trash: { ...t, selected } });
  const item = t.items[t.selected];
  const to = listMove(key, t.selected, last);
  if (to !== null) return move(to);
  switch (key) {
    case 'R':
      if (!item) return none(state);
      return startAction(state, { kind: 'restore', ref: item.ref });
    case 'D':
      if (!item) return none(state);
      return openConfirm(
        state,
        { kind: 'delete', ref: item.ref },
        `Delete ${item.ref} and all its messages permanently? This cannot be undone.`,
      );
  }
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
  const to = listMove(key, s.selected, last);
  if (to !== null) return same({ ...s, selected: to });
  switch (key) {
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
      // From one agent (set with f), back to any.
      return load(withFilters(s, { ...f, agent: typeof f.agent === 'string' ? cycle(agentFilters, f.agent) : 'any' }));
    case 'm':
      return load(withFilters(s, { ...f, missed: !f.missed }));
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
      return {
        inbox: { ...s, mode: 'detail', detail: { ref: item.ref, data: null, error: null, scroll: 0, from: 'list' } },
        effects: [{ type: 'open', ref: item.ref }],
      };
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
  const step = scrollStep(key);
  if (step !== null) return scroll(step);
  switch (key) {
    case 'z':
      return same({ ...s, detail: { ...detail, showQuoted: !detail.showQuoted } });
    case 'escape':
    case 'left':
    case 'backspace':
      return same({ ...s, mode: detail.from, detail: null });
  }
  return same(s);
}

/** A contact's history: move, open an item (esc comes back here), esc back to the list. */
function historyKey(s: InboxState, key: string): InboxResult {
  const h = s.history;
  if (!h) return same({ ...s, mode: 'list' });
  const last = Math.max(0, h.items.length - 1);
  const move = (selected: number) => same({ ...s, history: { ...h, selected } });
  const to = listMove(key, h.selected, last);
  if (to !== null) return move(to);
  switch (key) {
    case 'enter': {
      const item = h.items[h.selected];
      if (!item) return same(s);
      return {
        inbox: { ...s, mode: 'detail', detail: { ref: item.ref, data: null, error: null, scroll: 0, from: 'history' } },
        effects: [{ type: 'open', ref: item.ref }],
      };
    }
    case 'escape':
    case 'left':
    case 'backspace':
      return same({ ...s, mode: 'list', history: null });
  }
  return same(s);
}
