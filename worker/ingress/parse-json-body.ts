import { HttpError } from './http-error.ts';

/** Parses a raw body as JSON; a 400 "malformed JSON: ..." saying where it broke otherwise. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new HttpError(400, 'malformed_json', 'malformed JSON: the body is empty');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, 'malformed_json', `malformed JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
