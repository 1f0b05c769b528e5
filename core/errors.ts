/**
 * The typed errors of Switchboard. Each has a stable `code` so that the CLI, the ingress and
 * the workers can map it (exit status, HTTP status, retry or not) without parsing messages.
 */
export class SwitchboardError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** An id that does not exist, or exists in another property (never say which). */
export class NotFoundError extends SwitchboardError {
  constructor(message: string) {
    super('not_found', message);
  }
}

/** An action that the item's current state forbids, e.g. closing a closed chat. */
export class InvalidStateError extends SwitchboardError {
  constructor(message: string) {
    super('invalid_state', message);
  }
}

/** Input that can never succeed as given: a bad filter, a malformed cursor, a bad setting. */
export class ValidationError extends SwitchboardError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

/** A configuration value that stops start-up; the message names the variable. */
export class ConfigError extends SwitchboardError {
  constructor(message: string) {
    super('bad_config', message);
  }
}

/** A delivery the other side refused for good (HTTP 4xx, SMTP 5xx): retrying cannot help. */
export class DeliveryRefusedError extends SwitchboardError {
  constructor(message: string) {
    super('delivery_refused', message);
  }
}

/** True for errors that no retry can fix: bad input, unknown ids, wrong state, a refusal. */
export function isPermanent(error: unknown): boolean {
  return (
    error instanceof SwitchboardError &&
    ['not_found', 'invalid_state', 'invalid_input', 'delivery_refused', 'bad_config', 'unparseable'].includes(error.code)
  );
}

/**
 * A job's row is not visible: jobs are queued inside the transaction that makes their row, so
 * a fast worker can look before that commits. Retried with backoff; if the transaction
 * rolled back instead, the job fails after its attempts and nothing was lost.
 */
export class NotVisibleYetError extends SwitchboardError {
  constructor(message: string) {
    super('not_visible_yet', message);
  }
}
