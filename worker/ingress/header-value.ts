import type { IncomingMessage } from 'node:http';

/** One request header as a trimmed string; undefined when absent or empty. */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const raw = req.headers[name.toLowerCase()];
  const value = (Array.isArray(raw) ? raw.join(',') : raw)?.trim();
  return value ? value : undefined;
}
