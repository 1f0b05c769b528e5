import type { Command } from 'commander';
import { migrateDown, migrateToLatest, migrationStatus } from '../../core/db/migrate.ts';
import { ValidationError } from '../../core/errors.ts';
import { action } from '../action.ts';

/** `switchboard migrate [latest|down|status]`. */
export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending migrations (latest, the default), revert the last one (down), or list them (status)')
    .argument('[direction]', 'latest | down | status', 'latest')
    .action(
      action(async (ctx, direction: string) => {
        const db = await ctx.db();
        if (direction === 'status') {
          const all = await migrationStatus(db);
          ctx.print(all, () =>
            all
              .map((m) => `${m.executedAt ? 'applied ' : 'pending '} ${m.name}${m.executedAt ? `  (${m.executedAt.toISOString()})` : ''}`)
              .join('\n'),
          );
          return;
        }
        if (direction !== 'latest' && direction !== 'down') {
          throw new ValidationError(`unknown migrate direction "${direction}": use latest, down or status`);
        }
        const done = direction === 'down' ? await migrateDown(db) : await migrateToLatest(db);
        ctx.print(done, () => (done.length ? done.join('\n') : 'nothing to do: the schema is up to date'));
      }),
    );
}
