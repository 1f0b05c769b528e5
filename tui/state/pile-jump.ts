import { pileLabels, pileNames, pileQueries, type PileName } from '../../core/inbox/attention-piles.ts';
import { defaultFilters, type InboxFilters } from './inbox-filters.ts';
import { withFilters } from './inbox-state.ts';
import type { DashboardState, KeyResult } from './dashboard-types.ts';

/**
 * The key that lists each pile, from any tab. Capitals that no list, tab or item action uses
 * (lowercase u is the Queues tab's promote), named for the pile where a letter was free:
 * Unassigned, Missed, Breached, Warning (at risk), Later (pending).
 */
export const pileKeys: Record<PileName, string> = { unassigned: 'U', missed: 'M', breached: 'B', atRisk: 'W', pending: 'L' };

/** The pile a key lists, if it is one of `pileKeys`. */
export function pileOfKey(key: string): PileName | undefined {
  return pileNames.find((name) => pileKeys[name] === key);
}

/**
 * The inbox filters of a pile: its core query (`pileQueries`) as the dashboard's filters, every
 * other filter off, so that the list holds exactly the items the bar counts.
 */
export function pileFilters(name: PileName): InboxFilters {
  const q = pileQueries[name];
  const agent = q.agent === 'assigned' || q.agent === 'unassigned' ? q.agent : 'any';
  const due = q.due === 'breached' || q.due === 'at-risk' ? q.due : null;
  return {
    ...defaultFilters,
    view: q.show ?? 'both',
    status: q.status ?? 'all',
    agent,
    missed: q.missed ?? false,
    withEmail: q.withEmail ?? false,
    due,
    sort: q.sort ?? 'created',
    order: q.order ?? 'desc',
  };
}

/** A pile key: the inbox tab's list of that pile, from its first page, longest waiting first. */
export function jumpToPile(state: DashboardState, name: PileName): KeyResult {
  const inbox = withFilters({ ...state.inbox, mode: 'list', detail: null, history: null, searchDraft: '' }, pileFilters(name));
  return {
    state: { ...state, tab: 'inbox', inbox, message: { text: `${pileLabels[name]}: oldest first (F clears the filters)`, kind: 'info' } },
    effects: [{ type: 'load' }],
  };
}
