import type { InboxItem } from '../../core/inbox/inbox-item.ts';
import type { ItemDetail } from '../../core/inbox/item-detail.ts';
import type { InboxPage } from '../../core/inbox/list-inbox.ts';
import { defaultFilters, type InboxFilters } from './inbox-filters.ts';

/**
 * The inbox screen's view model. Plain data, changed only by the pure functions of this folder,
 * so that every behaviour of the screen can be tested without a terminal.
 */
export interface InboxState {
  filters: InboxFilters;
  pageSize: number;
  /** The cursor of every page visited, first page = null; the last one is the page shown. */
  cursors: (string | null)[];
  items: InboxItem[];
  nextCursor: string | null;
  selected: number;
  /**
   * Bumped by every change that needs a new page; a page is applied only if it was asked for
   * under the current number, so a slow answer to an old question never overwrites a new one.
   */
  loadSeq: number;
  /** loadSeq of the last page applied; loading while it lags behind. */
  loadedSeq: number;
  error: string | null;
  mode: 'list' | 'search' | 'detail' | 'history';
  /** The text being typed after `/`. */
  searchDraft: string;
  /** The open item; `from` is where esc goes back to. */
  detail: {
    ref: string;
    data: ItemDetail | null;
    error: string | null;
    scroll: number;
    from: 'list' | 'history';
    showQuoted?: boolean;
  } | null;
  /** A contact's conversations and tickets (`h`), kept while an item opened from it is shown. */
  history: ContactHistoryState | null;
}

/** The contact history list: every item of one contact, oldest first. */
export interface ContactHistoryState {
  email: string;
  items: InboxItem[];
  selected: number;
  loaded: boolean;
  error: string | null;
}

/** The first state: default filters, nothing loaded yet (the caller issues the first load). */
export function initialInboxState(pageSize = 20, filters: InboxFilters = defaultFilters): InboxState {
  return {
    filters,
    pageSize,
    cursors: [null],
    items: [],
    nextCursor: null,
    selected: 0,
    loadSeq: 1,
    loadedSeq: 0,
    error: null,
    mode: 'list',
    searchDraft: '',
    detail: null,
    history: null,
  };
}

/** The cursor of the page shown (null for the first page). */
export function currentCursor(state: InboxState): string | null {
  return state.cursors[state.cursors.length - 1] ?? null;
}

/** The 1-based number of the page shown. */
export function pageNumber(state: InboxState): number {
  return state.cursors.length;
}

/** The item under the selection, if any. */
export function selectedItem(state: InboxState): InboxItem | undefined {
  return state.items[state.selected];
}

/** Whether a page has been asked for and not yet applied. */
export function isLoading(state: InboxState): boolean {
  return state.loadedSeq !== state.loadSeq;
}

/** New filters: back to the first page, and a new load. */
export function withFilters(state: InboxState, filters: InboxFilters): InboxState {
  return { ...state, filters, cursors: [null], selected: 0, loadSeq: state.loadSeq + 1 };
}

/** Applies a page asked for under `seq`; stale answers are ignored. The selection stays on its item when it is still there. */
export function pageLoaded(state: InboxState, seq: number, page: InboxPage): InboxState {
  if (seq !== state.loadSeq) return state;
  const ref = selectedItem(state)?.ref;
  const kept = ref === undefined ? -1 : page.items.findIndex((i) => i.ref === ref);
  const selected = kept >= 0 ? kept : Math.max(0, Math.min(state.selected, page.items.length - 1));
  return { ...state, items: page.items, nextCursor: page.nextCursor, selected, loadedSeq: seq, error: null };
}

/** Records a failed load under `seq` (the rows shown stay, the error is displayed). */
export function pageFailed(state: InboxState, seq: number, message: string): InboxState {
  if (seq !== state.loadSeq) return state;
  return { ...state, loadedSeq: seq, error: message };
}

/** A new page size (the list's height changed): the same page, reloaded at the new size. */
export function withPageSize(state: InboxState, pageSize: number): InboxState {
  const size = Math.max(1, Math.min(500, Math.floor(pageSize)));
  if (size === state.pageSize) return state;
  return { ...state, pageSize: size, loadSeq: state.loadSeq + 1 };
}

/** Applies a loaded detail if it is still the one open. */
export function detailLoaded(state: InboxState, ref: string, data: ItemDetail): InboxState {
  if (state.detail?.ref !== ref) return state;
  return { ...state, detail: { ...state.detail, data, error: null } };
}

/** Records a failed detail load if it is still the one open. */
export function detailFailed(state: InboxState, ref: string, message: string): InboxState {
  if (state.detail?.ref !== ref) return state;
  return { ...state, detail: { ...state.detail, error: message } };
}

/** Asks for the page shown again (after an action changed it). */
export function reloadPage(state: InboxState): InboxState {
  return { ...state, loadSeq: state.loadSeq + 1 };
}

/** Applies a loaded contact history if it is still the one shown. */
export function historyLoaded(state: InboxState, email: string, items: InboxItem[]): InboxState {
  if (state.history?.email !== email) return state;
  const selected = Math.max(0, Math.min(state.history.selected, items.length - 1));
  return { ...state, history: { ...state.history, items, selected, loaded: true, error: null } };
}

/** Records a failed contact history load if it is still the one shown. */
export function historyFailed(state: InboxState, email: string, message: string): InboxState {
  if (state.history?.email !== email) return state;
  return { ...state, history: { ...state.history, loaded: true, error: message } };
}
