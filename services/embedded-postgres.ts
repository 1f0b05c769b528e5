import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { appendFile, mkdir, open, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { aptInstall, canAptInstall, installHint } from './apt-install.ts';
import { findExecutable, postgresLibBinDirs } from './find-executable.ts';
import { acceptsConnections, choosePort } from './loopback-port.ts';
import { logTail } from './log-tail.ts';
import { isProcessRunning, waitForExit } from './process-alive.ts';
import { runCommand, type RunCommandOptions } from './run-command.ts';
import { assertTraversable, resolveServiceUser, type ServiceUser } from './service-user.ts';

/** Superuser created by initdb and the database the app uses; fixed so URLs never depend on the OS user. */
export const POSTGRES_USER = 'switchboard';
export const POSTGRES_DATABASE = 'switchboard';

/** A Postgres server found running on our cluster. */
export interface RunningPostgres {
  pid: number;
  port: number;
}

/** Where the embedded cluster keeps its files under a data dir. */
export function postgresPaths(dataDir: string) {
  return {
    clusterDir: join(dataDir, 'postgres'),
    socketDir: join(dataDir, 'postgres-run'),
    logFile: join(dataDir, 'postgres.log'),
  };
}

/** The connection URL of the app database on a given port. */
export function postgresUrl(port: number): string {
  return `postgres://${POSTGRES_USER}@127.0.0.1:${port}/${POSTGRES_DATABASE}`;
}

/**
 * The postmaster running on this data dir, read from its `postmaster.pid` (line 1 pid, line 4
 * port), or null when none runs. A stale file left by a crash names a dead pid and yields null.
 */
export function runningPostgres(dataDir: string): RunningPostgres | null {
  let lines: string[];
  try {
    lines = readFileSync(join(postgresPaths(dataDir).clusterDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(port) || !isProcessRunning(pid, 'postgres')) return null;
  return { pid, port };
}

/**
 * Makes sure the embedded Postgres runs and the app database exists: installs the server if
 * missing (root on Debian), runs initdb once, starts it detached so it outlives this process,
 * and waits until it accepts connections. Reuses a server already running on the cluster.
 */
export async function ensurePostgres(opts: {
  dataDir: string;
  savedPort: number | undefined;
  log: (msg: string) => void;
}): Promise<RunningPostgres> {
  const { dataDir, log } = opts;
  const paths = postgresPaths(dataDir);
  const already = runningPostgres(dataDir);
  if (already) {
    await createDatabase(already.port, paths.logFile);
    return already;
  }

  const binDir = await postgresBinDir(dataDir, log);
  const user = await resolveServiceUser(log);
  const asUser: RunCommandOptions = user ? { uid: user.uid, gid: user.gid, cwd: dataDir, env: envFor(user) } : { cwd: dataDir };

  await mkdir(paths.clusterDir, { recursive: true, mode: 0o700 });
  await mkdir(paths.socketDir, { recursive: true, mode: 0o700 });
  await (await open(paths.logFile, 'a')).close();
  if (user) {
    assertTraversable(dataDir, user);
    await ensureOwner([paths.clusterDir, paths.socketDir, paths.logFile], user);
  }

  if (!existsSync(join(paths.clusterDir, 'PG_VERSION'))) {
    await initCluster(binDir, paths.clusterDir, asUser, log);
  }

  const port = await choosePort(opts.savedPort);
  await writeSettings(paths.clusterDir, paths.socketDir, port, user);

  log(`starting postgres on 127.0.0.1:${port} (log: ${paths.logFile})`);
  const start = await runCommand(join(binDir, 'pg_ctl'), ['start', '-w', '-t', '60', '-D', paths.clusterDir, '-l', paths.logFile], {
    ...asUser,
    detached: true,
  });
  const running = runningPostgres(dataDir);
  if (start.code !== 0 || !running) {
    throw new Error(
      `Postgres did not start (pg_ctl exited with code ${start.code}):\n${start.output.trim()}\n` + (await logTail(paths.logFile)),
    );
  }
  await createDatabase(running.port, paths.logFile);
  return running;
}

/**
 * Stops the postmaster of this data dir with `pg_ctl stop -m fast` (falling back to SIGINT, the
 * same fast shutdown, when pg_ctl is gone), but only when it is the pid we recorded.
 */
export async function stopPostgres(dataDir: string, recordedPid: number, log: (msg: string) => void): Promise<boolean> {
  const running = runningPostgres(dataDir);
  if (!running) return false;
  if (running.pid !== recordedPid) {
    log(`not stopping postgres pid ${running.pid}: services.json recorded pid ${recordedPid}`);
    return false;
  }
  const { clusterDir, logFile } = postgresPaths(dataDir);
  const binDir = locateBinDir(clusterDir);
  log(`stopping postgres (pid ${running.pid})`);
  if (binDir) {
    const owner = statSync(clusterDir);
    const user = process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : {};
    const result = await runCommand(join(binDir, 'pg_ctl'), ['stop', '-m', 'fast', '-w', '-D', clusterDir], { ...user, cwd: dataDir });
    if (result.code !== 0 && runningPostgres(dataDir)) {
      throw new Error(`pg_ctl stop failed:\n${result.output.trim()}\n${await logTail(logFile)}`);
    }
  } else {
    process.kill(running.pid, 'SIGINT');
  }
  if (!(await waitForExit(running.pid, 30_000))) {
    throw new Error(`postgres pid ${running.pid} did not exit\n${await logTail(logFile)}`);
  }
  return true;
}

/** True when the postmaster runs and accepts TCP connections on its port. */
export async function postgresAcceptsConnections(port: number): Promise<boolean> {
  return acceptsConnections(port);
}

/**
 * Directory holding `initdb` and `pg_ctl`. A cluster must be run by the major version that
 * created it, so that version's Debian dir wins; then PATH (resolving Debian's symlinks so the
 * sibling `initdb`/`postgres` are found); then the highest installed version.
 */
function locateBinDir(clusterDir: string): string | null {
  const candidates: string[] = [];
  try {
    const major = readFileSync(join(clusterDir, 'PG_VERSION'), 'utf8').trim();
    candidates.push(join('/usr/lib/postgresql', major, 'bin'));
  } catch {
    // no cluster yet: any version will do
  }
  const pgCtl = findExecutable('pg_ctl');
  if (pgCtl) candidates.push(dirname(realpathSync(pgCtl)));
  candidates.push(...postgresLibBinDirs());
  return candidates.find((dir) => existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb'))) ?? null;
}

async function postgresBinDir(dataDir: string, log: (msg: string) => void): Promise<string> {
  const clusterDir = postgresPaths(dataDir).clusterDir;
  const found = locateBinDir(clusterDir);
  if (found) return found;
  if (canAptInstall()) {
    await aptInstall(['postgresql'], join(dataDir, 'apt-install.log'), log);
    const installed = locateBinDir(clusterDir);
    if (installed) return installed;
  }
  throw new Error(
    'Postgres server binaries (initdb, pg_ctl) were not found on PATH or in ' +
      `/usr/lib/postgresql/*/bin. Install them with \`${installHint('postgresql', 'postgresql@15')}\` ` +
      'and retry, or set DATABASE_URL to an existing server.',
  );
}

async function initCluster(binDir: string, clusterDir: string, asUser: RunCommandOptions, log: (msg: string) => void): Promise<void> {
  // initdb removes what it wrote when it fails, so leftovers without PG_VERSION are an
  // interrupted run (e.g. killed): clear them, or initdb refuses a non-empty directory.
  for (const entry of await readdir(clusterDir)) {
    await rm(join(clusterDir, entry), { recursive: true, force: true });
  }
  log(`initialising postgres cluster in ${clusterDir}`);
  const result = await runCommand(
    join(binDir, 'initdb'),
    // Trust auth on loopback only: a private dev cluster bound to 127.0.0.1 with no password.
    ['-D', clusterDir, '-U', POSTGRES_USER, '--auth=trust', '--encoding=UTF8', '--locale=C'],
    asUser,
  );
  if (result.code !== 0) throw new Error(`initdb failed (code ${result.code}):\n${result.output.trim()}`);
  await appendFile(
    join(clusterDir, 'postgresql.conf'),
    "\n# Per-start settings written by `switchboard services up`.\ninclude_if_exists 'switchboard.conf'\n",
  );
}

/**
 * Settings that may change between starts (the port) go in a file included from postgresql.conf
 * rather than on pg_ctl's `-o`, which passes through a shell and would mangle paths with spaces.
 */
async function writeSettings(clusterDir: string, socketDir: string, port: number, user: ServiceUser | null): Promise<void> {
  // Unix socket paths are limited to ~107 bytes; with a deep data dir fall back to TCP only
  // (everything here connects over TCP anyway).
  const socketPath = join(socketDir, `.s.PGSQL.${port}`);
  const sockets = Buffer.byteLength(socketPath) < 100 ? socketDir : '';
  const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;
  const file = join(clusterDir, 'switchboard.conf');
  await writeFile(
    file,
    [
      '# Written by `switchboard services up` before every start; edits are overwritten.',
      `listen_addresses = '127.0.0.1'`,
      `port = ${port}`,
      `unix_socket_directories = ${quote(sockets)}`,
      // Test files run in parallel, each with its own pools.
      'max_connections = 200',
      '',
    ].join('\n'),
  );
  if (user) await ensureOwner([file], user);
}

async function ensureOwner(paths: readonly string[], user: ServiceUser): Promise<void> {
  for (const path of paths) {
    const info = statSync(path);
    if (info.uid === user.uid && info.gid === user.gid) continue;
    const result = await runCommand('chown', ['-R', `${user.uid}:${user.gid}`, path]);
    if (result.code !== 0) throw new Error(`chown of ${path} failed:\n${result.output.trim()}`);
  }
}

function envFor(user: ServiceUser): NodeJS.ProcessEnv {
  // HOME/USER of root would point the tools at files they may not read.
  return { ...process.env, USER: user.name, LOGNAME: user.name, HOME: '/tmp' };
}

async function createDatabase(port: number, logFile: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const client = new pg.Client({ host: '127.0.0.1', port, user: POSTGRES_USER, database: 'postgres' });
    try {
      await client.connect();
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [POSTGRES_DATABASE]);
      if (found.rowCount === 0) {
        try {
          await client.query(`CREATE DATABASE ${POSTGRES_DATABASE}`);
        } catch (err) {
          // 42P04 duplicate_database: someone else created it in between; that is the goal.
          if ((err as { code?: string }).code !== '42P04') throw err;
        }
      }
      return;
    } catch (err) {
      lastError = err;
      // 57P03: "the database system is starting up"; connection refused while it binds.
      await new Promise((resolve) => setTimeout(resolve, 250));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`Postgres on port ${port} does not accept connections: ${(lastError as Error)?.message}\n` + (await logTail(logFile)));
}
