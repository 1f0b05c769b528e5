import type { ServerResponse } from 'node:http';
import type { Answer } from '../ops-endpoints.ts';
import type { HttpError } from './http-error.ts';

/** Writes a complete answer a route made: status, content type and body in one go. */
export function sendAnswer(res: ServerResponse, answer: Answer, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(answer.status, {
    'Content-Type': answer.contentType,
    'Content-Length': String(Buffer.byteLength(answer.body)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(answer.body);
}

/** Writes a complete JSON answer: status, headers and body in one go. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Writes an error answer as {"error": {"code", "message"}}. */
export function sendError(res: ServerResponse, error: HttpError, headers: Record<string, string> = {}): void {
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, { ...error.headers, ...headers });
}
