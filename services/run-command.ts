import { spawn } from 'node:child_process';

/** Options for {@link runCommand}. */
export interface RunCommandOptions {
  /** Run as this user/group (only possible when we are root). */
  uid?: number;
  gid?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Start in its own process group, so a server it forks is not hit by a Ctrl-C aimed at us and
   * outlives this Node process.
   */
  detached?: boolean;
}

/** Exit code and combined stdout+stderr of a finished command. */
export interface CommandResult {
  code: number;
  output: string;
}

/** Runs a command to completion, capturing its output; rejects only when it cannot be spawned. */
export function runCommand(command: string, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      uid: options.uid,
      gid: options.gid,
      detached: options.detached ?? false,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

/** Like {@link runCommand} but throws an Error with the command and its output on non-zero exit. */
export async function runChecked(command: string, args: readonly string[], options: RunCommandOptions = {}): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    throw new Error(`\`${[command, ...args].join(' ')}\` exited with code ${result.code}:\n${result.output.trim()}`);
  }
  return result.output;
}
