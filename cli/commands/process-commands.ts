import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import { queueNames, type QueueName } from '../../core/jobs/job-catalog.ts';
import { action } from '../action.ts';
import type { RunProcesses } from '../../core/config/process-roles.ts';

function parseQueues(text: string | undefined): QueueName[] | undefined {
  if (!text) return undefined;
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!queueNames.includes(name as QueueName))
      throw new ValidationError(`--queues: unknown queue "${name}"; queues: ${queueNames.join(', ')}`);
  }
  return names as QueueName[];
}

function parseConcurrency(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new ValidationError(`--concurrency must be a whole number from 1 to 1000, got "${text}"`);
  return n;
}

/** `switchboard worker` and `switchboard ingress`: the long-running processes, run by `runProcesses`. */
export function registerProcesses(program: Command, runProcesses: RunProcesses): void {
  program
    .command('worker')
    .description('run BullMQ workers (start as many processes, on as many hosts, as you like)')
    .option('--queues <names>', `comma-separated subset of: ${queueNames.join(', ')}`)
    .option('--concurrency <n>', 'jobs at once per queue (default WORKER_CONCURRENCY or 8)')
    .action(
      action(async (ctx, opts: { queues?: string; concurrency?: string }) => {
        const roles = { ingress: false, worker: true, queues: parseQueues(opts.queues), concurrency: parseConcurrency(opts.concurrency) };
        await runProcesses(ctx.config, { databaseUrl: await ctx.databaseUrl(), redisUrl: await ctx.redisUrl() }, roles);
      }),
    );
  program
    .command('ingress')
    .description('run the ingress: chat events over HTTP (INGRESS_HOST:INGRESS_PORT)')
    .action(
      action(async (ctx) => {
        await runProcesses(
          ctx.config,
          { databaseUrl: await ctx.databaseUrl(), redisUrl: await ctx.redisUrl() },
          { ingress: true, worker: false },
        );
      }),
    );
}
