import { constants, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { findExecutable } from './find-executable.ts';
import { runChecked, runCommand } from './run-command.ts';

/** An OS account a server runs as. */
export interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
}

/** Account created for Postgres when the machine has no `postgres` user. */
const FALLBACK_USER = 'switchboard';

/**
 * The non-root account Postgres must run as when we are root (postgres refuses to run as root):
 * the system `postgres` user if it exists, else a `switchboard` system user created here.
 * Returns null when we are not root — then the server simply runs as us.
 */
export async function resolveServiceUser(log: (msg: string) => void): Promise<ServiceUser | null> {
  if (process.getuid?.() !== 0) return null;
  const existing = (await lookupUser('postgres')) ?? (await lookupUser(FALLBACK_USER));
  if (existing) return existing;
  const useradd = findExecutable('useradd', ['/usr/sbin', '/sbin']);
  if (!useradd) {
    throw new Error(
      `Postgres cannot run as root and there is no "postgres" user; create one ` + `(e.g. \`useradd -r -U ${FALLBACK_USER}\`) and retry.`,
    );
  }
  log(`creating system user "${FALLBACK_USER}" to run Postgres`);
  await runChecked(useradd, ['-r', '-U', '-M', '-s', '/usr/sbin/nologin', FALLBACK_USER]);
  const created = await lookupUser(FALLBACK_USER);
  if (!created) throw new Error(`useradd succeeded but user "${FALLBACK_USER}" is not visible`);
  return created;
}

async function lookupUser(name: string): Promise<ServiceUser | null> {
  // getent also sees NSS users (LDAP, sssd); /etc/passwd is the fallback where it is missing.
  let line: string | undefined;
  if (findExecutable('getent')) {
    const result = await runCommand('getent', ['passwd', name]);
    line = result.code === 0 ? result.output.trim() : undefined;
  } else {
    const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
    line = passwd.split('\n').find((entry) => entry.startsWith(`${name}:`));
  }
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

/**
 * Throws a clear error when `user` cannot reach `dir` because an ancestor lacks execute
 * permission for it (a repo under /root, which is 0700, is the usual case): postgres would
 * otherwise fail with a terse "could not change directory" in its log.
 */
export function assertTraversable(dir: string, user: ServiceUser): void {
  const chain: string[] = [];
  for (let current = resolve(dir); ; current = dirname(current)) {
    chain.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const current of chain) {
    const info = statSync(current);
    const mode = info.mode;
    const allowed =
      info.uid === user.uid ? mode & constants.S_IXUSR : info.gid === user.gid ? mode & constants.S_IXGRP : mode & constants.S_IXOTH;
    if (!allowed) {
      throw new Error(
        `Postgres runs as the non-root user "${user.name}", which cannot enter ${current} ` +
          `(mode ${(mode & 0o777).toString(8)}, owner uid ${info.uid}), so it cannot reach its ` +
          `data dir ${dir}. Either allow it to pass through (\`chmod o+x ${current}\`) or use a ` +
          `data dir outside ${current}.`,
      );
    }
  }
}
