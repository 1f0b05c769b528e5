import { readFile } from 'node:fs/promises';
import { ValidationError } from '../core/errors.ts';

/** Why a file could not be read, in one line for the person who named it. */
function unreadable(file: string, error: unknown): ValidationError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES'
          ? 'permission denied'
          : (error as Error).message;
  return new ValidationError(`cannot read ${file}: ${why}`);
}

/** The bytes of `file`, or of stdin for `-` or none (refused on a terminal: nothing is piped). */
export async function readInput(file: string | undefined): Promise<Buffer> {
  if (file && file !== '-') return readFile(file).catch((error: unknown) => Promise.reject(unreadable(file, error)));
  if (process.stdin.isTTY) throw new ValidationError('nothing is piped in: give a file, or pipe the text in and name the file -');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
