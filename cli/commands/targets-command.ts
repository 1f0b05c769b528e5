import type { Command } from 'commander';
import { resolveLabel } from '../../core/directory/labels.ts';
import { ValidationError } from '../../core/errors.ts';
import { priorityNames, type PriorityName } from '../../core/inbox/inbox-item.ts';
import { setResponseTargets, targetsOf } from '../../core/responses/response-settings.ts';
import { describeTargets, parseAtRiskShare, withTargets, type ResponseTargets } from '../../core/responses/response-targets.ts';
import { action } from '../action.ts';

/** `switchboard targets set|show`: response-time targets in business time. */
export function registerTargets(program: Command): void {
  const targets = program.command('targets').description('response-time targets, in business time (see: switchboard hours)');
  const show = async (db: Parameters<typeof resolveLabel>[0], propertyId: string, value: ResponseTargets) => {
    const departments = await db.selectFrom('departments').select(['id', 'name']).where('property_id', '=', propertyId).execute();
    return describeTargets(value, (id) => departments.find((d) => d.id === id)?.name ?? `#${id}`).join('\n');
  };
  targets
    .command('show')
    .description("show the property's targets")
    .action(
      action(async (ctx) => {
        const property = await ctx.property();
        const value = targetsOf(property);
        const text = await show(await ctx.db(), property.id, value);
        ctx.print(value, () => text);
      }),
    );
  targets
    .command('set')
    .argument('[targets...]', 'first=4h next=8h resolution=3d (none removes one)')
    .option('--priority <level>', `override for one priority: ${priorityNames.join(', ')}`)
    .option('--department <name>', 'override for one department')
    .option('--at-risk <share>', 'an item is at risk after this share of a target (default 80%)')
    .description('set targets (open items get their due times recomputed)')
    .action(
      action(async (ctx, pairs: string[], opts: { priority?: string; department?: string; atRisk?: string }) => {
        const property = await ctx.property();
        const db = await ctx.db();
        let value = targetsOf(property);
        const priority = opts.priority?.trim().toLowerCase();
        if (priority !== undefined && !(priorityNames as readonly string[]).includes(priority)) throw new ValidationError(`unknown priority "${opts.priority}": use ${priorityNames.join(', ')}`);
        if (priority && opts.department) throw new ValidationError('give --priority or --department, not both');
        const departmentId = opts.department ? (await resolveLabel(db, 'departments', property.id, opts.department)).id : undefined;
        if (pairs.length) value = withTargets(value, pairs, { priority: priority as PriorityName | undefined, departmentId });
        else if (priority || departmentId) throw new ValidationError('give the targets to override, e.g. first=1h');
        if (opts.atRisk !== undefined) value = { ...value, atRiskShare: parseAtRiskShare(opts.atRisk) };
        const { property: updated, recomputed } = await setResponseTargets(db, property.id, value);
        const text = await show(db, property.id, targetsOf(updated));
        ctx.print(targetsOf(updated), () => `${text}\n(${recomputed} open items recomputed)`);
      }),
    );
}
