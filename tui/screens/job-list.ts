import type { JobDetail, JobState, JobSummary } from '../state/queues-state.ts';
import { fit, fitRight, jobTime, padTo, wrap } from './text-fit.ts';

/** The last column follows the state: why a failed job failed, when a delayed one is due. */
const lastColumn = (state: JobState): { title: string; cell: (j: JobSummary) => string } =>
  state === 'failed'
    ? { title: 'REASON', cell: (j) => j.failedReason ?? '' }
    : state === 'delayed'
      ? { title: 'DUE', cell: (j) => jobTime(j.dueAt) }
      : { title: '', cell: () => '' };

/** A job list as fixed-width lines `width` long: a header and one line per job. */
export function formatJobList(jobs: JobSummary[], state: JobState, width: number): { header: string; rows: string[] } {
  const idWidth = width >= 100 ? 28 : 18;
  const nameWidth = width >= 100 ? 20 : 14;
  const last = lastColumn(state);
  const rest = Math.max(0, width - idWidth - nameWidth - 6 - 15 - 1);
  const line = (id: string, name: string, tries: string, added: string, tail: string) =>
    padTo(`${fit(id, idWidth)} ${fit(name, nameWidth)}${fitRight(tries, 5)} ${fit(added, 14)} ${fit(tail, rest)}`, width);
  return {
    header: line('ID', 'NAME', 'TRIES', 'ADDED', last.title),
    rows: jobs.map((j) => line(j.id, j.name, String(j.attemptsMade), jobTime(j.timestamp), last.cell(j))),
  };
}

/** How a line of a job's detail is shown. */
export type JobLineKind = 'heading' | 'meta' | 'body' | 'error';

/** A job's detail, wrapped to `width`: what it is, its attempts and times, its data, its error and stack. */
export function formatJobDetail(queue: string, job: JobDetail, width: number): { kind: JobLineKind; text: string }[] {
  const lines: { kind: JobLineKind; text: string }[] = [];
  const add = (kind: JobLineKind, text: string, indent = '') => {
    for (const l of wrap(text, width - indent.length)) lines.push({ kind, text: indent + l });
  };
  const section = (title: string) => {
    lines.push({ kind: 'body', text: '' });
    add('heading', title);
  };
  add('heading', `job ${job.id}  ${job.name}  (${queue})`);
  add('meta', `state ${job.state} · attempts made ${job.attemptsMade} of ${job.attempts}`);
  add(
    'meta',
    `added ${jobTime(job.timestamp)} · processed ${jobTime(job.processedOn)} · finished ${jobTime(job.finishedOn)}` +
      `${job.dueAt ? ` · due ${jobTime(job.dueAt)}` : ''}`,
  );
  section('Data');
  add('body', JSON.stringify(job.data, null, 2) ?? 'undefined', '  ');
  if (job.failedReason) {
    section('Failed reason');
    add('error', job.failedReason, '  ');
  }
  if (job.stacktrace.length) {
    section(`Stacktrace (${job.stacktrace.length})`);
    job.stacktrace.forEach((stack, n) => {
      if (n > 0) lines.push({ kind: 'body', text: '' });
      add('error', stack, '  ');
    });
  }
  if (job.returnValue !== undefined && job.returnValue !== null) {
    section('Return value');
    add('body', JSON.stringify(job.returnValue, null, 2) ?? '', '  ');
  }
  return lines;
}
