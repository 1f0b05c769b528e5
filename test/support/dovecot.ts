// A private dovecot IMAP server for tests: Debian's dovecot-imapd, installed with apt-get when
// missing (as root, like services/ installs Postgres and Redis), configured in a temp dir,
// listening on 127.0.0.1 on a free port with plaintext login (loopback only), and stopped by
// `stop()`. Mail is delivered with IMAP APPEND.
//
// Users: as root, the master runs as root (it must, to switch users) and drops to the
// package's own unprivileged accounts: `dovenull` for the login processes and `dovecot` for
// internal services and for the test mailbox's files. Not as root, everything runs as us.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { aptInstall, canAptInstall, installHint } from '../../services/apt-install.ts';
import { findExecutable } from '../../services/find-executable.ts';
import { withFileLock } from '../../services/file-lock.ts';
import { acceptsConnections, pickFreePort } from '../../services/loopback-port.ts';
import { runCommand } from '../../services/run-command.ts';

const SBIN = ['/usr/sbin', '/sbin'];

/** A running private dovecot with one mailbox user. */
export interface Dovecot {
  host: string;
  port: number;
  user: string;
  pass: string;
  /** `imap://user:pass@127.0.0.1:port/<mailbox>` (default INBOX). */
  url(mailbox?: string, credentials?: { user?: string; pass?: string }): string;
  /** A logged-in IMAP client for the test user (the caller logs out). */
  connect(): Promise<ImapFlow>;
  /** APPENDs raw messages to a mailbox of the test user (default INBOX). */
  append(raw: string | Buffer, mailbox?: string): Promise<void>;
  /** dovecot's log, for failure messages. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** The path of the dovecot binary, installing Debian's dovecot-imapd first when it is missing. */
export async function ensureDovecot(log: (msg: string) => void = () => {}): Promise<string> {
  const found = findExecutable('dovecot', SBIN);
  if (found) return found;
  if (!canAptInstall()) {
    throw new Error(`the IMAP tests need dovecot (Debian's dovecot-imapd): ${installHint('dovecot-imapd', 'dovecot')}`);
  }
  // Test files run in parallel processes: one installs, the others wait and find it.
  return withFileLock(join(tmpdir(), 'switchboard-dovecot-install.lock'), async () => {
    const again = findExecutable('dovecot', SBIN);
    if (again) return again;
    await aptInstall(['dovecot-imapd'], join(tmpdir(), 'switchboard-dovecot-install.log'), log);
    const installed = findExecutable('dovecot', SBIN);
    if (!installed) throw new Error('apt-get installed dovecot-imapd but no dovecot binary was found');
    return installed;
  });
}

async function lookupUser(name: string): Promise<{ uid: number; gid: number } | null> {
  const result = await runCommand('getent', ['passwd', name]);
  if (result.code !== 0) return null;
  const [, , uid, gid] = result.output.trim().split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Starts a private dovecot with one user (`tester` and a random password). */
export async function startDovecot(options: { log?: (msg: string) => void } = {}): Promise<Dovecot> {
  const binary = await ensureDovecot(options.log);
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-dovecot-'));
  // The unprivileged processes must reach the config, the users file and the mail.
  await chmod(dir, 0o755);
  const root = process.getuid?.() === 0;
  const me = userInfo();
  const loginUser = root ? 'dovenull' : me.username;
  const internalUser = root ? 'dovecot' : me.username;
  const mailOwner = root ? await lookupUser(internalUser) : { uid: me.uid, gid: me.gid };
  if (!mailOwner || (root && !(await lookupUser(loginUser)))) {
    throw new Error(`dovecot's system users (${loginUser}, ${internalUser}) are missing: reinstall dovecot-core`);
  }
  const user = 'tester';
  const pass = randomBytes(9).toString('hex');
  const home = join(dir, 'mail', user);
  await mkdir(home, { recursive: true });
  for (const path of [join(dir, 'mail'), home]) await chown(path, mailOwner.uid, mailOwner.gid);
  await mkdir(join(dir, 'run'));
  await mkdir(join(dir, 'state'));
  await writeFile(join(dir, 'users'), `${user}:{PLAIN}${pass}:${mailOwner.uid}:${mailOwner.gid}::${home}::\n`, { mode: 0o644 });
  const port = await pickFreePort();
  const logPath = join(dir, 'dovecot.log');
  const config = join(dir, 'dovecot.conf');
  await writeFile(
    config,
    [
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/state`,
      `instance_name = switchboard-test-${port}`,
      'protocols = imap',
      'listen = 127.0.0.1',
      // Loopback only, so plaintext login is fine: the poller's TLS path is imapflow's own.
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      // The bad-credentials test need not wait dovecot's default 2 s.
      'auth_failure_delay = 0',
      `log_path = ${logPath}`,
      `info_log_path = ${logPath}`,
      `default_login_user = ${loginUser}`,
      `default_internal_user = ${internalUser}`,
      `first_valid_uid = ${mailOwner.uid}`,
      `last_valid_uid = ${mailOwner.uid}`,
      'mail_location = maildir:~/Maildir',
      'namespace inbox {',
      '  inbox = yes',
      '  separator = /',
      '}',
      'passdb {',
      '  driver = passwd-file',
      `  args = scheme=PLAIN username_format=%u ${dir}/users`,
      '}',
      'userdb {',
      '  driver = passwd-file',
      `  args = username_format=%u ${dir}/users`,
      '}',
      'service imap-login {',
      '  chroot =',
      '  inet_listener imap {',
      '    address = 127.0.0.1',
      `    port = ${port}`,
      '  }',
      '  inet_listener imaps {',
      '    port = 0',
      '  }',
      '}',
      'service anvil {',
      '  chroot =',
      '}',
      '',
    ].join('\n'),
  );
  // -F: stay in the foreground as our child, so stop() (or our exit) ends it.
  const child: ChildProcess = spawn(binary, ['-F', '-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const readLog = () => readFile(logPath, 'utf8').catch(() => '');
  const deadline = Date.now() + 15_000;
  while (!(await acceptsConnections(port, 500))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`dovecot did not start on 127.0.0.1:${port}:\n${stderr}${await readLog()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const host = '127.0.0.1';
  const connect = async () => {
    const client = new ImapFlow({ host, port, secure: false, auth: { user, pass }, logger: false, disableAutoIdle: true });
    client.on('error', () => {});
    await client.connect();
    return client;
  };
  return {
    host,
    port,
    user,
    pass,
    url(mailbox = 'INBOX', credentials = {}) {
      const u = encodeURIComponent(credentials.user ?? user);
      const p = encodeURIComponent(credentials.pass ?? pass);
      return `imap://${u}:${p}@${host}:${port}/${mailbox.split('/').map(encodeURIComponent).join('/')}`;
    },
    connect,
    async append(raw, mailbox = 'INBOX') {
      const client = await connect();
      try {
        await client.append(mailbox, raw);
      } finally {
        await client.logout();
      }
    },
    log: readLog,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
