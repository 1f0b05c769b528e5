import { readFileSync } from 'node:fs';

/** True when a process with this pid exists (even if owned by another user). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The command line of a live process, or null when unknown. Used to check that a recorded pid
 * still is our server and not an unrelated process that reused the number.
 */
export function processCommandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return null;
  }
}

/** True when the pid is alive and, where /proc exists, its command line contains `needle`. */
export function isProcessRunning(pid: number, needle: string): boolean {
  if (!isProcessAlive(pid)) return false;
  const commandLine = processCommandLine(pid);
  // Without /proc (macOS) we cannot check identity; trust the pid.
  return commandLine === null || commandLine.includes(needle);
}

/** Waits until the process is gone, up to `timeoutMs`; returns whether it exited. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isProcessAlive(pid);
}
