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
