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
    .option('--notify-email <who>', 'email each breach to: off, assignee (else the lead address), lead')
    .option('--lead <email>', 'the lead address breaches are emailed to (empty to unset)')
    .option('--notify-callback <on|off>', "POST each breach, signed, to the property's callback URL")
    .description('set targets (open items get their due times recomputed)')
    .action(
      action(async (ctx, pairs: string[], opts: { priority?: string; department?: string; atRisk?: string; notifyEmail?: string; lead?: string; notifyCallback?: string }) => {
        const property = await ctx.property();
        const db = await ctx.db();
        let value = targetsOf(property);
        const priority = opts.priority?.trim().toLowerCase();
        if (priority !== undefined && !(priorityNames as readonly string[]).includes(priority)) throw new ValidationError(`unknown priority "${opts.priority}": use ${priorityNames.join(', ')}`);
        if (priority && opts.department) throw new ValidationError('give --priority or --department, not both');
        const departmentId = opts.department ? (await resolveLabel(db, 'departments', property.id, opts.department)).id : undefined;
        const notifying = opts.notifyEmail !== undefined || opts.lead !== undefined || opts.notifyCallback !== undefined;
        if (pairs.length) value = withTargets(value, pairs, { priority: priority as PriorityName | undefined, departmentId });
        else if (priority || departmentId) throw new ValidationError('give the targets to override, e.g. first=1h');
        else if (opts.atRisk === undefined && !notifying) throw new ValidationError('give at least one target, e.g. first=4h next=8h resolution=3d');
        if (opts.atRisk !== undefined) value = { ...value, atRiskShare: parseAtRiskShare(opts.atRisk) };
        if (opts.notifyEmail !== undefined) {
          const who = opts.notifyEmail.trim().toLowerCase();
          if (who !== 'off' && who !== 'assignee' && who !== 'lead') throw new ValidationError(`--notify-email must be off, assignee or lead, got "${opts.notifyEmail}"`);
          value = { ...value, notify: { ...value.notify, email: who } };
        }
        if (opts.lead !== undefined) {
          const lead = opts.lead.trim().toLowerCase();
          if (lead && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(lead)) throw new ValidationError(`"${opts.lead}" is not an email address`);
          value = { ...value, notify: { ...value.notify, leadAddress: lead || null } };
        }
        if (opts.notifyCallback !== undefined) {
          if (!/^(on|off|true|false)$/i.test(opts.notifyCallback)) throw new ValidationError(`--notify-callback must be on or off, got "${opts.notifyCallback}"`);
          value = { ...value, notify: { ...value.notify, callback: /^(on|true)$/i.test(opts.notifyCallback) } };
        }
        if (value.notify.email === 'lead' && !value.notify.leadAddress) throw new ValidationError('--notify-email lead needs a lead address (--lead EMAIL)');
        const { property: updated, recomputed } = await setResponseTargets(db, property.id, value);
        const text = await show(db, property.id, targetsOf(updated));
        ctx.print(targetsOf(updated), () => `${text}\n(${recomputed} open items recomputed)`);
      }),
    );
}
