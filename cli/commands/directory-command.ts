import type { Command } from 'commander';
import { listAgents, upsertAgent } from '../../core/directory/agents.ts';
import { listLabels, resolveLabel } from '../../core/directory/labels.ts';
import { requireLength, textBounds } from '../../core/text/bounded-text.ts';
import { action } from '../action.ts';
import { formatTable } from '../format-table.ts';

/** `switchboard agent|department add|list` and `switchboard tags`: the people and labels of a property. */
export function registerDirectory(program: Command): void {
  const agent = program.command('agent').description("the property's agents");
  agent
    .command('add')
    .argument('<email>')
    .option('--name <name>', 'display name')
    .description('add an agent (or rename one)')
    .action(
      action(async (ctx, email: string, opts: { name?: string }) => {
        if (opts.name !== undefined) requireLength(opts.name.trim(), textBounds.displayName, '--name must be');
        const property = await ctx.property();
        const row = await upsertAgent(await ctx.db(), property.id, { email, name: opts.name });
        ctx.print(row, () => `agent ${row.id}: ${row.name} <${row.email}>`);
      }),
    );
  agent
    .command('list')
    .description('list agents')
    .action(
      action(async (ctx) => {
        const property = await ctx.property();
        const rows = await listAgents(await ctx.db(), property.id);
        ctx.print(rows, () =>
          formatTable(
            ['ID', 'NAME', 'EMAIL'],
            rows.map((a) => [a.id, a.name, a.email]),
          ),
        );
      }),
    );
  const department = program.command('department').description("the property's departments");
  department
    .command('add')
    .argument('<name>')
    .description('add a department')
    .action(
      action(async (ctx, name: string) => {
        requireLength(name.trim(), textBounds.label, 'department names are');
        const property = await ctx.property();
        const row = await resolveLabel(await ctx.db(), 'departments', property.id, name, { create: true });
        ctx.print(row, () => `department ${row.id}: ${row.name}`);
      }),
    );
  department
    .command('list')
    .description('list departments')
    .action(
      action(async (ctx) => {
        const property = await ctx.property();
        const rows = await listLabels(await ctx.db(), 'departments', property.id);
        ctx.print(rows, () =>
          formatTable(
            ['ID', 'NAME'],
            rows.map((d) => [d.id, d.name]),
          ),
        );
      }),
    );
  program
    .command('tags')
    .description("list the property's tags (tagging an item creates its tag)")
    .action(
      action(async (ctx) => {
        const property = await ctx.property();
        const rows = await listLabels(await ctx.db(), 'tags', property.id);
        ctx.print(rows, () =>
          formatTable(
            ['ID', 'NAME'],
            rows.map((d) => [d.id, d.name]),
          ),
        );
      }),
    );
}
