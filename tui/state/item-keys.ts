import { type InboxItem } from '../../core/inbox/inbox-item.ts';
import { actionDoneText, startAction } from './item-action.ts';
import { reloadPage } from './inbox-state.ts';
import { openConfirm, openPrompt } from './overlay.ts';
import { reloadTrash } from './trash-state.ts';
import type { DashboardState, Effect, ItemAction, KeyResult } from './dashboard-types.ts';
import { priorityNames } from '../../core/inbox/priority-names.ts';

/**
 * The keys that act on one item, the same in the list, the item's detail and a contact's
 * history; null when `key` is not one of them.
 */
export function itemKey(state: DashboardState, item: InboxItem, key: string): KeyResult | null {
  const ref = item.ref;
  const fail = (text: string): KeyResult => ({ state: { ...state, message: { text, kind: 'error' } }, effects: [] });
  switch (key) {
    case 'c':
      return startAction(state, { kind: item.status === 'closed' ? 'reopen' : 'close', ref });
    case 'A':
      return openPrompt(state, 'assign', ref);
    case 't':
      return openPrompt(state, 'tag', ref);
    case 'T':
      return openPrompt(state, 'untag', ref);
    case 'N':
      return openPrompt(state, 'note', ref);
    case 'P':
      return startAction(state, { kind: 'priority', ref, priority: priorityNames[(item.priority + 1) % priorityNames.length]! });
    case 'C':
      return startAction(state, { kind: 'convert', ref });
    case 'd':
      return openConfirm(state, { kind: 'trash', ref }, `Move ${ref} to the trash? It can be restored from the Trash tab.`);
    case 'r':
      if (item.kind !== 'ticket') return fail(`${ref} is a conversation: convert it to a ticket (C) to reply by email`);
      if (!item.contact.email) return fail(`${ref} has no contact email to reply to`);
      return { state: { ...state, overlay: { type: 'editor', ref, sending: false }, message: null }, effects: [{ type: 'edit', ref }] };
    case 'h':
      if (!item.contact.email) return fail(`${ref} has no contact email: no history to show`);
      return {
        state: {
          ...state,
          inbox: {
            ...state.inbox,
            mode: 'history',
            history: { email: item.contact.email, items: [], selected: 0, loaded: false, error: null },
          },
        },
        effects: [{ type: 'history', email: item.contact.email }],
      };
  }
  return null;
}

/**
 * An action finished: say so and reload everything that shows items (the page, the open
 * item, the trash, the contact history). An item that left the inbox closes its detail.
 */
export function actionDone(state: DashboardState, action: ItemAction): KeyResult {
  let inbox = reloadPage(state.inbox);
  const gone = action.kind === 'trash' || action.kind === 'delete';
  if (gone && inbox.detail?.ref === action.ref) inbox = { ...inbox, mode: inbox.detail.from, detail: null };
  const trash = state.trash.loadSeq > 0 ? reloadTrash(state.trash) : state.trash;
  const effects: Effect[] = [{ type: 'load' }];
  if (inbox.mode === 'detail' && inbox.detail) effects.push({ type: 'open', ref: inbox.detail.ref });
  if (inbox.history) effects.push({ type: 'history', email: inbox.history.email });
  if (trash !== state.trash) effects.push({ type: 'loadTrash' });
  return { state: { ...state, inbox, trash, message: { text: actionDoneText(action), kind: 'info' } }, effects };
}

/** An action failed: core's message goes to the message bar; nothing else changes. */
export function actionFailed(state: DashboardState, message: string): DashboardState {
  return { ...state, message: { text: message, kind: 'error' } };
}

/** The reply went into the outbox: close the editor and show it in the thread. */
export function replySent(state: DashboardState, ref: string, to: string): KeyResult {
  const effects: Effect[] = [{ type: 'closeEditor' }, { type: 'load' }];
  if (state.inbox.mode === 'detail' && state.inbox.detail?.ref === ref) effects.push({ type: 'open', ref });
  return {
    state: { ...state, overlay: null, inbox: reloadPage(state.inbox), message: { text: `reply to ${ref} queued for ${to}`, kind: 'info' } },
    effects,
  };
}

/** The reply was refused: the editor stays open with its text, the reason in the message bar. */
export function replyFailed(state: DashboardState, message: string): DashboardState {
  const overlay = state.overlay?.type === 'editor' ? { ...state.overlay, sending: false } : state.overlay;
  return { ...state, overlay, message: { text: message, kind: 'error' } };
}
