// Scale-out: the fault suite's fixed mixed load (2,000 chat events, 2,000 inbound emails, 500
// agent replies, with triggers and conversions) through real `switchboard ingress`, N general
// `switchboard worker` processes and one for outbound mail (the recommended topology), from the first request to everything
// done (every event applied, every email filed, every outbound email at the SMTP server), for N = 1, 2, 4.
// The 1-worker run is the baseline: figures are also given as its ratio, since this machine
// is shared and noisy. Every run is checked with the fault suite's tally (nothing lost or
// duplicated), so a fast wrong run cannot count.
// Run with `npm run bench:scale` (options: --workers 1,2,4 --concurrency 4 --repeat 1).
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { startFaultServices } from '../test/faults/support/fault-services.ts';
import { runWithFault, type RunResult } from '../test/faults/support/fault-run.ts';
import { issueLoad } from '../test/faults/support/mixed-load.ts';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,4' },
    concurrency: { type: 'string', default: '4' },
    repeat: { type: 'string', default: '1' },
  },
});
const levels = args.workers
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const concurrency = Number(args.concurrency);
const repeat = Number(args.repeat);

const services = await startFaultServices();
const rows: { workers: number; run: RunResult }[] = [];
try {
  for (let r = 0; r < repeat; r++) {
    for (const workers of levels) {
      const run = await runWithFault(services, { name: `scale-${workers}w`, size: issueLoad, workers, concurrency, settleMs: 600_000 });
      if (run.tally.totalLost || run.tally.totalDuplicated) throw new Error(`scale-${workers}w: the tally is not clean:\n${run.summary}`);
      rows.push({ workers, run });
    }
  }
} finally {
  await services.stop();
}

const items = issueLoad.chats * 5 + issueLoad.newEmails + issueLoad.emailReplies + issueLoad.agentReplies;
const best = (workers: number) =>
  rows
    .filter((r) => r.workers === workers)
    .map((r) => r.run)
    .sort((a, b) => a.seconds - b.seconds)[0]!;
const base = best(levels[0]!);
console.log(
  `\nbench:scale — ${items} inputs per run (${issueLoad.chats * 5} chat events, ${issueLoad.newEmails + issueLoad.emailReplies} emails, ${issueLoad.agentReplies} agent replies); ${cpus().length} CPUs shared by Postgres, Redis, the ingress, the load and the workers; concurrency ${concurrency} per queue per worker; best of ${repeat}`,
);
console.log(
  `  ${'general workers (+1 mail)'.padEnd(26)} ${'load acked s'.padStart(12)} ${'all done s'.padStart(11)} ${'inputs/s'.padStart(9)} ${'emails out/s'.padStart(13)} ${'× 1st row'.padStart(10)}`,
);
for (const workers of levels) {
  const run = best(workers);
  console.log(
    `  ${String(workers).padEnd(26)} ${run.loadSeconds.toFixed(1).padStart(12)} ${run.seconds.toFixed(1).padStart(11)} ${(items / run.seconds).toFixed(0).padStart(9)} ${(run.tally.done.outboundSent / run.seconds).toFixed(0).padStart(13)} ${(base.seconds / run.seconds).toFixed(2).padStart(10)}`,
  );
}
console.log(
  '  (times include the load generator itself, which keeps each missed chat open 21 s so that its trigger finds the visitor waiting however long the backlog)',
);
