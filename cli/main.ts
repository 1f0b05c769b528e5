import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { SwitchboardError } from '../core/errors.ts';
import { registerContact } from './commands/contact-command.ts';
import { registerDemo } from './commands/demo-command.ts';
import { registerDirectory } from './commands/directory-command.ts';
import { registerHours } from './commands/hours-command.ts';
import { registerInbox } from './commands/inbox-command.ts';
import { registerItemActions } from './commands/item-commands.ts';
import { registerMail } from './commands/mail-commands.ts';
import { registerMigrate } from './commands/migrate-command.ts';
import { registerProcesses } from './commands/process-commands.ts';
import { registerProperty } from './commands/property-command.ts';
import { registerReport } from './commands/report-command.ts';
import { registerServices } from './commands/services-command.ts';
import { registerSetup } from './commands/setup-commands.ts';
import { registerTargets } from './commands/targets-command.ts';
import { registerTrash } from './commands/trash-command.ts';
import { registerTui } from './commands/tui-command.ts';
import { describeError } from './describe-error.ts';
import type { ProcessStarters } from '../core/config/process-roles.ts';

// The CLI: one command per file under commands/, each a thin layer that parses arguments,
// calls core/ and prints (a table for people, --json for scripts). Its entry point
// (bin/main.ts) passes in what starts the long-running processes, so cli/ never imports worker/.

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** Runs the `switchboard` command on `process.argv`; a failure exits the process with its code. */
export async function runCli({ runProcesses }: ProcessStarters): Promise<void> {
  const program = new Command('switchboard')
    .description('Switchboard: the shared inbox of a live-chat product, its workers and its dashboard')
    .version(version, '-V, --version', 'print the version')
    .option('-p, --property <slug>', 'the property to act on (default: SWITCHBOARD_PROPERTY, or the only one)')
    .option('--json', 'print JSON for scripts')
    .exitOverride();

  registerSetup(program, runProcesses);
  registerServices(program);
  registerProcesses(program, runProcesses);
  registerDemo(program);
  registerMigrate(program);
  registerProperty(program);
  registerDirectory(program);
  registerHours(program);
  registerTargets(program);
  registerReport(program);
  registerInbox(program);
  registerItemActions(program);
  registerTrash(program);
  registerContact(program);
  registerMail(program);
  registerTui(program);

  // A usage error is its line and where to read more, not the whole help: each command points
  // to its own --help (set once all exist; commander copies settings only into later commands).
  (function pointToHelp(command: Command, path: string): void {
    command.showHelpAfterError(`(see: ${path} --help)`);
    for (const sub of command.commands) pointToHelp(sub, `${path} ${sub.name()}`);
  })(program, program.name());

  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    process.stderr.write(`error: ${describeError(error)}\n`);
    if (process.env.LOG_LEVEL === 'debug' && error instanceof Error && !(error instanceof SwitchboardError))
      process.stderr.write(`${error.stack}\n`);
    process.exit(error instanceof SwitchboardError ? 1 : 70);
  }
}
