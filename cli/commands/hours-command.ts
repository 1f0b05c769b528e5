import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import { parseBusinessHours } from '../../core/hours/business-hours.ts';
import { describeBusinessHours, parseHolidayText, parseScheduleText } from '../../core/hours/business-hours-text.ts';
import { setBusinessHours } from '../../core/responses/response-settings.ts';
import { action } from '../action.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `switchboard hours set|show|clear`: when the support team works, which response targets count in. */
export function registerHours(program: Command): void {
  const hours = program.command('hours').description('business hours: the time response targets count in');
  hours
    .command('show')
    .description("show the property's business hours")
    .action(
      action(async (ctx) => {
        const property = await ctx.property();
        ctx.print(property.business_hours, () => describeBusinessHours(property.business_hours).join('\n'));
      }),
    );
  hours
    .command('set')
    .requiredOption('--zone <zone>', 'IANA time zone, e.g. Europe/Rome')
    .requiredOption(
      '--week <schedule>',
      'e.g. "mon-fri 09:00-13:00,14:00-18:00; sat 10:00-14:00" (22:00-06:00 runs overnight; days not named are closed)',
    )
    .option('--holiday <date>', 'a closed date: 2026-12-25, or 12-25 every year (repeat the option)', collect)
    .description('set the business hours (open items get their due times recomputed)')
    .action(
      action(async (ctx, opts: { zone: string; week: string; holiday?: string[] }) => {
        const property = await ctx.property();
        const value = parseBusinessHours({
          zone: opts.zone,
          week: parseScheduleText(opts.week),
          holidays: (opts.holiday ?? []).map(parseHolidayText),
        });
        const { property: updated, recomputed } = await setBusinessHours(await ctx.db(), property.id, value);
        ctx.print(updated.business_hours, () =>
          [...describeBusinessHours(updated.business_hours), `(${recomputed} open items recomputed)`].join('\n'),
        );
      }),
    );
  hours
    .command('clear')
    .description('no business hours: targets count around the clock')
    .action(
      action(async (ctx) => {
        const property = await ctx.property();
        if (!property.business_hours) throw new ValidationError('no business hours are set: targets already count around the clock');
        const { recomputed } = await setBusinessHours(await ctx.db(), property.id, null);
        ctx.print(
          { cleared: true, recomputed },
          () => `business hours cleared: targets count around the clock (${recomputed} open items recomputed)`,
        );
      }),
    );
}
