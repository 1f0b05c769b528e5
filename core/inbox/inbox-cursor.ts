import { ValidationError } from '../errors.ts';

/** Where a page ended: the last row's sort value (as Postgres printed it), kind rank and id. */
export interface CursorPosition {
  value: string;
  rank: number;
  id: string;
}

/** Encodes a keyset position together with the sort it belongs to. */
export function encodeCursor(sortKey: string, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([sortKey, position.value, position.rank, position.id])).toString('base64url');
}

/** Decodes a cursor, refusing one that is malformed or was made for another sort. */
export function decodeCursor(cursor: string, sortKey: string): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('the cursor is malformed; start again from the first page');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw new ValidationError('the cursor is malformed; start again from the first page');
  const [key, value, rank, id] = parsed as unknown[];
  if (key !== sortKey) throw new ValidationError('the cursor belongs to a different sort order; start again from the first page');
  if (typeof value !== 'string' || (rank !== 0 && rank !== 1) || typeof id !== 'string' || !/^\d{1,19}$/.test(id)) {
    throw new ValidationError('the cursor is malformed; start again from the first page');
  }
  return { value, rank, id };
}
