import type { Command } from 'commander';
import { listLabels, resolveLabel } from '../../core/directory/labels.ts';
import { ValidationError } from '../../core/errors.ts';
import { parsePriority } from '../../core/inbox/item-actions.ts';
import { setResponseTargets, targetsOf } from '../../core/responses/response-settings.ts';
import { describeTargets, parseAtRiskShare, withNotify, withTargets, type ResponseTargets } from '../../core/responses/response-targets.ts';
import { action } from '../action.ts';
import { priorityNames } from '../../core/inbox/priority-names.ts';

/** `switchboard targets set|show`: response-time targets in business time. */
export function registerTargets(program: Command): void {
  const targets = program.command('targets').description('response-time targets, in business time (see: switchboard hours)');
  const show = async (db: Parameters<typeof resolveLabel>[0], propertyId: string, value: ResponseTargets) => {
    const departments = await listLabels(db, 'departments', propertyId);
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
    .option('--notify-email <who>', 'email each breach to: off, assignee (else the lead address), lead')
    .option('--lead <email>', 'the lead address breaches are emailed to (empty to unset)')
    .option('--notify-callback <on|off>', "POST each breach, signed, to the property's callback URL")
    .description('set targets (open items get their due times recomputed)')
    .action(
      action(
        async (
          ctx,
          pairs: string[],
          opts: { priority?: string; department?: string; atRisk?: string; notifyEmail?: string; lead?: string; notifyCallback?: string },
        ) => {
          const property = await ctx.property();
          const db = await ctx.db();
          let value = targetsOf(property);
          const priority = opts.priority === undefined ? undefined : priorityNames[parsePriority(opts.priority)];
          if (priority && opts.department) throw new ValidationError('give --priority or --department, not both');
          const departmentId = opts.department ? (await resolveLabel(db, 'departments', property.id, opts.department)).id : undefined;
          const notifying = opts.notifyEmail !== undefined || opts.lead !== undefined || opts.notifyCallback !== undefined;
          if (pairs.length) value = withTargets(value, pairs, { priority, departmentId });
          else if (priority || departmentId) throw new ValidationError('give the targets to override, e.g. first=1h');
          else if (opts.atRisk === undefined && !notifying)
            throw new ValidationError('give at least one target, e.g. first=4h next=8h resolution=3d');
          if (opts.atRisk !== undefined) value = { ...value, atRiskShare: parseAtRiskShare(opts.atRisk) };
          value = withNotify(value, { email: opts.notifyEmail, lead: opts.lead, callback: opts.notifyCallback });
          const { property: updated, recomputed } = await setResponseTargets(db, property.id, value);
          const text = await show(db, property.id, targetsOf(updated));
          ctx.print(targetsOf(updated), () => `${text}\n(${recomputed} open items recomputed)`);
        },
      ),
    );
}
