// bench/mail's command-line options and fixed settings (see main.ts for what each option does).
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parseConfig, readEnvironment } from '../../core/config/config.ts';
import { defaultInboundBatchSize } from '../../core/mail/inbound/filing/file-inbound-emails.ts';

export const benchDatabase = 'switchboard_bench_mail';
/** Throughput target: Switchboard's inbound path at least this share of bare simpleParser's. */
export const targetRatio = 0.5;
export const threadTargets = 50;
/** Emails through each pipelined shape before its measured runs. */
export const pipelinedWarmup = 2000;
export const limits = { maxAttachmentBytes: 30 * 1024 * 1024 };

export const config = parseConfig(readEnvironment());
export const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '6000' },
    'attachment-mb': { type: 'string', default: '25' },
    concurrency: { type: 'string', default: String(config.worker.concurrency) },
    profile: { type: 'string', default: '400' },
    batch: { type: 'string', default: String(defaultInboundBatchSize) },
    'one-by-one': { type: 'string' },
    ingress: { type: 'string', default: 'process,thread' },
    workers: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
export const count = Number(args.count);
export const attachmentMb = Number(args['attachment-mb']);
export const concurrencyLevels = args.concurrency
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
export const profileCount = Number(args.profile);
export const batchSize = Number(args.batch);
export const ingressModes = new Set(args.ingress.split(','));
export const workerCounts = args.workers
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
export const runsPerShape = Number(args.runs);
if (!Number.isInteger(runsPerShape) || runsPerShape < 1) throw new Error(`--runs must be a whole number of at least 1, not "${args.runs}"`);
export const oneByOneCount = Math.max(1, Math.min(count, Number(args['one-by-one'] ?? 500)));

v8.setFlagsFromString('--expose-gc');
export const gc = vm.runInNewContext('gc') as () => void;
