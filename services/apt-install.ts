import { existsSync } from 'node:fs';
import { appendFile, rm, writeFile } from 'node:fs/promises';
import { findExecutable } from './find-executable.ts';
import { logTail } from './log-tail.ts';
import { runCommand } from './run-command.ts';

/** Debian's hook that tells package scripts whether they may start services. */
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/** True when we may install packages ourselves: root on Debian/Ubuntu with apt-get. */
export function canAptInstall(): boolean {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version') && findExecutable('apt-get') !== null;
}

/** The command a user should run to install a package, for error messages. */
export function installHint(aptPackage: string, brewPackage: string): string {
  if (existsSync('/etc/debian_version')) return `sudo apt-get install ${aptPackage}`;
  if (process.platform === 'darwin') return `brew install ${brewPackage}`;
  return `install ${aptPackage} with your system's package manager`;
}

/**
 * Installs Debian packages with apt-get, output appended to `logFile`. While installing, a
 * policy-rc.d that answers 101 ("action forbidden") stops the packages' postinst scripts from
 * starting system-wide servers (a redis on 6379, a "main" Postgres cluster): we run our own, and
 * without systemd such a start could fail and fail the whole install.
 */
export async function aptInstall(packages: readonly string[], logFile: string, log: (msg: string) => void): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const ownPolicy = !existsSync(POLICY_RC_D);
  if (ownPolicy) await writeFile(POLICY_RC_D, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    log(`installing ${packages.join(', ')} with apt-get (log: ${logFile})`);
    const steps: string[][] = [['update'], ['install', '-y', '--no-install-recommends', ...packages]];
    for (const args of steps) {
      const result = await runCommand('apt-get', args, { env });
      await appendFile(logFile, `$ apt-get ${args.join(' ')}\n${result.output}\n`);
      if (result.code !== 0) {
        throw new Error(`\`apt-get ${args.join(' ')}\` failed with code ${result.code}\n${await logTail(logFile)}`);
      }
    }
  } finally {
    if (ownPolicy) await rm(POLICY_RC_D, { force: true });
  }
}
