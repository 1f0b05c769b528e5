import { initialAgentsState, type AgentsState } from './agents-state.ts';
import { initialAttentionState, type AttentionState } from './attention-state.ts';
import type { ItemAction } from './item-action.ts';
import { initialInboxState, type InboxState } from './inbox-state.ts';
import type { Overlay } from './overlay.ts';
import type { PropertyChoice } from './property-switcher.ts';
import type { QueueName } from '../../core/jobs/job-catalog.ts';
import type { QueueAction } from './queue-action.ts';
import { initialQueuesState, type QueuesState } from './queues-state.ts';
import { initialReportsState, type ReportsState } from './reports-state.ts';
import { initialTrashState, type TrashState } from './trash-state.ts';

/** The tabs of the header. */
export type Tab = 'inbox' | 'queues' | 'trash' | 'agents' | 'reports';
export const tabs: readonly Tab[] = ['inbox', 'queues', 'trash', 'agents', 'reports'];

/** A line for the message bar: the outcome of an action, or what is running. */
export interface StatusMessage {
  text: string;
  kind: 'info' | 'error';
}

/** The whole dashboard's view model: which tab, help, the inbox, the trash, the queues, a dialog and a message. */
export interface DashboardState {
  tab: Tab;
  help: boolean;
  /** The help overlay's first line shown (it scrolls when it does not fit). */
  helpScroll: number;
  inbox: InboxState;
  trash: TrashState;
  /** The Agents tab: a lead's view of each agent's load. */
  agents: AgentsState;
  /** The Reports tab: the response report of the last 7 days. */
  reports: ReportsState;
  /** The attention bar's piles, read by every refresh. */
  attention: AttentionState;
  /** The Queues tab: the table, a queue's jobs, a job. */
  queues: QueuesState;
  /** A prompt, a confirmation or the reply editor, on top of everything; it takes the keys. */
  overlay: Overlay | null;
  /** Cleared by the next key. */
  message: StatusMessage | null;
  /** Under `switchboard start` quitting stops the ingress and the workers too: it asks first. */
  quitStopsBackOffice: boolean;
}

/** Something a key asks the screen to do; the key handler itself never does I/O. */
export type Effect =
  /** Load the inbox page the state describes (under `state.inbox.loadSeq`). */
  | { type: 'load' }
  /** Load the detail of an item. */
  | { type: 'open'; ref: string }
  /** Run an action on an item through core, then reload what is shown. */
  | { type: 'act'; action: ItemAction }
  /** Open the reply editor (a blessed textarea) for a ticket. */
  | { type: 'edit'; ref: string }
  /** Send the editor's text as the reply to `ref`. */
  | { type: 'reply'; ref: string }
  /** Close the reply editor, dropping its text. */
  | { type: 'closeEditor' }
  /** Load the trash list (under `state.trash.loadSeq`). */
  | { type: 'loadTrash' }
  /** Load the contact history of `email`. */
  | { type: 'history'; email: string }
  /** Read the queues table now (after a queue action). */
  | { type: 'loadQueues' }
  /** Load the job list the state describes (under `state.queues.loadSeq`). */
  | { type: 'loadJobs' }
  /** Load one job's detail. */
  | { type: 'loadJob'; queue: QueueName; id: string }
  /** Run an action on a queue or a job through BullMQ, then reload what is shown. */
  | { type: 'queueAct'; action: QueueAction }
  /** Look up an agent, department or tag typed into the filter prompt, then filter by it. */
  | { type: 'resolveFilter'; field: 'agent' | 'department' | 'tag'; value: string }
  /** Read the Agents tab (under `state.agents.loadSeq`). */
  | { type: 'loadAgents' }
  /** Read the Reports tab (under `state.reports.loadSeq`). */
  | { type: 'loadReports' }
  /** Read the attention bar's piles of the property shown. */
  | { type: 'loadAttention' }
  /** Read the property's agents, departments and tags for the filter prompt's picker. */
  | { type: 'loadFilterChoices' }
  /** Read the properties for the switcher. */
  | { type: 'loadProperties' }
  /** Show `property` instead of the one shown. */
  | { type: 'switchProperty'; property: PropertyChoice }
  /** Leave the dashboard. */
  | { type: 'quit' };

/** A key's outcome: the next state and the work to start. */
export interface KeyResult {
  state: DashboardState;
  effects: Effect[];
}

/** The first state of the dashboard. */
export function initialDashboardState(pageSize = 20, quitStopsBackOffice = false): DashboardState {
  return { tab: 'inbox', help: false, helpScroll: 0, inbox: initialInboxState(pageSize), trash: initialTrashState(), attention: initialAttentionState(), agents: initialAgentsState(), reports: initialReportsState(), queues: initialQueuesState(pageSize - 1), overlay: null, message: null, quitStopsBackOffice };
}
