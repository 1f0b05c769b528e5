import { hasAnyProperty, listProperties } from '../../core/properties/property-store.ts';
import type { Command } from 'commander';
import { migrateToLatest } from '../../core/db/migrate.ts';
import { seedDemo } from '../../core/demo/seed-demo.ts';
import { listInbox } from '../../core/inbox/list-inbox.ts';
import path from 'node:path';
import { servicesUp } from '../../services/embedded-services.ts';
import { runTui } from '../../tui/main.ts';
import { action } from '../action.ts';
import type { CliContext } from '../cli-context.ts';
import type { Listening, RunProcesses } from '../../core/config/process-roles.ts';

const log = (message: string) => process.stderr.write(`${message}\n`);

async function seed(ctx: CliContext): Promise<string> {
  const { property, created } = await seedDemo(await ctx.db());
  return created ? `demo data loaded into property "${property.slug}"` : `demo data already present in property "${property.slug}"`;
}

/** Why `start` runs without its dashboard, or null when it can open one. */
function whyNoDashboard(property: { slug: string } | null): string | null {
  if (!property) return 'there is no property yet (create one with `switchboard property create SLUG`)';
  if (!process.stdout.isTTY || !process.stdin.isTTY) return 'stdout is not a terminal (the log goes to stderr)';
  if (process.env.CI) return 'CI is set';
  return null;
}

/** `switchboard seed-demo` and `switchboard start` (whose processes `runProcesses` runs). */
export function registerSetup(program: Command, runProcesses: RunProcesses): void {
  program
    .command('seed-demo')
    .description('load a realistic demo property (agents, departments, tags, chats, missed chats, tickets); once')
    .action(
      action(async (ctx) => {
        process.stdout.write(`${await seed(ctx)}\n`);
      }),
    );
  program
    .command('start')
    .description(
      'start Switchboard: embedded services when no URLs are set, migrations, demo data on a new install, then the ingress and the workers',
    )
    .option('--no-demo', 'do not load the demo property into an empty install')
    .option('--no-tui', 'do not open the dashboard, even in a terminal')
    .action(
      action(async (ctx, opts: { demo: boolean; tui: boolean }) => {
        if (!ctx.config.databaseUrl || !ctx.config.redisUrl) {
          log('starting the embedded Postgres and Redis under .data/ ...');
          const state = await servicesUp({ dataDir: ctx.config.dataDir, log });
          log(
            `postgres ${ctx.config.databaseUrl ? '(DATABASE_URL)' : state.databaseUrl}\n` +
              `redis    ${ctx.config.redisUrl ? '(REDIS_URL)' : state.redisUrl}`,
          );
        }
        const db = await ctx.db();
        for (const line of await migrateToLatest(db)) log(line);
        const empty = !(await hasAnyProperty(db));
        if (empty && opts.demo) log(await seed(ctx));
        // With several properties and none chosen, the dashboard opens on the first (C-p switches).
        const property = await ctx.property().catch(async () => (await listProperties(db))[0] ?? null);
        if (property) {
          const open = await listInbox(db, property.id, { status: 'open', agent: 'unassigned', limit: 500 });
          log(`property "${property.slug}": ${open.items.length}${open.nextCursor ? '+' : ''} open unassigned items`);
        }
        const urls = { databaseUrl: await ctx.databaseUrl(), redisUrl: await ctx.redisUrl() };
        const noDashboard = !opts.tui ? null : whyNoDashboard(property);
        if (noDashboard) log(`no dashboard: ${noDashboard}; open it in a terminal with \`npx switchboard tui\``);
        if (opts.tui && !noDashboard && property) {
          // The dashboard owns the terminal: logs go to a file, and quitting it stops everything.
          const logFile = path.join(ctx.config.dataDir, 'switchboard.log');
          const tuiOptions = {
            db: await ctx.db(),
            redisUrl: urls.redisUrl,
            queuePrefix: ctx.config.queuePrefix,
            property,
            jobs: await ctx.jobs(),
            quitStopsBackOffice: true,
          };
          const others = (await listProperties(db)).length - 1;
          log(
            `starting the ingress and workers (logs: ${logFile}), then the dashboard on "${property.slug}"` +
              `${others > 0 ? ` (${others} more: C-p switches)` : ''}; q in it asks, then stops everything`,
          );
          await runProcesses(ctx.config, urls, {
            ingress: true,
            worker: true,
            logFile,
            until: (stopping) => runTui({ ...tuiOptions, stopping }),
          });
          log(`Switchboard stopped (logs: ${logFile}).`);
          return;
        }
        // Said once every listener is up: a port in use fails the start before any "running".
        const banner = ({ ingressPort, smtpPort }: Listening) =>
          log(
            [
              `Switchboard is running: ingress on http://${ctx.config.ingress.host}:${ingressPort}, SMTP ingress on ${ctx.config.mail.ingressHost}:${smtpPort}, workers on every queue (ctrl-c stops).`,
              'In another terminal:',
              '  npx switchboard demo                                            # send live chat traffic',
              '  npx switchboard inbox list --status open --agent unassigned',
              '  npx switchboard inbox show C1',
              '  npx switchboard --help',
            ].join('\n'),
          );
        await runProcesses(ctx.config, urls, { ingress: true, worker: true, onRunning: banner });
      }),
    );
}
