import { sqlState } from '../../core/db/pg-errors.ts';

// Socket-level failures of the pg driver when Postgres is down or unreachable.
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * True when an error means "Postgres cannot be reached or cannot serve now" (as opposed to a
 * bug or bad input): connection refused or lost, SQLSTATE class 08 (connection exception),
 * 53 (insufficient resources, e.g. too many connections) or 57P0x (shutting down, starting up).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = sqlState(error);
  if (code && (networkCodes.has(code) || /^(08|53|57P0)/.test(code))) return true;
  // Connecting to "localhost" tries ::1 and 127.0.0.1 and fails with both errors at once.
  if (error instanceof AggregateError && error.errors.some(isDatabaseUnavailable)) return true;
  return /Connection terminated|timeout exceeded when trying to connect/i.test(error.message);
}
