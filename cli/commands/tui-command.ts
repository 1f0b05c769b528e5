import type { Command } from 'commander';
import { SwitchboardError } from '../../core/errors.ts';
import { runTui } from '../../tui/main.ts';
import { action } from '../action.ts';

/** `switchboard tui`: the terminal dashboard of one property. */
export function registerTui(program: Command): void {
  program
    .command('tui')
    .description('the terminal dashboard: inbox and queues, live')
    .action(
      action(async (ctx) => {
        if (!process.stdin.isTTY || !process.stdout.isTTY)
          throw new SwitchboardError('not_a_terminal', 'the dashboard needs a terminal: run `switchboard tui` in one');
        const property = await ctx.property();
        // The context's job queue (closed with the context) is where convert and reply queue mail.
        await runTui({
          db: await ctx.db(),
          redisUrl: await ctx.redisUrl(),
          queuePrefix: ctx.config.queuePrefix,
          property,
          jobs: await ctx.jobs(),
        });
      }),
    );
}
