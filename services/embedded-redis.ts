import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { aptInstall, canAptInstall, installHint } from './apt-install.ts';
import { findExecutable } from './find-executable.ts';
import { choosePort } from './loopback-port.ts';
import { logTail } from './log-tail.ts';
import { isProcessRunning, processCommandLine, waitForExit } from './process-alive.ts';
import { runCommand } from './run-command.ts';

/** A Redis server found running on our data dir. */
export interface RunningRedis {
  pid: number;
  port: number;
}

/** Where the embedded Redis keeps its files under a data dir. */
export function redisPaths(dataDir: string) {
  const dir = join(dataDir, 'redis');
  return { dir, pidFile: join(dir, 'redis.pid'), logFile: join(dataDir, 'redis.log') };
}

/** The connection URL of a Redis on a given port. */
export function redisUrl(port: number): string {
  return `redis://127.0.0.1:${port}`;
}

/**
 * The redis-server of this data dir (from its pidfile), or null. The port comes from the process
 * title (`redis-server 127.0.0.1:PORT`), else from the port we saved.
 */
export function runningRedis(dataDir: string, savedPort: number | undefined): RunningRedis | null {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(redisPaths(dataDir).pidFile, 'utf8'), 10);
  } catch {
    return null;
  }
  if (!isProcessRunning(pid, 'redis-server')) return null;
  const fromTitle = /127\.0\.0\.1:(\d+)/.exec(processCommandLine(pid) ?? '')?.[1];
  const port = fromTitle ? Number(fromTitle) : savedPort;
  return port ? { pid, port } : null;
}

/**
 * Makes sure the embedded Redis runs (AOF on, noeviction as BullMQ requires): installs
 * redis-server if missing (root on Debian), starts it daemonized so it outlives this process,
 * and waits until it answers PING. Reuses a server already running on the data dir.
 */
export async function ensureRedis(opts: {
  dataDir: string;
  savedPort: number | undefined;
  log: (msg: string) => void;
}): Promise<RunningRedis> {
  const { dataDir, log } = opts;
  const paths = redisPaths(dataDir);
  const already = runningRedis(dataDir, opts.savedPort);
  if (already) {
    await waitForPong(already.port, paths.logFile);
    return already;
  }

  const binary = await redisBinary(dataDir, log);
  await mkdir(paths.dir, { recursive: true });
  await rm(paths.pidFile, { force: true });
  const port = await choosePort(opts.savedPort);
  log(`starting redis on 127.0.0.1:${port} (log: ${paths.logFile})`);
  const start = await runCommand(
    binary,
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      paths.dir,
      '--appendonly',
      'yes',
      // BullMQ loses jobs silently if Redis evicts keys.
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'yes',
      '--pidfile',
      paths.pidFile,
      '--logfile',
      paths.logFile,
    ],
    { cwd: paths.dir, detached: true },
  );
  if (start.code !== 0) {
    throw new Error(`redis-server did not start (code ${start.code}):\n${start.output.trim()}\n` + (await logTail(paths.logFile)));
  }
  await waitForPong(port, paths.logFile);
  const running = runningRedis(dataDir, port);
  if (!running) {
    throw new Error(`redis-server answered but wrote no pidfile ${paths.pidFile}\n${await logTail(paths.logFile)}`);
  }
  return running;
}

/** Stops the redis-server of this data dir with SIGTERM (it persists the AOF), if it is the pid we recorded. */
export async function stopRedis(dataDir: string, recorded: { pid: number; port: number }, log: (msg: string) => void): Promise<boolean> {
  const running = runningRedis(dataDir, recorded.port);
  if (!running) return false;
  if (running.pid !== recorded.pid) {
    log(`not stopping redis pid ${running.pid}: services.json recorded pid ${recorded.pid}`);
    return false;
  }
  log(`stopping redis (pid ${running.pid})`);
  process.kill(running.pid, 'SIGTERM');
  if (!(await waitForExit(running.pid, 30_000))) {
    throw new Error(`redis pid ${running.pid} did not exit\n${await logTail(redisPaths(dataDir).logFile)}`);
  }
  return true;
}

/** Sends PING over a raw socket and returns the first reply line (e.g. `+PONG`), or null. */
export function redisPing(port: number, timeoutMs = 1000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let reply = '';
    const finish = (line: string | null) => {
      socket.destroy();
      resolve(line);
    };
    socket.setTimeout(timeoutMs, () => finish(null));
    socket.once('error', () => finish(null));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      const end = reply.indexOf('\r\n');
      if (end >= 0) finish(reply.slice(0, end));
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

async function waitForPong(port: number, logFile: string): Promise<void> {
  // Generous: a large AOF is replayed before Redis answers (it says -LOADING meanwhile).
  const deadline = Date.now() + 60_000;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await redisPing(port);
    if (last === '+PONG') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Redis on port ${port} does not answer PING (last reply: ${last ?? 'none'})\n${await logTail(logFile)}`);
}

async function redisBinary(dataDir: string, log: (msg: string) => void): Promise<string> {
  const extra = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/opt/homebrew/bin'];
  const found = findExecutable('redis-server', extra);
  if (found) return found;
  if (canAptInstall()) {
    await aptInstall(['redis-server'], join(dataDir, 'apt-install.log'), log);
    const installed = findExecutable('redis-server', extra);
    if (installed) return installed;
  }
  throw new Error(
    `redis-server is not installed. Install it with \`${installHint('redis-server', 'redis')}\` ` +
      'and retry, or set REDIS_URL to an existing server.',
  );
}
