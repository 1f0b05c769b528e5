import { SwitchboardError } from '../../core/errors.ts';
import { isDatabaseUnavailable } from './database-unavailable.ts';

/**
 * An answer other than success, with the status, a stable code and a message for the
 * sender. Every rejection of the ingress goes through one of these, so every error body has
 * the same shape: {"error": {"code", "message"}}.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** HTTP status of each core error code; codes not listed are our fault (500). */
const statusOfCode: Record<string, number> = {
  invalid_input: 400,
  bad_signature: 401,
  not_found: 404,
  invalid_state: 409,
};

/** Maps whatever a route threw onto the HTTP answer: typed errors keep their code and message. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof SwitchboardError && statusOfCode[error.code])
    return new HttpError(statusOfCode[error.code]!, error.code, error.message);
  // The sender must retry later: nothing was stored, so a 503 acknowledges nothing.
  if (isDatabaseUnavailable(error))
    return new HttpError(503, 'database_unavailable', 'the database is unavailable: nothing was stored, retry later', {
      'Retry-After': '5',
    });
  return new HttpError(500, 'internal', 'internal error (logged): nothing was acknowledged, retry later');
}
