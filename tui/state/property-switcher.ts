import { withoutPropertyFilters } from './inbox-filters.ts';
import { initialInboxState } from './inbox-state.ts';
import { initialTrashState, reloadTrash } from './trash-state.ts';
import { initialAttentionState } from './attention-state.ts';
import { initialAgentsState } from './agents-state.ts';
import { initialReportsState } from './reports-state.ts';
import { listMove } from './list-navigation.ts';
import type { DashboardState, Effect, KeyResult, PropertiesOverlay, PropertyChoice } from './dashboard-types.ts';

/** Opens the switcher and asks for the properties. */
export function openPropertySwitcher(state: DashboardState): KeyResult {
  return {
    state: { ...state, help: false, overlay: { type: 'properties', items: null, selected: 0, error: null } },
    effects: [{ type: 'loadProperties' }],
  };
}

/** The properties read: the selection starts on the one shown. */
export function propertiesLoaded(state: DashboardState, items: PropertyChoice[], currentId: string): DashboardState {
  if (state.overlay?.type !== 'properties') return state;
  const selected = Math.max(
    0,
    items.findIndex((p) => p.id === currentId),
  );
  return { ...state, overlay: { ...state.overlay, items, selected, error: null } };
}

export function propertiesFailed(state: DashboardState, message: string): DashboardState {
  if (state.overlay?.type !== 'properties') return state;
  return { ...state, overlay: { ...state.overlay, error: message } };
}

/** The switcher's keys: j k move, enter switches, esc leaves. */
export function propertiesKey(state: DashboardState, overlay: PropertiesOverlay, key: string): KeyResult {
  const last = Math.max(0, (overlay.items?.length ?? 0) - 1);
  const move = (selected: number): KeyResult => ({ state: { ...state, overlay: { ...overlay, selected } }, effects: [] });
  const to = listMove(key, overlay.selected, last);
  if (to !== null) return move(to);
  switch (key) {
    case 'escape':
    case 'q':
      return { state: { ...state, overlay: null }, effects: [] };
    case 'enter': {
      const chosen = overlay.items?.[overlay.selected];
      if (!chosen) return { state, effects: [] };
      return {
        state: { ...state, overlay: null, message: { text: `switching to ${chosen.slug}…`, kind: 'info' } },
        effects: [{ type: 'switchProperty', property: chosen }],
      };
    }
  }
  return { state, effects: [] };
}

/**
 * The dashboard switched to `property`: the inbox from its first page (the view, status, text
 * and sort stay; an agent, department or tag of the other property does not), the trash read
 * again, any item or history closed.
 */
export function propertySwitched(state: DashboardState, property: PropertyChoice): KeyResult {
  const inbox = initialInboxState(state.inbox.pageSize, withoutPropertyFilters(state.inbox.filters));
  // Past every number used so far, so a page of the old property that arrives late is ignored.
  const fresh = { ...inbox, loadSeq: state.inbox.loadSeq + 1 };
  const trash = reloadTrash({ ...initialTrashState(), loadSeq: state.trash.loadSeq });
  const effects: Effect[] = [{ type: 'load' }, { type: 'loadAttention' }];
  if (state.tab === 'trash') effects.push({ type: 'loadTrash' });
  // Past the old numbers too, so that the other property's agents never land here.
  const agents = {
    ...initialAgentsState(),
    loadSeq: state.agents.loadSeq + (state.tab === 'agents' ? 1 : 0),
    loadedSeq: state.agents.loadSeq,
  };
  if (state.tab === 'agents') effects.push({ type: 'loadAgents' });
  // The same for the report; its grouping stays.
  const reports = {
    ...initialReportsState(),
    by: state.reports.by,
    loadSeq: state.reports.loadSeq + (state.tab === 'reports' ? 1 : 0),
    loadedSeq: state.reports.loadSeq,
  };
  if (state.tab === 'reports') effects.push({ type: 'loadReports' });
  return {
    state: {
      ...state,
      inbox: fresh,
      trash,
      agents,
      reports,
      attention: initialAttentionState(),
      message: { text: `now showing ${property.slug} (${property.name})`, kind: 'info' },
    },
    effects,
  };
}
