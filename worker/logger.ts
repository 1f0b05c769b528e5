import pino, { type Logger } from 'pino';
import type { LogLevel } from '../core/config/config.ts';

/** The process's structured logger: one JSON line per event, to stderr or to a file. */
export function createLogger(level: LogLevel, name: string, file?: string): Logger {
  return pino({ name, level }, pino.destination(file ? { dest: file, mkdir: true, append: true } : 2));
}
export type { Logger };
