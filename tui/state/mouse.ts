import { handleKey } from './dashboard-keys.ts';
import type { DashboardState, KeyResult } from './dashboard-types.ts';

/** The first row shown of a list of `count` rows with `room` lines, keeping `selected` in sight. */
export function listWindowFirst(selected: number, count: number, room: number): number {
  return Math.max(0, Math.min(selected - room + 1, count - room));
}

/** Moves the selection with the keys (j k) until it is on `target`, so a click does what keys would. */
function moveTo(state: DashboardState, current: number, target: number): KeyResult {
  let result: KeyResult = { state, effects: [] };
  const key = target > current ? 'down' : 'up';
  for (let n = Math.abs(target - current); n > 0; n--) {
    const next = handleKey(result.state, key);
    result = { state: next.state, effects: [...result.effects, ...next.effects] };
  }
  return result;
}

/**
 * A click on line `row` of the body (0 = its first line), `bodyHeight` lines tall: a row of a
 * list is selected; a click on the row already selected opens it (as enter). Anywhere else,
 * and while a dialog or the help is up, nothing happens.
 */
export function clickRow(state: DashboardState, row: number, bodyHeight: number): KeyResult {
  const none: KeyResult = { state, effects: [] };
  if (state.overlay || state.help || row < 0) return none;
  const pick = (index: number, count: number, selected: number): KeyResult => {
    if (index < 0 || index >= count) return none;
    if (index === selected) return handleKey(state, 'enter');
    return moveTo(state, selected, index);
  };
  if (state.tab === 'inbox') {
    const inbox = state.inbox;
    if (inbox.mode === 'list') return pick(row - 1, inbox.items.length, inbox.selected);
    if (inbox.mode === 'history' && inbox.history) {
      const h = inbox.history;
      const first = listWindowFirst(h.selected, h.items.length, Math.max(1, bodyHeight - 2));
      return pick(row - 2 + first, h.items.length, h.selected);
    }
    return none;
  }
  if (state.tab === 'trash') {
    const t = state.trash;
    const first = listWindowFirst(t.selected, t.items.length, Math.max(1, bodyHeight - 2));
    const index = row - 2 + first;
    // Enter does nothing in the trash: a click only selects.
    return index === t.selected ? none : pick(index, t.items.length, t.selected);
  }
  if (state.tab === 'agents') {
    // A title line and the header above the rows, which scroll as the trash's do.
    const a = state.agents;
    return pick(row - 2 + listWindowFirst(a.selected, a.rows.length, Math.max(1, bodyHeight - 2)), a.rows.length, a.selected);
  }
  // The report has no rows to choose.
  if (state.tab === 'reports') return none;
  const q = state.queues;
  if (q.mode === 'table') return pick(row - 1, q.stats?.length ?? 0, q.selected);
  if (q.mode === 'jobs') return pick(row - 2, q.jobs.length, q.jobSelected);
  return none;
}

/** The wheel: three lines of an item or a job, one row of a list; nothing while a dialog is up. */
export function wheel(state: DashboardState, down: boolean): KeyResult {
  if (state.overlay) return { state, effects: [] };
  const key = down ? 'down' : 'up';
  const reading =
    (state.tab === 'inbox' && state.inbox.mode === 'detail') || (state.tab === 'queues' && state.queues.mode === 'job') || state.help;
  let result = handleKey(state, key);
  if (reading) for (let n = 0; n < 2; n++) result = handleKey(result.state, key);
  return result;
}
