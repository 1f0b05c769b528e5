import { initialInboxState, type InboxState } from './inbox-state.ts';

/** The tabs of the header. */
export type Tab = 'inbox' | 'queues';
export const tabs: readonly Tab[] = ['inbox', 'queues'];

/** The whole dashboard's view model: which tab, whether help is up, and the inbox. */
export interface DashboardState {
  tab: Tab;
  help: boolean;
  inbox: InboxState;
}

/** Something a key asks the screen to do; the key handler itself never does I/O. */
export type Effect =
  /** Load the inbox page the state describes (under `state.inbox.loadSeq`). */
  | { type: 'load' }
  /** Load the detail of an item. */
  | { type: 'open'; ref: string }
  /** Leave the dashboard. */
  | { type: 'quit' };

/** A key's outcome: the next state and the work to start. */
export interface KeyResult {
  state: DashboardState;
  effects: Effect[];
}

/** The first state of the dashboard. */
export function initialDashboardState(pageSize = 20): DashboardState {
  return { tab: 'inbox', help: false, inbox: initialInboxState(pageSize) };
}
