import { applyFilterValue, cycle, filterFields, filterValue, withResolved, type FilterField, type NamedRef } from './inbox-filters.ts';
import { withFilters } from './inbox-state.ts';
import type { DashboardState, FilterChoice, FilterChoices, FilterOverlay, KeyResult, PickerField } from './dashboard-types.ts';

export const filterLabels: Record<FilterField, string> = {
  agent: 'Agent (email or name, type to narrow; assigned, unassigned; empty = any)',
  department: 'Department (type to narrow; empty = any)',
  tag: 'Tag (type to narrow; empty = any)',
  from: 'Created from (YYYY-MM-DD, today, 7d; empty = no limit)',
  to: 'Created to, inclusive (YYYY-MM-DD, today, 7d; empty = no limit)',
};

const isPrintable = (key: string) => [...key].length === 1 && key >= ' ' && key !== '\x7f';
export const isPickerField = (field: FilterField): field is PickerField => field === 'agent' || field === 'department' || field === 'tag';
/** The agent field's words, which are not names: typed, they apply as they are. */
const agentWords = ['any', 'assigned', 'unassigned'];

/**
 * The entries of `field` that match `draft` (case-insensitive, anywhere in the name or an
 * agent's email): those that start with it first, each group in the directory's order (by name).
 */
export function matchingChoices(overlay: FilterOverlay): FilterChoice[] {
  if (!isPickerField(overlay.field) || !overlay.choices) return [];
  const all = overlay.choices[overlay.field];
  const q = overlay.draft.trim().toLowerCase();
  if (!q) return all;
  const hit = (c: FilterChoice) => c.name.toLowerCase().includes(q) || Boolean(c.detail?.toLowerCase().includes(q));
  const starts = (c: FilterChoice) => c.name.toLowerCase().startsWith(q) || Boolean(c.detail?.toLowerCase().startsWith(q));
  const matches = all.filter(hit);
  return [...matches.filter(starts), ...matches.filter((c) => !starts(c))];
}

/** What is highlighted after the draft became `draft`: the first match of a non-empty draft, none for an empty one. */
function pickFor(overlay: FilterOverlay): FilterOverlay {
  const word = agentWords.includes(overlay.draft.trim().toLowerCase()) && overlay.field === 'agent';
  return { ...overlay, picked: overlay.draft.trim() && !word && matchingChoices(overlay).length ? 0 : -1 };
}

/** The prompt on `field`, holding that field's current value. */
function onField(state: DashboardState, overlay: FilterOverlay | null, field: FilterField): FilterOverlay {
  return pickFor({
    type: 'filter',
    field,
    draft: filterValue(state.inbox.filters, field),
    choices: overlay?.choices ?? null,
    choicesError: overlay?.choicesError ?? null,
    picked: -1,
  });
}

/** Opens the filter prompt on its first field, and reads the names its picker offers. */
export function openFilterPrompt(state: DashboardState, field: FilterField = 'agent'): KeyResult {
  return { state: { ...state, overlay: onField(state, null, field) }, effects: [{ type: 'loadFilterChoices' }] };
}

/** The names arrived: listed if the prompt is still up. */
export function filterChoicesLoaded(state: DashboardState, choices: FilterChoices): DashboardState {
  if (state.overlay?.type !== 'filter') return state;
  return { ...state, overlay: pickFor({ ...state.overlay, choices, choicesError: null }) };
}

/** The names could not be read: the prompt says so and still takes names typed in full. */
export function filterChoicesFailed(state: DashboardState, error: string): DashboardState {
  if (state.overlay?.type !== 'filter') return state;
  return { ...state, overlay: { ...state.overlay, choicesError: error } };
}

/** The keys of the filter prompt (the caller checked that it is up). */
export function filterPromptKey(state: DashboardState, overlay: FilterOverlay, key: string, now: Date = new Date()): KeyResult {
  const set = (o: FilterOverlay): KeyResult => ({ state: { ...state, overlay: o }, effects: [] });
  const matches = matchingChoices(overlay);
  const picked = overlay.picked ?? -1;
  const nextField = () => cycle(filterFields, overlay.field);
  const previousField = () => filterFields[(filterFields.indexOf(overlay.field) + filterFields.length - 1) % filterFields.length]!;
  switch (key) {
    case 'escape':
      return { state: { ...state, overlay: null }, effects: [] };
    case 'down':
      // On a list the arrows choose in it; on the date fields they move between fields, as tab does.
      if (matches.length) return set({ ...overlay, picked: Math.min(matches.length - 1, picked + 1) });
      return set(onField(state, overlay, nextField()));
    case 'up':
      if (matches.length) return set({ ...overlay, picked: Math.max(-1, picked - 1) });
      return set(onField(state, overlay, previousField()));
    case 'tab':
      return set(onField(state, overlay, nextField()));
    case 'S-tab':
      return set(onField(state, overlay, previousField()));
    case 'backspace':
      return set(pickFor({ ...overlay, draft: overlay.draft.slice(0, -1) }));
    case 'C-u':
      return set(pickFor({ ...overlay, draft: '' }));
    case 'enter': {
      const back = { ...state, overlay: null };
      const choice = isPickerField(overlay.field) ? matches[picked] : undefined;
      // A name from the list is known already: no lookup.
      if (choice && isPickerField(overlay.field)) return filterResolved(back, overlay.field, { id: choice.id, name: choice.name });
      const change = applyFilterValue(state.inbox.filters, overlay.field, overlay.draft, now);
      if ('error' in change) return { state: { ...back, message: { text: change.error, kind: 'error' } }, effects: [] };
      if ('lookup' in change) {
        return {
          state: { ...back, message: { text: `looking up ${change.lookup.field} "${change.lookup.value}"…`, kind: 'info' } },
          effects: [{ type: 'resolveFilter', ...change.lookup }],
        };
      }
      return { state: { ...back, inbox: withFilters(state.inbox, change.filters) }, effects: [{ type: 'load' }] };
    }
  }
  if (isPrintable(key)) return set(pickFor({ ...overlay, draft: overlay.draft + key }));
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
