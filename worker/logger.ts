import pino, { type Logger } from 'pino';
import type { LogLevel } from '../core/config/config.ts';

/** The process's structured logger: one JSON line per event, to stderr. */
export function createLogger(level: LogLevel, name: string): Logger {
  return pino({ name, level }, pino.destination(2));
}
export type { Logger };
