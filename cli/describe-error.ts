import { SwitchboardError } from '../core/errors.ts';
import { sqlState } from '../core/db/pg-errors.ts';

/** One clear line for an error a command met: ours as they are, infrastructure ones explained. */
export function describeError(error: unknown): string {
  if (error instanceof SwitchboardError) return error.message;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === '57P03') {
    return `cannot reach the database or Redis (${message}); is it running? (npx switchboard services up)`;
  }
  if (code === 'EADDRINUSE') {
    return `${message}: another program uses that port; choose others with INGRESS_PORT and SMTP_INGRESS_PORT`;
  }
  if (sqlState(error) === '42P01') return `the database schema is missing (${message}): run npx switchboard migrate`;
  return message;
}
