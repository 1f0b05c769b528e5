import { open, readFile, rm, stat } from 'node:fs/promises';
import { isProcessAlive } from './process-alive.ts';

/** How long a lock may be held before another process may break it even if its owner lives. */
const STALE_AFTER_MS = 15 * 60_000;

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL, holding our pid), so two
 * processes running `services up` at once do not both start a server. A lock left by a dead
 * process is broken; waiting gives up after `timeoutMs` with an error naming the lock file.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, timeoutMs = 10 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await isStale(lockPath)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for lock ${lockPath}; if no other switchboard process is starting ` + `services, remove that file.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function isStale(lockPath: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    const owner = Number.parseInt(text, 10);
    // An empty file is a lock being written right now; only its age can make it stale.
    if (Number.isInteger(owner) && owner !== process.pid && !isProcessAlive(owner)) return true;
    return Date.now() - info.mtimeMs > STALE_AFTER_MS;
  } catch (err) {
    // Vanished between our open and read: the owner released it; retry at once.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
