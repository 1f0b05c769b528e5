// Switchboard's real processes (`switchboard ingress`, `switchboard worker`), spawned the way
// ops run them, so that a fault can kill one with SIGKILL and start another in its place.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../bin/switchboard.mjs', import.meta.url));

export interface SwitchboardProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | NodeJS.Signals | null>;
  /** Resolves when the log shows the process is up (or rejects if it exits first). */
  ready: Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

/** Spawns `switchboard <args>` with `env`; its stderr log goes to `logFile`. */
export function spawnSwitchboard(
  name: string,
  args: string[],
  env: Record<string, string>,
  logFile: string,
  readyText: string,
): SwitchboardProcess {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  log.write(`--- ${new Date().toISOString()} ${name}: switchboard ${args.join(' ')} (pid ${child.pid})\n`);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  let seen = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (seen !== null) {
        seen = (seen + chunk.toString()).slice(-4096);
        if (seen.includes(readyText)) resolve();
      }
    });
    void exited.then((how) => reject(new Error(`${name} exited (${String(how)}) before it was ready; see ${logFile}`)));
  });
  ready.catch(() => {});
  return {
    name,
    child,
    exited,
    ready,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const how = await exited;
      log.end();
      return how;
    },
  };
}
