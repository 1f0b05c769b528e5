import type { Command } from 'commander';
import { SwitchboardError } from '../../core/errors.ts';
import { findProperty } from '../../core/properties/property-store.ts';
import { action } from '../action.ts';
import { sendDemoTraffic } from '../demo-traffic.ts';

/** `switchboard demo`: signed chat traffic to a running ingress, to watch the pipeline work. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('send realistic signed chat traffic to the ingress (answered, missed with and without email, offline)')
    .option('--url <url>', 'the ingress (default: http://INGRESS_HOST:INGRESS_PORT)')
    .action(
      action(async (ctx, opts: { url?: string }) => {
        const property = ctx.options.property || ctx.config.defaultProperty ? await ctx.property() : await findProperty(await ctx.db(), 'demo');
        const url = opts.url ?? `http://${ctx.config.ingress.host}:${ctx.config.ingress.port}`;
        let lines: string[];
        try {
          lines = await sendDemoTraffic(url, property);
        } catch (error) {
          const reason = error instanceof Error && 'cause' in error && error.cause instanceof Error ? error.cause.message : String(error);
          throw new SwitchboardError('not_running', `cannot send to the ingress at ${url} (${reason}); is Switchboard running? (npm start)`);
        }
        process.stdout.write(
          `${lines.join('\n')}\n\nThe workers apply them in a moment; the trigger fires after ${property.trigger_delay_seconds} s.\n` +
            `  npx switchboard -p ${property.slug} inbox list --status open --agent unassigned\n  npx switchboard -p ${property.slug} inbox list --view tickets\n`,
        );
      }),
    );
}
