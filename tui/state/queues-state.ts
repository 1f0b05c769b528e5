import { queueNames, type QueueName } from '../../core/jobs/job-catalog.ts';

/** The job states the queues table counts, in its column order. */
export const jobStates = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;
export type JobState = (typeof jobStates)[number];

/** The states a job list cycles through with `s`, failed first (what an operator looks for). */
export const listStates: readonly JobState[] = ['failed', 'waiting', 'active', 'delayed', 'prioritized', 'completed'];

/** One queue's row: counts by state, paused, workers connected and last hour's completions. */
export interface QueueStats {
  name: QueueName;
  counts: Record<JobState, number>;
  paused: boolean;
  /** Workers connected to the queue; null when Redis would not say (CLIENT LIST refused). */
  workers: number | null;
  /** Completions per minute over the last hour, oldest first; null without metrics. */
  throughput: number[] | null;
}

/** A job as a list shows it. */
export interface JobSummary {
  id: string;
  name: string;
  attemptsMade: number;
  /** When it was added (epoch ms). */
  timestamp: number;
  /** When a delayed job is due (epoch ms), else null. */
  dueAt: number | null;
  failedReason: string | null;
}

/** A job as its detail shows it. */
export interface JobDetail extends JobSummary {
  /** BullMQ's state now ('unknown' once it is gone). */
  state: string;
  data: unknown;
  /** Attempts allowed (the job's `attempts` option). */
  attempts: number;
  processedOn: number | null;
  finishedOn: number | null;
  stacktrace: string[];
  returnValue: unknown;
}

/** The Queues tab's view model: the table, one queue's jobs of a state, one job. */
export interface QueuesState {
  mode: 'table' | 'jobs' | 'job';
  stats: QueueStats[] | null;
  /** The last failed read of the table (the counts shown are then the last known). */
  statsError: string | null;
  /** The selected row of the table (an index into the catalog's queue names). */
  selected: number;
  /** The queue whose jobs are listed. */
  queue: QueueName | null;
  jobState: JobState;
  /** Zero-based page of the job list. */
  page: number;
  pageSize: number;
  jobs: JobSummary[];
  hasMore: boolean;
  jobSelected: number;
  /** As in the inbox: an answer is applied only if it was asked for under the current number. */
  loadSeq: number;
  loadedSeq: number;
  error: string | null;
  detail: { id: string; data: JobDetail | null; error: string | null; scroll: number } | null;
}

/** Nothing read yet; the dashboard's refresh reads the table. */
export function initialQueuesState(pageSize = 20): QueuesState {
  return {
    mode: 'table',
    stats: null,
    statsError: null,
    selected: 0,
    queue: null,
    jobState: 'failed',
    page: 0,
    pageSize: Math.max(1, pageSize),
    jobs: [],
    hasMore: false,
    jobSelected: 0,
    loadSeq: 0,
    loadedSeq: 0,
    error: null,
    detail: null,
  };
}

/** The queue of the selected row. */
export function selectedQueue(state: QueuesState): QueueName {
  return queueNames[Math.min(state.selected, queueNames.length - 1)]!;
}

/** The queue actions apply to: the open one in a list or a job, else the selected row's. */
export function targetQueue(state: QueuesState): QueueName {
  return state.mode !== 'table' && state.queue ? state.queue : selectedQueue(state);
}

/** The rows of the job list page asked for: BullMQ's inclusive `start`/`end`, one more to know if there is a next page. */
export function jobsRange(state: QueuesState): { start: number; end: number } {
  const start = state.page * state.pageSize;
  return { start, end: start + state.pageSize };
}

/** Asks for the job list again (after a key or an action changed it). */
export function reloadJobs(state: QueuesState): QueuesState {
  return { ...state, loadSeq: state.loadSeq + 1 };
}

/** Applies the job list read under `seq` (`rows` may hold one more than a page); the selection stays on its job. */
export function jobsLoaded(state: QueuesState, seq: number, rows: JobSummary[]): QueuesState {
  if (seq !== state.loadSeq) return state;
  const jobs = rows.slice(0, state.pageSize);
  const id = state.jobs[state.jobSelected]?.id;
  const kept = id === undefined ? -1 : jobs.findIndex((j) => j.id === id);
  const jobSelected = kept >= 0 ? kept : Math.max(0, Math.min(state.jobSelected, jobs.length - 1));
  return { ...state, jobs, hasMore: rows.length > state.pageSize, jobSelected, loadedSeq: seq, error: null };
}

/** Records a failed job list read under `seq`. */
export function jobsFailed(state: QueuesState, seq: number, message: string): QueuesState {
  if (seq !== state.loadSeq) return state;
  return { ...state, loadedSeq: seq, error: message };
}

/** Applies a job's detail if it is still the one open. */
export function jobLoaded(state: QueuesState, id: string, data: JobDetail): QueuesState {
  if (state.detail?.id !== id) return state;
  return { ...state, detail: { ...state.detail, data, error: null } };
}

/** Records a failed detail read if it is still the one open. */
export function jobFailed(state: QueuesState, id: string, message: string): QueuesState {
  if (state.detail?.id !== id) return state;
  return { ...state, detail: { ...state.detail, error: message } };
}

/** The table read. */
export function statsLoaded(state: QueuesState, stats: QueueStats[]): QueuesState {
  return { ...state, stats, statsError: null };
}

/** The table read failed: the last counts stay, with the error. */
export function statsFailed(state: QueuesState, message: string): QueuesState {
  return { ...state, statsError: message };
}

/** A new page size (the terminal was resized); the next read uses it. */
export function withJobsPageSize(state: QueuesState, pageSize: number): QueuesState {
  const size = Math.max(1, pageSize);
  if (size === state.pageSize) return state;
  return {
    ...state,
    pageSize: size,
    page: Math.floor((state.page * state.pageSize) / size),
    loadSeq: state.mode === 'table' ? state.loadSeq : state.loadSeq + 1,
  };
}

/** The status bar on the Queues tab: where you are and the totals over every queue (`short` to fit 80 columns). */
export function describeQueues(state: QueuesState, short = false): string {
  const stale = state.statsError ? (short ? ' stale' : ' (counts stale)') : '';
  if (state.mode === 'job' && state.queue && state.detail)
    return `${state.queue} › ${short ? '' : `${state.jobState} › `}job ${state.detail.id}${stale}`;
  if (state.mode === 'jobs' && state.queue)
    return `${state.queue} › ${state.jobState} p${state.page + 1}${state.hasMore ? '+' : ''}${stale}`;
  if (!state.stats) return state.statsError ? 'queues: no counts' : 'queues: loading…';
  const total = (s: JobState) => state.stats!.reduce((n, q) => n + q.counts[s], 0);
  const paused = state.stats.filter((q) => q.paused).length;
  if (short) {
    const counts = `w${total('waiting')} a${total('active')} d${total('delayed')} f${total('failed')}`;
    return `${state.statsError ? 'stale' : 'queues'} ${counts}${paused ? ` ${paused} paused` : ''}`;
  }
  const counts = `wait ${total('waiting')} act ${total('active')} delay ${total('delayed')} fail ${total('failed')}`;
  return `${state.stats.length} queues · ${counts}${paused ? ` · ${paused} paused` : ''}${stale}`;
}
