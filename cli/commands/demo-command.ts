import type { Command } from 'commander';
import { SwitchboardError } from '../../core/errors.ts';
import type { Kysely } from 'kysely';
import type { Database, Property } from '../../core/db/schema.ts';
import { resolveLabel } from '../../core/directory/labels.ts';
import { isOpenAt, nextOpening } from '../../core/hours/business-time.ts';
import { formatDuration } from '../../core/hours/business-duration.ts';
import { findProperty } from '../../core/properties/property-store.ts';
import { targetsOf } from '../../core/responses/response-settings.ts';
import { targetFor } from '../../core/responses/response-targets.ts';
import { action } from '../action.ts';
import { sendDemoTraffic } from '../demo-traffic.ts';

/** What the Sales chat of the traffic will do to the response clocks, in a line (none without a target). */
async function breachHint(db: Kysely<Database>, property: Property): Promise<string> {
  const sales = await resolveLabel(db, 'departments', property.id, 'Sales').catch(() => null);
  const target = targetFor(targetsOf(property), 'first', 1, sales?.id ?? null);
  if (target === null) return '';
  const now = new Date();
  if (!isOpenAt(property.business_hours, now)) {
    const opens = nextOpening(property.business_hours, now).toISOString();
    return `The property is outside its business hours now: the response clocks stand still until ${opens} (switchboard hours show).\n`;
  }
  // Seconds here: the demo's Sales target is a minute, and "<1m" would not say when to look.
  const said = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : formatDuration(ms));
  const atRisk = said(target * targetsOf(property).atRiskShare);
  return (
    `Unanswered, the Sales chat is at risk after ${atRisk} and breaches its first-response target after ${said(target)}: ` +
    'press B in the dashboard.\n'
  );
}

/** `switchboard demo`: signed chat traffic to a running ingress, to watch the pipeline work. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('send realistic signed chat traffic to the ingress (answered, missed with and without email, offline)')
    .option('--url <url>', 'the ingress (default: http://INGRESS_HOST:INGRESS_PORT)')
    .action(
      action(async (ctx, opts: { url?: string }) => {
        const property =
          ctx.options.property || ctx.config.defaultProperty ? await ctx.property() : await findProperty(await ctx.db(), 'demo');
        const url = opts.url ?? `http://${ctx.config.ingress.host}:${ctx.config.ingress.port}`;
        let lines: string[];
        try {
          lines = await sendDemoTraffic(url, property);
        } catch (error) {
          const reason = error instanceof Error && 'cause' in error && error.cause instanceof Error ? error.cause.message : String(error);
          throw new SwitchboardError(
            'not_running',
            `cannot send to the ingress at ${url} (${reason}); is Switchboard running? (npm start)`,
          );
        }
        process.stdout.write(
          `${lines.join('\n')}\n\nThe workers apply them in a moment; the trigger fires after ${property.trigger_delay_seconds} s.\n` +
            (await breachHint(await ctx.db(), property)) +
            `  npx switchboard -p ${property.slug} inbox list --status open --agent unassigned\n` +
            `  npx switchboard -p ${property.slug} inbox list --view tickets\n` +
            `  npx switchboard -p ${property.slug} inbox list --due breached\n`,
        );
      }),
    );
}
