import type { DashboardState, KeyResult } from './dashboard-state.ts';
import { applyFilterValue, cycle, filterFields, filterValue, withResolved, type FilterField, type NamedRef } from './inbox-filters.ts';
import { withFilters } from './inbox-state.ts';

/** The filter prompt (`f`): one field at a time, tab cycles the field, enter applies, esc leaves. */
export interface FilterOverlay {
  type: 'filter';
  field: FilterField;
  draft: string;
}

export const filterLabels: Record<FilterField, string> = {
  agent: 'Agent (email or name; assigned, unassigned; empty = any)',
  department: 'Department (name; empty = any)',
  tag: 'Tag (name; empty = any)',
  from: 'Created from (YYYY-MM-DD, today, 7d; empty = no limit)',
  to: 'Created to, inclusive (YYYY-MM-DD, today, 7d; empty = no limit)',
};

const isPrintable = (key: string) => [...key].length === 1 && key >= ' ' && key !== '\x7f';

/** Opens the filter prompt on its first field, holding that field's current value. */
export function openFilterPrompt(state: DashboardState, field: FilterField = 'agent'): KeyResult {
  return { state: { ...state, overlay: { type: 'filter', field, draft: filterValue(state.inbox.filters, field) } }, effects: [] };
}

/** The keys of the filter prompt (the caller checked that it is up). */
export function filterPromptKey(state: DashboardState, overlay: FilterOverlay, key: string, now: Date = new Date()): KeyResult {
  const set = (o: FilterOverlay): KeyResult => ({ state: { ...state, overlay: o }, effects: [] });
  switch (key) {
    case 'escape':
      return { state: { ...state, overlay: null }, effects: [] };
    case 'tab':
    case 'down': {
      const field = cycle(filterFields, overlay.field);
      return set({ type: 'filter', field, draft: filterValue(state.inbox.filters, field) });
    }
    case 'S-tab':
    case 'up': {
      const field = filterFields[(filterFields.indexOf(overlay.field) + filterFields.length - 1) % filterFields.length]!;
      return set({ type: 'filter', field, draft: filterValue(state.inbox.filters, field) });
    }
    case 'backspace':
      return set({ ...overlay, draft: overlay.draft.slice(0, -1) });
    case 'C-u':
      return set({ ...overlay, draft: '' });
    case 'enter': {
      const back = { ...state, overlay: null };
      const change = applyFilterValue(state.inbox.filters, overlay.field, overlay.draft, now);
      if ('error' in change) return { state: { ...back, message: { text: change.error, kind: 'error' } }, effects: [] };
      if ('lookup' in change) {
        return { state: { ...back, message: { text: `looking up ${change.lookup.field} "${change.lookup.value}"…`, kind: 'info' } }, effects: [{ type: 'resolveFilter', ...change.lookup }] };
      }
      return { state: { ...back, inbox: withFilters(state.inbox, change.filters) }, effects: [{ type: 'load' }] };
    }
  }
  if (isPrintable(key)) return set({ ...overlay, draft: overlay.draft + key });
  return { state, effects: [] };
}

/** A looked-up name: the filter is set, back to the first page. */
export function filterResolved(state: DashboardState, field: 'agent' | 'department' | 'tag', ref: NamedRef): KeyResult {
  return {
    state: { ...state, message: null, inbox: withFilters(state.inbox, withResolved(state.inbox.filters, field, ref)) },
    effects: [{ type: 'load' }],
  };
}

/** A name that is not there (or names several): the filters stay, the reason in the message bar. */
export function filterLookupFailed(state: DashboardState, message: string): DashboardState {
  return { ...state, message: { text: message, kind: 'error' } };
}
