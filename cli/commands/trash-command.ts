import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { SwitchboardError } from '../../core/errors.ts';
import { deletePermanently, listTrash, moveToTrash, restoreFromTrash } from '../../core/inbox/trash.ts';
import { action } from '../action.ts';
import { itemTable } from './inbox-command.ts';

/** Asks y/N on a terminal; without one, only --yes confirms. */
async function confirm(question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) throw new SwitchboardError('needs_confirmation', `${question} Not on a terminal: pass --yes to confirm.`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** `switchboard trash ID | trash list | trash delete ID` and `switchboard restore ID`. */
export function registerTrash(program: Command): void {
  program
    .command('trash')
    .description('move an item to the trash (trash ID), list the trash (trash list), or delete from it for good (trash delete ID)')
    .argument('<what...>', 'ID | list | delete ID | restore ID')
    .option('--yes', 'confirm deleting permanently without asking')
    .action(
      action(async (ctx, words: string[], opts: { yes?: boolean }) => {
        const db = await ctx.db();
        const property = await ctx.property();
        const [verb, ref, ...extra] = words;
        if (verb === 'list' && !ref) {
          const items = await listTrash(db, property.id);
          ctx.print(items, () => (items.length ? itemTable(items) : 'the trash is empty'));
        } else if (verb === 'delete' && ref && extra.length === 0) {
          if (!(await confirm(`Delete ${ref} and all its messages permanently? This cannot be undone.`, opts.yes))) {
            process.stderr.write('nothing deleted\n');
            return;
          }
          await deletePermanently(db, property.id, ref);
          ctx.print({ deleted: ref }, () => `${ref} deleted permanently`);
        } else if (verb === 'restore' && ref && extra.length === 0) {
          await restoreFromTrash(db, property.id, ref);
          ctx.print({ restored: ref }, () => `${ref} restored`);
        } else if (verb && !ref && !['list', 'delete', 'restore'].includes(verb)) {
          await moveToTrash(db, property.id, verb);
          ctx.print({ trashed: verb }, () => `${verb} moved to the trash (switchboard restore ${verb} brings it back)`);
        } else {
          throw new SwitchboardError('usage', 'usage: switchboard trash ID | trash list | trash delete ID [--yes] | trash restore ID');
        }
      }),
    );
  program
    .command('restore')
    .argument('<id>', 'C<n> or T<n>')
    .description('bring an item back from the trash, unchanged')
    .action(
      action(async (ctx, ref: string) => {
        const property = await ctx.property();
        await restoreFromTrash(await ctx.db(), property.id, ref);
        ctx.print({ restored: ref }, () => `${ref} restored`);
      }),
    );
}
