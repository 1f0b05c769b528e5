import { constants } from 'node:os';
import type { Logger } from './logger.ts';

/** How a long-running process is asked to stop, and the bounds on its drain. */
export interface GracefulStop {
  /** Resolves with what asked first: 'SIGTERM', 'SIGINT', or the reason given to `request`. */
  requested: Promise<string>;
  /** Aborted as soon as a stop is asked for: what runs until then (the dashboard) closes on it. */
  signal: AbortSignal;
  /** Asks to stop for `reason` (the dashboard quit), as a first signal does; later asks change nothing. */
  request(reason: string): void;
  /** The drain is over: the handlers and the deadline go, so nothing exits the process any more. */
  done(): void;
}

/**
 * Listens for SIGTERM and SIGINT. The first one (or `request`) starts the drain and a deadline
 * of `drainTimeoutMs`: a drain that outlasts it exits with status 1, so that a stuck job or
 * connection cannot keep a stopped process serving past what Compose and systemd allow
 * (their own grace periods are longer, so the process ends itself, with a log line, rather than
 * being killed). A second signal during the drain exits at once, with 128 + its number, as a
 * process killed by it would: that is what a person pressing ctrl-c twice means. A signal
 * within `echoWindowMs` of the first is the same stop, not a second one: a terminal's ctrl-c,
 * timeout(1) and `kill -- -PGID` signal the whole process group, so node gets the signal
 * itself and again from npm, which forwards its own to its child.
 */
export function gracefulStop(
  logger: Logger,
  drainTimeoutMs: number,
  exit: (code: number) => void = (code) => process.exit(code),
  echoWindowMs = 1_000,
): GracefulStop {
  const controller = new AbortController();
  let resolveRequested!: (reason: string) => void;
  const requested = new Promise<string>((resolve) => (resolveRequested = resolve));
  let deadline: NodeJS.Timeout | undefined;
  let firstAt = 0;

  const request = (reason: string) => {
    if (controller.signal.aborted) return;
    logger.info({ signal: reason, drainTimeoutMs }, 'shutting down: finishing active work');
    controller.abort(reason);
    firstAt = Date.now();
    deadline = setTimeout(() => {
      logger.error(
        { drainTimeoutMs },
        `still draining after DRAIN_TIMEOUT_MS (${drainTimeoutMs} ms): exiting now; ` +
          'jobs left unfinished are retried once their locks expire',
      );
      exit(1);
    }, drainTimeoutMs);
    resolveRequested(reason);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) return request(signal);
    if (Date.now() - firstAt < echoWindowMs)
      return logger.info({ signal }, `${signal} again within ${echoWindowMs} ms: the same stop (another one exits at once)`);
    logger.warn({ signal }, `second ${signal} while draining: exiting now`);
    exit(128 + constants.signals[signal]);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    requested,
    signal: controller.signal,
    request,
    done() {
      clearTimeout(deadline);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}
