import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { Database } from '../../core/db/schema.ts';
import { addTag, assignItem, closeItem, markPending, removeTag, reopenItem, setPriority } from '../../core/inbox/item-actions.ts';
import { showItem } from '../../core/inbox/item-detail.ts';
import { convertItem } from '../../core/tickets/convert-conversation.ts';
import { action } from '../action.ts';

type Act = (db: Kysely<Database>, propertyId: string, ref: string, ...rest: string[]) => Promise<void>;

/** Registers one item action: runs it, then prints the item's new state (JSON or a line). */
function itemAction(program: Command, name: string, args: string[], description: string, act: Act, done: string): void {
  const command = program.command(name).description(description).argument('<id>', 'C<n> or T<n>');
  for (const arg of args) command.argument(`<${arg}>`);
  command.action(
    action(async (ctx, ref: string, ...rest: string[]) => {
      const db = await ctx.db();
      const property = await ctx.property();
      await act(db, property.id, ref, ...rest);
      const { item } = await showItem(db, property.id, ref);
      ctx.print(item, () => `${item.ref} ${done.replace('%', rest.join(' '))}`);
    }),
  );
}

/** The inbox actions on one item: assign, unassign, close, reopen, pending, priority, tag, untag. */
export function registerItemActions(program: Command): void {
  itemAction(program, 'assign', ['agent'], 'assign an item to an agent (email, name or id)', (db, p, r, agent) => assignItem(db, p, r, agent!), 'assigned to %');
  itemAction(program, 'unassign', [], 'remove the assignee', (db, p, r) => assignItem(db, p, r, null), 'unassigned');
  itemAction(program, 'close', [], 'close an item', closeItem, 'closed');
  itemAction(program, 'reopen', [], 'reopen a closed item (or a pending ticket)', reopenItem, 'reopened');
  itemAction(program, 'pending', [], 'mark a ticket pending (waiting on the visitor)', markPending, 'pending');
  itemAction(program, 'priority', ['level'], 'set priority: low, normal, high, urgent', (db, p, r, level) => setPriority(db, p, r, level!), 'priority %');
  itemAction(program, 'tag', ['tag'], 'add a tag (created if new)', (db, p, r, tag) => addTag(db, p, r, tag!), 'tagged %');
  itemAction(program, 'untag', ['tag'], 'remove a tag', (db, p, r, tag) => removeTag(db, p, r, tag!), 'untagged %');
  program
    .command('convert')
    .argument('<id>', 'C<n>: a conversation with a visitor email')
    .description('turn a conversation into a ticket (once: converting again shows the same ticket)')
    .action(
      action(async (ctx, ref: string) => {
        const property = await ctx.property();
        const { ticket, created } = await convertItem(await ctx.db(), await ctx.jobs(), property.id, ref);
        const detail = await showItem(await ctx.db(), property.id, `T${ticket.number}`);
        ctx.print({ ...detail.item, created }, () => (created ? `${ref} became ticket T${ticket.number}; acknowledgement email queued to ${detail.item.contact.email}` : `${ref} was already converted: ticket T${ticket.number}`));
      }),
    );
}
