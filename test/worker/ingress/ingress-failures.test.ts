import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../../core/chats/event-signature.ts';
import { connectDatabase } from '../../../core/db/connect.ts';
import type { JobQueue } from '../../../core/jobs/job-queue.ts';
import { BullJobQueue } from '../../../queue/bullmq-job-queue.ts';
import { startHttpIngress } from '../../../worker/ingress/http-ingress.ts';
import { createRedis } from '../../../queue/redis-connection.ts';
import { chatEvent, startHarness, type IngressHarness } from './ingress-harness.ts';

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A logger that keeps its lines, to check what the ingress warned about. */
function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('Postgres unreachable', () => {
  it('→ 503 with a clear message and Retry-After; nothing is acknowledged', async () => {
    const db = connectDatabase(`postgres://switchboard:x@127.0.0.1:${await closedPort()}/nothing`, { max: 1 });
    const { logger, lines } = capturingLogger();
    const jobs: JobQueue = {
      add: async () => expect.unreachable('nothing to enqueue'),
      addBulk: async () => expect.unreachable('nothing to enqueue'),
      remove: async () => {},
      requeue: async () => {},
    };
    const ingress = await startHttpIngress({ db, jobs, logger, host: '127.0.0.1', port: 0, maxBodyBytes: 65536 });
    try {
      const body = JSON.stringify(chatEvent('chat.started'));
      const res = await fetch(`http://127.0.0.1:${ingress.port}/v1/events`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json', 'X-Switchboard-Signature': signBody('s', body) },
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toEqual({
        error: { code: 'database_unavailable', message: 'the database is unavailable: nothing was stored, retry later' },
      });

      const hook = await fetch(`http://127.0.0.1:${ingress.port}/v1/webhooks/tawk/shop`, {
        method: 'POST',
        body: '{}',
        headers: { 'Content-Type': 'application/json', 'X-Tawk-Signature': '0'.repeat(40), 'X-Hook-Event-Id': 'h1' },
      });
      expect(hook.status).toBe(503);

      // A wrong Content-Type is answered without the database: 415, not 503.
      for (const path of ['/v1/events', '/v1/webhooks/tawk/shop']) {
        const plain = await fetch(`http://127.0.0.1:${ingress.port}${path}`, {
          method: 'POST',
          body,
          headers: { 'Content-Type': 'text/plain', 'X-Switchboard-Signature': signBody('s', body) },
        });
        expect(plain.status).toBe(415);
        expect(((await plain.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
      }
      expect(lines.some((l) => l.level === 50 && /request failed/.test(l.msg))).toBe(true);
    } finally {
      await ingress.close();
      await db.destroy();
    }
  });
});

describe('Redis down or slow', () => {
  let h: IngressHarness;
  const { logger, lines } = capturingLogger();
  let redisDown: ReturnType<typeof createRedis>;
  let release: () => void = () => {};
  // The real BullMQ queue on an unreachable Redis, one whose adds fail at once, or hang.
  let mode: 'unreachable' | 'failing' | 'hanging' = 'unreachable';

  beforeAll(async () => {
    redisDown = createRedis(`redis://127.0.0.1:${await closedPort()}`, 'producer');
    const unreachable = new BullJobQueue(redisDown, `test-${randomBytes(6).toString('hex')}`);
    const jobs: JobQueue = {
      add: (name, data, options) =>
        mode === 'unreachable'
          ? unreachable.add(name, data, options)
          : mode === 'failing'
            ? Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false"))
            : new Promise<void>((resolve) => (release = resolve)),
      addBulk: async () => expect.unreachable('the ingress adds one job at a time'),
      remove: async () => {},
      requeue: async () => {},
    };
    h = await startHarness({ jobs, ingress: { logger, enqueueTimeoutMs: 300 } });
  });
  afterAll(async () => {
    release();
    await h?.close();
    redisDown?.disconnect();
  });

  it('Redis unreachable → still 202 (the rows are in Postgres, the sweep queues them) within the enqueue timeout, and a warning', async () => {
    const event = chatEvent('chat.started');
    const started = Date.now();
    const answer = await h.postEvents(event);
    expect(answer).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0 } });
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await h.rows()).find((r) => r.event_id === event.id)).toMatchObject({ processed_at: null });
    expect(lines.some((l) => l.level === 40 && /enqueue/.test(l.msg))).toBe(true);
  });

  it('enqueueing fails at once → 202 at once, with a warning saying the sweep will queue them', async () => {
    mode = 'failing';
    lines.length = 0;
    expect((await h.postEvents(chatEvent('chat.message'))).status).toBe(202);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, msg: expect.stringMatching(/could not enqueue chat events.*the sweep will queue them/) }),
    ]);
  });

  it('enqueueing hangs → 202 after the short enqueue timeout, with a warning', async () => {
    mode = 'hanging';
    lines.length = 0;
    const started = Date.now();
    const answer = await h.postEvents(chatEvent('chat.ended'));
    expect(answer.status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: expect.stringMatching(/timed out/) })]);
  });
});

describe('close()', () => {
  it('stops accepting new connections and waits for the request in flight to be answered', async () => {
    let entered: () => void = () => {};
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const jobs: JobQueue = {
      add: async () => {
        entered();
        await gate;
      },
      addBulk: async () => expect.unreachable('the ingress adds one job at a time'),
      remove: async () => {},
      requeue: async () => {},
    };
    const h = await startHarness({ jobs, ingress: { enqueueTimeoutMs: 10_000 } });
    try {
      const inFlight = h.postEvents(chatEvent('chat.started'));
      await inside;
      let closed = false;
      const closing = h.ingress.close().then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(closed).toBe(false);
      await expect(fetch(`${h.base}/v1/events`, { method: 'POST', body: '{}' })).rejects.toThrow();

      release();
      const answer = await inFlight;
      expect(answer.status).toBe(202);
      expect(answer.headers.get('connection')).toBe('close');
      await closing;
      expect(closed).toBe(true);
    } finally {
      release();
      await h.close();
    }
  });
});
