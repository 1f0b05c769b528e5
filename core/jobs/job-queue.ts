import type { JobName, JobPayloads } from './job-catalog.ts';

/**
 * When a job runs: `runAt`, the instant it is due, or `delayMs` from the moment it is queued.
 * A timer is due at an instant: give `runAt`, whose delay is counted when the job is actually
 * queued. A delay computed from an earlier `now` makes the job late by everything in between
 * (the rest of a transaction, its commit: an after-commit add waits for both).
 */
export interface AddOptions {
  delayMs?: number;
  runAt?: Date;
  idSuffix?: string;
}

/** A job to add: its name and payload. */
export type JobRequest = { [N in JobName]: { name: N; data: JobPayloads[N] } }[JobName];

/**
 * How core asks for background work, without knowing the queue system. Implementations add
 * the job under its catalog id (adding an existing id is a no-op) and can remove a job that
 * has not started, e.g. a delayed trigger an agent's answer made pointless.
 */
export interface JobQueue {
  add<N extends JobName>(name: N, data: JobPayloads[N], options?: AddOptions): Promise<void>;
  /** Adds several jobs at once (one round trip per queue where the queue system allows it), as add would. */
  addBulk(requests: JobRequest[]): Promise<void>;
  remove(name: JobName, data: JobPayloads[JobName], options?: { idSuffix?: string }): Promise<void>;
  /**
   * Makes sure the job will run: adds it, retries it if it failed, re-adds it if it finished
   * (a finished job's id is kept a while, and adding a kept id is a no-op). With `idSuffix`, the
   * job of that id; `runAt` or `delayMs` time a job (re-)added, as for add.
   */
  requeue<N extends JobName>(name: N, data: JobPayloads[N], options?: AddOptions): Promise<void>;
}
