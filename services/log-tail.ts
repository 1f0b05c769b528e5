import { readFile } from 'node:fs/promises';

/** The last `lines` lines of a log file, or a note saying it cannot be read; for error messages. */
export async function logTail(path: string, lines = 30): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
    return `--- last lines of ${path} ---\n${tail}`;
  } catch (err) {
    return `(could not read ${path}: ${(err as Error).message})`;
  }
}
