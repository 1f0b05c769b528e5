import { startAction } from './item-action.ts';
import { filterPromptKey } from './filter-prompt.ts';
import { propertiesKey } from './property-switcher.ts';
import { isQueueAction, startQueueAction } from './queue-action.ts';
import type { DashboardState, ItemAction, KeyResult, PromptPurpose } from './dashboard-types.ts';

/** The question `q` asks under `switchboard start`. */
export const quitQuestion = 'Quit: stop the ingress and the workers too? (y/n)';

/** Quits at once, or asks first when quitting also stops the ingress and the workers. */
export function quitOrAsk(state: DashboardState): KeyResult {
  if (!state.quitStopsBackOffice) return { state, effects: [{ type: 'quit' }] };
  return { state: { ...state, overlay: { type: 'confirm', action: { quit: true }, question: quitQuestion } }, effects: [] };
}

const promptLabels: Record<PromptPurpose, (ref: string) => string> = {
  assign: (ref) => `Assign ${ref} to (agent email or name; empty unassigns)`,
  tag: (ref) => `Add a tag to ${ref}`,
  untag: (ref) => `Remove a tag from ${ref}`,
  note: (ref) => `Internal note on ${ref} (the visitor never sees it)`,
};

/** Opens a prompt for `ref`. */
export function openPrompt(state: DashboardState, purpose: PromptPurpose, ref: string): KeyResult {
  return { state: { ...state, overlay: { type: 'prompt', purpose, ref, label: promptLabels[purpose](ref), draft: '' } }, effects: [] };
}

/** Asks before `action`. */
export function openConfirm(state: DashboardState, action: ItemAction, question: string): KeyResult {
  return { state: { ...state, overlay: { type: 'confirm', action, question } }, effects: [] };
}

const isPrintable = (key: string) => [...key].length === 1 && key >= ' ' && key !== '\x7f';

/** The keys of the dialog that is up (the caller checked that `state.overlay` is set). */
export function overlayKey(state: DashboardState, key: string): KeyResult {
  const overlay = state.overlay!;
  if (overlay.type === 'filter') return filterPromptKey(state, overlay, key);
  if (overlay.type === 'properties') return propertiesKey(state, overlay, key);
  const close = (message: DashboardState['message'] = null): KeyResult => ({ state: { ...state, overlay: null, message }, effects: [] });
  if (overlay.type === 'confirm') {
    if (key === 'y' || key === 'Y') {
      const back = { ...state, overlay: null };
      if ('quit' in overlay.action) return { state: back, effects: [{ type: 'quit' }] };
      return isQueueAction(overlay.action) ? startQueueAction(back, overlay.action) : startAction(back, overlay.action);
    }
    if (key === 'n' || key === 'N' || key === 'escape' || key === 'q') return close({ text: 'nothing changed', kind: 'info' });
    return { state, effects: [] };
  }
  if (overlay.type === 'editor') {
    // The textarea takes the text; only sending and leaving reach here.
    if (key === 'C-s' && !overlay.sending) {
      return {
        state: {
          ...state,
          overlay: { ...overlay, sending: true },
          message: { text: `sending the reply to ${overlay.ref}…`, kind: 'info' },
        },
        effects: [{ type: 'reply', ref: overlay.ref }],
      };
    }
    if (key === 'escape' && !overlay.sending)
      return { state: { ...state, overlay: null, message: { text: 'reply discarded', kind: 'info' } }, effects: [{ type: 'closeEditor' }] };
    return { state, effects: [] };
  }
  switch (key) {
    case 'escape':
      return close();
    case 'enter': {
      const value = overlay.draft.trim();
      const back = { ...state, overlay: null };
      if (overlay.purpose === 'assign') return startAction(back, { kind: 'assign', ref: overlay.ref, agent: value || null });
      if (!value) return close();
      if (overlay.purpose === 'note') return startAction(back, { kind: 'note', ref: overlay.ref, body: value });
      return startAction(back, { kind: overlay.purpose, ref: overlay.ref, tag: value });
    }
    case 'backspace':
      return { state: { ...state, overlay: { ...overlay, draft: overlay.draft.slice(0, -1) } }, effects: [] };
    case 'C-u':
      return { state: { ...state, overlay: { ...overlay, draft: '' } }, effects: [] };
  }
  if (isPrintable(key)) return { state: { ...state, overlay: { ...overlay, draft: overlay.draft + key } }, effects: [] };
  return { state, effects: [] };
}
