import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterEach, expect, it } from 'vitest';
import { updateProperty } from '../../core/properties/property-store.ts';
import { createRedis } from '../../queue/redis-connection.ts';
import { at, eventId, startPipeline, type Pipeline } from '../support/pipeline-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { childEnv } from '../support/child-env.ts';

// SIGTERM while a job runs: the worker stops taking jobs, lets the active one finish, then
// exits cleanly — the job is completed, not left to be retried by someone else.

const bin = fileURLToPath(new URL('../../bin/switchboard.mjs', import.meta.url));
let p: Pipeline | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

it('finishes the active job on SIGTERM, then exits with status 0', { timeout: 60_000 }, async () => {
  let arrived = 0;
  let answeredAt = 0;
  const server = createServer((req, res) => {
    arrived = Date.now();
    req.resume();
    // A slow chat server: the delivery job stays active for a while.
    setTimeout(() => {
      answeredAt = Date.now();
      res.writeHead(200).end();
    }, 2000);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  p = await startPipeline({ trigger_delay_seconds: 0 });
  await updateProperty(p.t.db, p.property.id, { callback_url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
  const child = spawn(process.execPath, [bin, 'worker'], {
    env: childEnv({ LOG_LEVEL: 'warn', DATABASE_URL: p.t.url, REDIS_URL: p.redisUrl, SWITCHBOARD_QUEUE_PREFIX: p.prefix }),
    stdio: 'ignore',
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const connection = createRedis(p.redisUrl, 'producer');
  const queue = new Queue('chat-callbacks', { connection, prefix: p.prefix });
  try {
    await p.post({ id: eventId(), type: 'chat.started', property: 'shop', at: at(), chat: { id: 'slow' }, visitor: { id: 'v' } });
    await waitFor(async () => arrived > 0, 'the delivery to start', 20_000);
    child.kill('SIGTERM');
    const exit = await exited;
    expect(exit.code).toBe(0);
    expect(answeredAt).toBeGreaterThan(0);
    expect(exit.at).toBeGreaterThanOrEqual(answeredAt);
    const [job] = await queue.getJobs(['completed']);
    expect(job?.returnvalue).toBe('delivered');
    expect(await queue.getJobCounts('active', 'wait', 'failed')).toEqual({ active: 0, wait: 0, failed: 0 });
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await queue.close();
    connection.disconnect();
    server.close();
  }
});
