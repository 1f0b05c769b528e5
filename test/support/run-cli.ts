import { expect } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childEnv } from './child-env.ts';

const bin = fileURLToPath(new URL('../../bin/switchboard.mjs', import.meta.url));

/** Runs the real `switchboard` command with the given environment; never throws on exit codes. */
export function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: childEnv(env) }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** What a refusal of the CLI must be: one line on stderr in the user's words, exit 1, nothing on stdout, no stack or column name. */
export function expectOneLineError(result: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at |_seconds|\[object Object\]/);
  expect(result.code).toBe(1);
}
