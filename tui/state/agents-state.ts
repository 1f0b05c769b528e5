import type { AgentLoad } from '../../core/inbox/agent-load.ts';
import { defaultFilters } from './inbox-filters.ts';
import { withFilters } from './inbox-state.ts';
import { listMove } from './list-navigation.ts';
import type { AgentsState, DashboardState, KeyResult } from './dashboard-types.ts';

/** Nothing loaded yet: the first visit of the tab loads it. */
export function initialAgentsState(): AgentsState {
  return { rows: [], selected: 0, loadSeq: 0, loadedSeq: 0, error: null };
}

export function reloadAgents(state: AgentsState): AgentsState {
  return { ...state, loadSeq: state.loadSeq + 1 };
}

/** Applies the rows read under `seq`; the selection stays on its agent. */
export function agentsLoaded(state: AgentsState, seq: number, rows: AgentLoad[]): AgentsState {
  if (seq !== state.loadSeq) return state;
  const id = state.rows[state.selected]?.agent.id;
  const kept = id === undefined ? -1 : rows.findIndex((r) => r.agent.id === id);
  const selected = kept >= 0 ? kept : Math.max(0, Math.min(state.selected, rows.length - 1));
  return { ...state, rows, selected, loadedSeq: seq, error: null };
}

/** A failed read under `seq`: the rows shown stay, with the error. */
export function agentsFailed(state: AgentsState, seq: number, error: string): AgentsState {
  if (seq !== state.loadSeq) return state;
  return { ...state, loadedSeq: seq, error };
}

/** `4`: the tab, read now and by every refresh while it is shown. */
export function showAgents(state: DashboardState): KeyResult {
  return { state: { ...state, tab: 'agents', agents: reloadAgents(state.agents) }, effects: [{ type: 'loadAgents' }] };
}

/** The Agents tab's keys: move, and enter for the agent's open items in the inbox, longest waiting first. */
export function agentsKey(state: DashboardState, key: string): KeyResult {
  const a = state.agents;
  const to = listMove(key, a.selected, Math.max(0, a.rows.length - 1));
  if (to !== null) return { state: { ...state, agents: { ...a, selected: to } }, effects: [] };
  const row = a.rows[a.selected];
  if (key !== 'enter' || !row) return { state, effects: [] };
  // Oldest created first: the inbox cannot sort by waiting time, and the oldest open item is
  // the likeliest to be the one that waits longest.
  const filters = {
    ...defaultFilters,
    status: 'open' as const,
    agent: { id: row.agent.id, name: row.agent.name },
    sort: 'created' as const,
    order: 'asc' as const,
  };
  const inbox = withFilters({ ...state.inbox, mode: 'list', detail: null, history: null }, filters);
  return {
    state: { ...state, tab: 'inbox', inbox, message: { text: `${row.agent.name}: open items, oldest first (F clears)`, kind: 'info' } },
    effects: [{ type: 'load' }],
  };
}
