import type { Command } from 'commander';
import { contactHistory } from '../../core/contacts/contact-history.ts';
import { action } from '../action.ts';
import { itemTable } from './inbox-command.ts';

/** `switchboard contact history EMAIL`. */
export function registerContact(program: Command): void {
  const contact = program.command('contact').description('the people who chat and write to a property');
  contact
    .command('history')
    .argument('<email>')
    .description('every conversation and ticket of a contact, oldest first')
    .action(
      action(async (ctx, email: string) => {
        const property = await ctx.property();
        const history = await contactHistory(await ctx.db(), property.id, email);
        ctx.print(history, () => {
          const c = history.contact;
          const head = `${c.name ?? ''} <${c.email}>${c.bouncing ? '  [address bouncing]' : ''}`.trim();
          return `${head}\n\n${history.items.length ? itemTable(history.items) : 'no conversations or tickets'}`;
        });
      }),
    );
}
