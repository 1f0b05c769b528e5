import type { Command } from 'commander';
import { CliContext } from './cli-context.ts';

/**
 * Wraps a command handler: builds the context from the global options, runs the handler with
 * the command's arguments and options, and always closes the database afterwards.
 */
export function action<A extends unknown[]>(handler: (ctx: CliContext, ...args: A) => Promise<void>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals<{ property?: string; json?: boolean }>();
    const ctx = new CliContext({ property: globals.property, json: globals.json });
    try {
      await handler(ctx, ...(args.slice(0, -1) as A));
    } finally {
      await ctx.close();
    }
  };
}
