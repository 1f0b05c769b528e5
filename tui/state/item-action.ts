import type { DashboardState, ItemAction, KeyResult } from './dashboard-types.ts';

/** What the message bar says while the action runs: "closing C12…". */
export function actionRunning(action: ItemAction): string {
  const what: Record<ItemAction['kind'], string> = {
    close: 'closing',
    reopen: 'reopening',
    convert: 'converting',
    trash: 'moving to the trash',
    restore: 'restoring',
    delete: 'deleting permanently',
    assign: action.kind === 'assign' && action.agent === null ? 'unassigning' : 'assigning',
    tag: 'tagging',
    untag: 'untagging',
    note: 'adding a note to',
    priority: 'setting the priority of',
  };
  return `${what[action.kind]} ${action.ref}…`;
}

/** What the message bar says once the action is done. */
export function actionDoneText(action: ItemAction): string {
  switch (action.kind) {
    case 'close':
      return `${action.ref} closed`;
    case 'reopen':
      return `${action.ref} reopened`;
    case 'convert':
      return `${action.ref} converted to a ticket`;
    case 'trash':
      return `${action.ref} moved to the trash (tab 3 restores it)`;
    case 'restore':
      return `${action.ref} restored`;
    case 'delete':
      return `${action.ref} deleted permanently`;
    case 'assign':
      return action.agent === null ? `${action.ref} unassigned` : `${action.ref} assigned to ${action.agent}`;
    case 'tag':
      return `${action.ref} tagged ${action.tag}`;
    case 'untag':
      return `${action.ref} untagged ${action.tag}`;
    case 'priority':
      return `${action.ref} priority ${action.priority}`;
    case 'note':
      return `internal note added to ${action.ref}`;
  }
}

/** Starts an action: the message bar says what runs, the effect runs it. */
export function startAction(state: DashboardState, action: ItemAction): KeyResult {
  return { state: { ...state, message: { text: actionRunning(action), kind: 'info' } }, effects: [{ type: 'act', action }] };
}
