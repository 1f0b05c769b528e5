import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { Database } from '../../core/db/schema.ts';
import { resolveAgent } from '../../core/directory/agents.ts';
import { resolveLabel } from '../../core/directory/labels.ts';
import {
  addTag,
  assignItem,
  closeItem,
  markPending,
  parsePriority,
  removeTag,
  reopenItem,
  setPriority,
} from '../../core/inbox/item-actions.ts';
import { showItem } from '../../core/inbox/item-detail.ts';
import { ValidationError } from '../../core/errors.ts';
import { addInternalNote } from '../../core/messages/internal-note.ts';
import { convertItem } from '../../core/tickets/convert-conversation.ts';
import { action } from '../action.ts';
import { readInput } from '../read-input.ts';
import { priorityNames } from '../../core/inbox/priority-names.ts';

type Db = Kysely<Database>;
/** Does the action; may return what to print after the item's id, in the inbox's words (agent and tag names, not ids). */
type Act = (db: Db, propertyId: string, ref: string, ...values: string[]) => Promise<string | void>;

/** Registers one item action: runs it, then prints the item's new state (JSON or a line). */
function itemAction(program: Command, name: string, args: string[], description: string, act: Act, done?: string): void {
  const command = program.command(name).description(description).argument('<id>', 'C<n> or T<n>');
  for (const arg of args) command.argument(`<${arg}>`);
  command.action(
    action(async (ctx, ref: string, ...rest: unknown[]) => {
      // Commander passes the declared arguments, then the options object: only the arguments are values.
      const values = rest.slice(0, args.length) as string[];
      const db = await ctx.db();
      const property = await ctx.property();
      const said = await act(db, property.id, ref, ...values);
      const { item } = await showItem(db, property.id, ref);
      ctx.print(item, () => `${item.ref} ${said ?? done}`);
    }),
  );
}

/** Assigns, then names the agent: `assign T27 2` takes 2 as an agent id, so the line says whom that was. */
async function assign(db: Db, propertyId: string, ref: string, agentRef: string): Promise<string> {
  const agent = await resolveAgent(db, propertyId, agentRef);
  await assignItem(db, propertyId, ref, agent.id);
  return `assigned to ${agent.name} <${agent.email}>`;
}

/** Tags or untags, then names the tag (it may have been given by id). */
async function tagAction(db: Db, propertyId: string, ref: string, tagRef: string, add: boolean): Promise<string> {
  await (add ? addTag : removeTag)(db, propertyId, ref, tagRef);
  const tag = await resolveLabel(db, 'tags', propertyId, tagRef);
  return `${add ? 'tagged' : 'untagged'} ${tag.name}`;
}

/** The inbox actions on one item: assign, unassign, close, reopen, pending, priority, tag, untag, note, convert. */
export function registerItemActions(program: Command): void {
  itemAction(program, 'assign', ['agent'], 'assign an item to an agent (email, name or id)', (db, p, r, agent) => assign(db, p, r, agent!));
  itemAction(program, 'unassign', [], 'remove the assignee', (db, p, r) => assignItem(db, p, r, null), 'unassigned');
  itemAction(program, 'close', [], 'close an item', closeItem, 'closed');
  itemAction(program, 'reopen', [], 'reopen a closed item (or a pending ticket)', reopenItem, 'reopened');
  itemAction(program, 'pending', [], 'mark a ticket pending (waiting on the visitor)', markPending, 'pending');
  itemAction(
    program,
    'priority',
    ['level'],
    'set priority: low, normal, high, urgent',
    async (db, p, r, level) => (await setPriority(db, p, r, level!), `priority ${priorityNames[parsePriority(level!)]}`),
  );
  itemAction(program, 'tag', ['tag'], 'add a tag (created if new)', (db, p, r, tag) => tagAction(db, p, r, tag!, true));
  itemAction(program, 'untag', ['tag'], 'remove a tag', (db, p, r, tag) => tagAction(db, p, r, tag!, false));
  program
    .command('note')
    .argument('<id>', 'C<n> or T<n>')
    .option('--body <text>', 'the note')
    .option('--file <file>', 'read the note from a file (- for stdin)')
    .option('--agent <agent>', 'who writes it (email, name or id)')
    .description('add an internal note: the team sees it in the thread, the visitor never does, and it is not a response')
    .action(
      action(async (ctx, ref: string, opts: { body?: string; file?: string; agent?: string }) => {
        if ((opts.body === undefined) === (opts.file === undefined))
          throw new ValidationError('give exactly one of --body TEXT or --file FILE');
        const body = opts.body ?? (await readInput(opts.file)).toString('utf8');
        const property = await ctx.property();
        const note = await addInternalNote(await ctx.db(), property.id, ref, { body, agent: opts.agent });
        ctx.print(
          { id: note.id, ref, sender: note.sender, author: note.author_name, body: note.body, createdAt: note.created_at },
          () => `internal note added to ${ref}`,
        );
      }),
    );
  program
    .command('convert')
    .argument('<id>', 'C<n>: a conversation with a visitor email')
    .description('turn a conversation into a ticket (once: converting again shows the same ticket)')
    .action(
      action(async (ctx, ref: string) => {
        const property = await ctx.property();
        const { ticket, created } = await convertItem(await ctx.db(), await ctx.jobs(), property.id, ref);
        const detail = await showItem(await ctx.db(), property.id, `T${ticket.number}`);
        ctx.print({ ...detail.item, created }, () =>
          created
            ? `${ref} became ticket T${ticket.number}; acknowledgement email queued to ${detail.item.contact.email}`
            : `${ref} was already converted: ticket T${ticket.number}`,
        );
      }),
    );
}
