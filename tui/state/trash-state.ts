import type { InboxItem } from '../../core/inbox/inbox-item.ts';

/** The trash tab's view model: the most recently trashed items and the selection. */
export interface TrashState {
  items: InboxItem[];
  selected: number;
  /** As in the inbox: an answer is applied only if it was asked for under the current number. */
  loadSeq: number;
  loadedSeq: number;
  error: string | null;
}

/** Nothing loaded yet: the first visit of the tab loads it. */
export function initialTrashState(): TrashState {
  return { items: [], selected: 0, loadSeq: 0, loadedSeq: 0, error: null };
}

/** Asks for a new load. */
export function reloadTrash(state: TrashState): TrashState {
  return { ...state, loadSeq: state.loadSeq + 1 };
}

/** Applies the trash read under `seq`; the selection stays on its item when it is still there. */
export function trashLoaded(state: TrashState, seq: number, items: InboxItem[]): TrashState {
  if (seq !== state.loadSeq) return state;
  const ref = state.items[state.selected]?.ref;
  const kept = ref === undefined ? -1 : items.findIndex((i) => i.ref === ref);
  const selected = kept >= 0 ? kept : Math.max(0, Math.min(state.selected, items.length - 1));
  return { ...state, items, selected, loadedSeq: seq, error: null };
}

/** Records a failed read under `seq`. */
export function trashFailed(state: TrashState, seq: number, message: string): TrashState {
  if (seq !== state.loadSeq) return state;
  return { ...state, loadedSeq: seq, error: message };
}
