import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What `services up` started, saved as `<dataDir>/services.json` for other commands to find. */
export interface ServicesState {
  databaseUrl: string;
  redisUrl: string;
  postgres: { pid: number; port: number; dataDir: string };
  redis: { pid: number; port: number };
}

/** Path of the state file inside a data dir. */
export function servicesStatePath(dataDir: string): string {
  return join(dataDir, 'services.json');
}

/** The saved state of the embedded services, or null when `services up` never ran there. */
export async function readServicesState(dataDir: string): Promise<ServicesState | null> {
  let text: string;
  try {
    text = await readFile(servicesStatePath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<ServicesState>;
  // A hand-edited or truncated file is treated as absent rather than trusted half-way.
  if (!parsed.databaseUrl || !parsed.redisUrl || !parsed.postgres || !parsed.redis) return null;
  return parsed as ServicesState;
}

/** Writes the state file atomically, so a concurrent reader never sees half a file. */
export async function writeServicesState(dataDir: string, state: ServicesState): Promise<void> {
  const target = servicesStatePath(dataDir);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, target);
}
