import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Full path of `name` on PATH (or in `extraDirs`), or null when absent. */
export function findExecutable(name: string, extraDirs: readonly string[] = []): string | null {
  // `process.env.PATH` is the OS search path, not app configuration: reading it here is the
  // same lookup a shell would do.
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs].filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

/**
 * Debian installs server binaries such as `initdb` under `/usr/lib/postgresql/<major>/bin`, off
 * PATH; returns those bin dirs, highest major version first.
 */
export function postgresLibBinDirs(): string[] {
  let versions: string[];
  try {
    versions = readdirSync('/usr/lib/postgresql');
  } catch {
    return [];
  }
  return versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    .map((v) => join('/usr/lib/postgresql', v, 'bin'));
}
