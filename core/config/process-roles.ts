import type { Config } from './config.ts';
import type { QueueName } from '../jobs/job-catalog.ts';

// What a `switchboard worker|ingress|start` process runs. The CLI (cli/) asks for it and the
// processes (worker/main.ts) do it; the command's entry point (bin/main.ts) hands the one to
// the other, so that cli/ never imports worker/.

/** Which long-running parts a process runs. */
export interface ProcessRoles {
  ingress: boolean;
  worker: boolean;
  queues?: QueueName[];
  concurrency?: number;
  /** Log to this file instead of stderr (when a dashboard owns the terminal). */
  logFile?: string;
  /**
   * Started once everything runs; the process shuts down when it settles (a dashboard that
   * quits), as on SIGTERM. `stopping` aborts on SIGTERM/SIGINT: it must settle then (the
   * dashboard closes and gives the terminal back) before the drain.
   */
  until?: (stopping: AbortSignal) => Promise<unknown>;
  /** Called once every listener and worker is up, with the ports the ingress listens on. */
  onRunning?: (listening: Listening) => void;
}

/** The ports a process listens on (the real ones when 0 asked for a free port). */
export interface Listening {
  ingressPort?: number;
  smtpPort?: number;
}

/** Runs the processes of `roles` and resolves once they have shut down. */
export type RunProcesses = (config: Config, urls: { databaseUrl: string; redisUrl: string }, roles: ProcessRoles) => Promise<void>;

/** What the CLI is given by its entry point to start the long-running processes. */
export interface ProcessStarters {
  runProcesses: RunProcesses;
}
