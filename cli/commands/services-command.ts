import type { Command } from 'commander';
import { servicesDown, servicesStatus, servicesUp } from '../../services/embedded-services.ts';
import { action } from '../action.ts';
import type { CliContext } from '../cli-context.ts';

/** Refuses to manage embedded services when both URLs point elsewhere. */
function embeddedInUse(ctx: CliContext): boolean {
  if (ctx.config.databaseUrl && ctx.config.redisUrl) {
    process.stdout.write('DATABASE_URL and REDIS_URL are set: Switchboard uses those, and no embedded service is needed.\n');
    return false;
  }
  return true;
}

/** `switchboard services up|down|status`: the private Postgres and Redis under .data/. */
export function registerServices(program: Command): void {
  const services = program
    .command('services')
    .description('run a private Postgres and Redis under .data/ (used when DATABASE_URL / REDIS_URL are not set)');
  services
    .command('up')
    .description('start them (idempotent) and record where they listen')
    .action(
      action(async (ctx) => {
        if (!embeddedInUse(ctx)) return;
        const state = await servicesUp({ dataDir: ctx.config.dataDir, log: (m) => process.stderr.write(`${m}\n`) });
        ctx.print(state, () => `postgres  ${state.databaseUrl}\nredis     ${state.redisUrl}`);
      }),
    );
  services
    .command('down')
    .description('stop the services that `services up` started')
    .action(
      action(async (ctx) => {
        await servicesDown({ dataDir: ctx.config.dataDir, log: (m) => process.stderr.write(`${m}\n`) });
      }),
    );
  services
    .command('status')
    .description('show whether they run, and where')
    .action(
      action(async (ctx) => {
        const status = await servicesStatus({ dataDir: ctx.config.dataDir });
        ctx.print(status, () =>
          Object.entries(status)
            .map(
              ([name, s]) =>
                `${name.padEnd(9)} ${s.running ? 'running' : 'stopped'}${s.pid ? `  pid ${s.pid}` : ''}${s.url ? `  ${s.url}` : ''}`,
            )
            .join('\n'),
        );
      }),
    );
}
