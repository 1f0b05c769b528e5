// The dashboard's view model, as types only: the whole state, its tabs' and dialogs' shapes,
// the effects a key asks for. The modules that compute states (tui/state/*) import these;
// none of them is imported back, so the state modules form no cycle.
import type { AgentLoad } from '../../core/inbox/agent-load.ts';
import type { QueueName } from '../../core/jobs/job-catalog.ts';
import type { ResponseReport } from '../../core/responses/response-report.ts';
import type { ReportGrouping } from '../../core/responses/report-groupings.ts';
import type { AttentionState } from './attention-state.ts';
import type { FilterField, NamedRef } from './inbox-filters.ts';
import type { InboxState } from './inbox-state.ts';
import type { QueuesState } from './queues-state.ts';
import type { TrashState } from './trash-state.ts';
import type { PriorityName } from '../../core/inbox/priority-names.ts';

/** The tabs of the header. */
export type Tab = 'inbox' | 'queues' | 'trash' | 'agents' | 'reports';

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

/** The Agents tab (`4`): each agent's open items, oldest wait and breaches today, and the selection. */
export interface AgentsState {
  rows: AgentLoad[];
  selected: number;
  /** As in the inbox: an answer is applied only if it was asked for under the current number. */
  loadSeq: number;
  loadedSeq: number;
  error: string | null;
}

/**
 * The Reports tab (`5`): the response report of the last 7 days (core/responses/response-report.ts)
 * of the property shown, grouped by agent, department or priority (`b` cycles). It is read each
 * time `5` is pressed (as `3` and `4` read theirs) and by `b`, not by the 2 s refresh: a week
 * of messages does not change much in two seconds, and reading it that often would cost the
 * database for nothing.
 */
export interface ReportsState {
  report: ResponseReport | null;
  by: ReportGrouping;
  /** As in the inbox: an answer is applied only if it was asked for under the current number. */
  loadSeq: number;
  loadedSeq: number;
  error: string | null;
}

/** An action on one item that the dashboard runs through core (see tui/data/run-item-action.ts). */
export type ItemAction =
  | { kind: 'close' | 'reopen' | 'convert' | 'trash' | 'restore' | 'delete'; ref: string }
  | { kind: 'assign'; ref: string; agent: string | null }
  | { kind: 'tag' | 'untag'; ref: string; tag: string }
  | { kind: 'note'; ref: string; body: string }
  | { kind: 'priority'; ref: string; priority: PriorityName };

/** An action on a queue or one of its jobs, run through BullMQ (see tui/data/queue-jobs.ts). */
export type QueueAction =
  | { kind: 'retryJob' | 'removeJob' | 'promoteJob'; queue: QueueName; id: string }
  | { kind: 'retryAll' | 'pause' | 'resume' | 'cleanCompleted' | 'cleanFailed'; queue: QueueName };

/** Quitting a dashboard that runs inside `switchboard start`, which stops everything. */
export interface QuitAction {
  quit: true;
}

/** What a one-line prompt asks for. */
export type PromptPurpose = 'assign' | 'tag' | 'untag' | 'note';

/** A dialog on top of the dashboard; while one is up it takes every key. */
export type Overlay =
  /** One line of text: an agent to assign (empty unassigns), a tag to add or remove, an internal note. */
  | { type: 'prompt'; purpose: PromptPurpose; ref: string; label: string; draft: string }
  /** A y/n question before a destructive action on an item or a queue. */
  | { type: 'confirm'; action: ItemAction | QueueAction | QuitAction; question: string }
  /** The reply editor: a blessed textarea holds the text; `sending` while the reply is on its way. */
  | { type: 'editor'; ref: string; sending: boolean }
  /** The inbox filter prompt (`f`). */
  | FilterOverlay
  /** The property switcher (`C-p`). */
  | PropertiesOverlay;

/** The fields whose value is one of the property's agents, departments or tags. */
export type PickerField = 'agent' | 'department' | 'tag';

/** One entry of the picker: an agent (its email as `detail`), a department or a tag. */
export interface FilterChoice extends NamedRef {
  detail?: string;
}

/** What the picker offers, read once when the prompt opens. */
export type FilterChoices = Record<PickerField, FilterChoice[]>;

/**
 * The filter prompt (`f`): one field at a time, tab cycles the field, enter applies, esc
 * leaves. On the agent, department and tag fields the property's names are listed under the
 * draft, narrowed as it is typed; up and down highlight one, and enter applies it.
 */
export interface FilterOverlay {
  type: 'filter';
  field: FilterField;
  draft: string;
  /** null until read (and if the read failed: the draft is then looked up by name, as typed). */
  choices?: FilterChoices | null;
  choicesError?: string | null;
  /** The highlighted entry of `matchingChoices`; -1 for none (enter then applies the draft as typed). */
  picked?: number;
}

/** A property as the switcher lists it. */
export interface PropertyChoice {
  id: string;
  slug: string;
  name: string;
}

/** The property switcher (`C-p`): the properties once read, the selection. */
export interface PropertiesOverlay {
  type: 'properties';
  items: PropertyChoice[] | null;
  selected: number;
  error: string | null;
}
