import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterEach, expect, it } from 'vitest';
import { createRedis } from '../../queue/redis-connection.ts';
import { at, eventId, startPipeline, type Pipeline } from '../support/pipeline-harness.ts';
import { sleep, waitFor } from '../support/wait-for.ts';
import { childEnv } from '../support/child-env.ts';

// A worker process dies (SIGKILL, not a mock) right after the conversion committed and
// before BullMQ heard the job was done. Another worker picks the stalled job up and retries
// it: still exactly one ticket and one acknowledgement email.

const bin = fileURLToPath(new URL('../../bin/switchboard.mjs', import.meta.url));
let p: Pipeline | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await p?.close();
  p = undefined;
});

function worker(env: Record<string, string>): { child: ChildProcess; exited: Promise<NodeJS.Signals | number | null> } {
  const child = spawn(process.execPath, [bin, 'worker', '--concurrency', '2'], {
    env: childEnv({ LOG_LEVEL: 'warn', WORKER_LOCK_DURATION_MS: '2000', ...env }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return { child, exited };
}

// Two worker processes start (each a few seconds on a busy machine), the stalled job waits out
// its lock, and the wait for the retry alone allows 30 s: the default test timeout is too short.
it('a worker killed mid-conversion: the retry makes no second ticket or email', { timeout: 90_000 }, async () => {
  p = await startPipeline({ trigger_enabled: false });
  const env = { DATABASE_URL: p.t.url, REDIS_URL: p.redisUrl, SWITCHBOARD_QUEUE_PREFIX: p.prefix };
  const doomed = worker({ ...env, SWITCHBOARD_FAULT_KILL_AFTER: 'convert' });

  const chat = 'chat-crash';
  const events = [
    {
      id: eventId(),
      type: 'chat.started',
      property: 'shop',
      at: at(),
      chat: { id: chat },
      visitor: { id: 'v1' },
      prechat: { name: 'Rita', email: 'rita@example.com' },
    },
    {
      id: eventId(),
      type: 'chat.message',
      property: 'shop',
      at: at(),
      chat: { id: chat },
      message: { id: 'm1', sender: 'visitor', text: 'Hello?' },
    },
  ];
  expect((await p.post({ events })).status).toBe(202);
  for (let i = 0; i < 3; i++) {
    expect((await p.post({ id: eventId(), type: 'chat.ended', property: 'shop', at: at(), chat: { id: chat } })).status).toBe(202);
  }
  expect(await doomed.exited).toBe('SIGKILL');
  // The conversion committed before the kill; BullMQ still holds its job as active.
  const ticketsAtCrash = await p.t.db.selectFrom('tickets').select('id').execute();
  expect(ticketsAtCrash).toHaveLength(1);

  worker(env);
  const conversation = await p.t.db.selectFrom('conversations').select('id').where('external_id', '=', chat).executeTakeFirstOrThrow();
  const connection = createRedis(p.redisUrl, 'producer');
  const queue = new Queue('conversions', { connection, prefix: p.prefix });
  try {
    const job = await waitFor(
      async () => {
        const j = await queue.getJob(`convert-${conversation.id}`);
        return j?.finishedOn ? j : undefined;
      },
      'the retried conversion',
      30_000,
      200,
    );
    expect(job.returnvalue).toEqual({ ticket: expect.stringMatching(/^T\d+$/), created: false });
    // The chat.ended events the killed worker held come back when their locks expire, like
    // the conversion, but may finish after it (on a busy machine, more than 500 ms after):
    // everything is counted once they all have.
    const db = p.t.db;
    await waitFor(
      async () => {
        const unprocessed = await db.selectFrom('chat_events').select('id').where('processed_at', 'is', null).execute();
        return unprocessed.length === 0 ? true : undefined;
      },
      'every chat event processed',
      30_000,
      200,
    );
    await sleep(500);
    expect(await p.t.db.selectFrom('tickets').select('id').execute()).toHaveLength(1);
    expect(await p.t.db.selectFrom('outbox_emails').select('id').execute()).toHaveLength(1);
  } finally {
    await queue.close();
    connection.disconnect();
  }
});
