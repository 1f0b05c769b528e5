import { reloadJobs } from './queues-state.ts';
import type { DashboardState, Effect, KeyResult, QueueAction } from './dashboard-types.ts';

/** Tells a queue action from an item action (only queue actions name a queue). */
export function isQueueAction(action: object): action is QueueAction {
  return 'queue' in action;
}

/** The y/n question asked before the action. */
export function queueActionQuestion(action: QueueAction): string {
  switch (action.kind) {
    case 'retryJob':
      return `Retry job ${action.id} of ${action.queue}?`;
    case 'removeJob':
      return `Remove job ${action.id} from ${action.queue}? This cannot be undone.`;
    case 'promoteJob':
      return `Promote delayed job ${action.id} of ${action.queue} to run now?`;
    case 'retryAll':
      return `Retry every failed job of ${action.queue}?`;
    case 'pause':
      return `Pause ${action.queue}? Its workers stop taking jobs until it is resumed.`;
    case 'resume':
      return `Resume ${action.queue}?`;
    case 'cleanCompleted':
      return `Remove up to 1000 completed jobs of ${action.queue}? This cannot be undone.`;
    case 'cleanFailed':
      return `Remove up to 1000 failed jobs of ${action.queue}? This cannot be undone.`;
  }
}

/** What the message bar says while the action runs. */
export function queueActionRunning(action: QueueAction): string {
  const what: Record<QueueAction['kind'], string> = {
    retryJob: 'retrying job',
    removeJob: 'removing job',
    promoteJob: 'promoting job',
    retryAll: 'retrying the failed jobs of',
    pause: 'pausing',
    resume: 'resuming',
    cleanCompleted: 'cleaning the completed jobs of',
    cleanFailed: 'cleaning the failed jobs of',
  };
  return 'id' in action ? `${what[action.kind]} ${action.id} of ${action.queue}…` : `${what[action.kind]} ${action.queue}…`;
}

/** What the message bar says once it is done; `removed` is how many jobs a clean removed. */
export function queueActionDoneText(action: QueueAction, removed?: number): string {
  const jobs = (n: number | undefined) => `${n ?? 0} job${n === 1 ? '' : 's'}`;
  switch (action.kind) {
    case 'retryJob':
      return `job ${action.id} of ${action.queue} retried`;
    case 'removeJob':
      return `job ${action.id} of ${action.queue} removed`;
    case 'promoteJob':
      return `job ${action.id} of ${action.queue} promoted`;
    case 'retryAll':
      return `failed jobs of ${action.queue} retried`;
    case 'pause':
      return `${action.queue} paused (P resumes)`;
    case 'resume':
      return `${action.queue} resumed`;
    case 'cleanCompleted':
      return `${action.queue}: ${jobs(removed)} completed removed`;
    case 'cleanFailed':
      return `${action.queue}: ${jobs(removed)} failed removed`;
  }
}

/** Asks before a queue action. */
export function confirmQueueAction(state: DashboardState, action: QueueAction): KeyResult {
  return { state: { ...state, overlay: { type: 'confirm', action, question: queueActionQuestion(action) } }, effects: [] };
}

/** Starts a queue action: the message bar says what runs, the effect runs it. */
export function startQueueAction(state: DashboardState, action: QueueAction): KeyResult {
  return { state: { ...state, message: { text: queueActionRunning(action), kind: 'info' } }, effects: [{ type: 'queueAct', action }] };
}

/**
 * A queue action finished: say so and reload the table, the job list and the open job (a
 * removed job's detail closes).
 */
export function queueActionDone(state: DashboardState, action: QueueAction, removed?: number): KeyResult {
  let queues = state.queues;
  const effects: Effect[] = [{ type: 'loadQueues' }];
  if (queues.mode === 'job' && queues.detail && action.kind === 'removeJob' && action.id === queues.detail.id)
    queues = { ...queues, mode: 'jobs', detail: null };
  if (queues.mode !== 'table') {
    queues = reloadJobs(queues);
    effects.push({ type: 'loadJobs' });
  }
  if (queues.mode === 'job' && queues.detail && queues.queue) effects.push({ type: 'loadJob', queue: queues.queue, id: queues.detail.id });
  return { state: { ...state, queues, message: { text: queueActionDoneText(action, removed), kind: 'info' } }, effects };
}
