import { createServer } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../../../core/db/connect.ts';
import type { Database } from '../../../core/db/schema.ts';
import { migrations } from '../../../migrations/index.ts';
import { BullJobQueue } from '../../../queue/bullmq-job-queue.ts';
import { startHttpIngress, type HttpIngress } from '../../../worker/ingress/http-ingress.ts';
import { createMetrics } from '../../../worker/metrics/metrics.ts';
import { registerQueueDepth } from '../../../worker/metrics/queue-depth.ts';
import { checkReadiness } from '../../../worker/readiness.ts';
import { createRedis } from '../../../queue/redis-connection.ts';
import { silentLogger } from '../../support/pipeline-harness.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { childEnv } from '../../support/child-env.ts';

// /healthz, /readyz and /metrics on the ingress's port, with a real Postgres and Redis (and
// ones that are not there), and on a worker-only process's own port.

type Redis = ReturnType<typeof createRedis>;

/** What the ops endpoints answer with JSON: a status, readiness checks, or an error. */
interface OpsBody {
  status?: string;
  checks: Record<'postgres' | 'redis' | 'migrations', { ok: boolean; error?: string }>;
  error: { code: string; message: string };
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

/** An ingress with its ops endpoints over this database and Redis. */
async function ingressOver(db: Kysely<Database>, redis: Redis): Promise<{ base: string; ingress: HttpIngress }> {
  const metrics = createMetrics();
  const jobs = new BullJobQueue(redis, 'test-health');
  registerQueueDepth(metrics.registry, (name) => jobs.queue(name));
  const ingress = await startHttpIngress({
    db,
    jobs,
    logger: silentLogger,
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 65536,
    metrics,
    ops: { registry: metrics.registry, readiness: () => checkReadiness({ db, redis, timeoutMs: 800 }) },
  });
  cleanups.push(() => ingress.close());
  return { base: `http://127.0.0.1:${ingress.port}`, ingress };
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: OpsBody; headers: Headers; ms: number }> {
  const begun = performance.now();
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as OpsBody, ms: performance.now() - begun };
}

describe('on the ingress port', () => {
  let t: TestDatabase;
  let redis: Redis;
  beforeAll(async () => {
    t = await createTestDatabase();
    redis = createRedis(inject('redisUrl'), 'producer');
  });
  afterAll(async () => {
    redis.disconnect();
    await t.drop();
  });

  it('/healthz: 200 {"status":"ok"}; /readyz: 200 with every check passed', async () => {
    const { base } = await ingressOver(t.db, redis);
    const health = await getJson(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    expect(health.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const ready = await getJson(`${base}/readyz?verbose=1`);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { postgres: { ok: true }, redis: { ok: true }, migrations: { ok: true } } });
  });

  it('/metrics is Prometheus text, counting the requests themselves', async () => {
    const { base } = await ingressOver(t.db, redis);
    await fetch(`${base}/healthz`);
    await fetch(`${base}/nope`);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('switchboard_http_requests_total{route="healthz",status="200"} 1');
    expect(text).toContain('switchboard_http_requests_total{route="unknown",status="404"} 1');
    expect(text).toMatch(/^switchboard_queue_jobs\{queue="chat-events",state="waiting"\} 0$/m);
  });

  it('other methods get 405 with Allow; unknown paths still 404; the write endpoints still want POST', async () => {
    const { base } = await ingressOver(t.db, redis);
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const res = await getJson(`${base}${path}`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET');
      expect(res.body.error.code).toBe('method_not_allowed');
    }
    const events = await getJson(`${base}/v1/events`);
    expect(events.status).toBe(405);
    expect(events.headers.get('allow')).toBe('POST');
    expect((await getJson(`${base}/healthz/more`)).status).toBe(404);
  });

  it('an ingress without ops endpoints still answers /healthz, and 404 for /metrics and /readyz', async () => {
    const ingress = await startHttpIngress({
      db: t.db,
      jobs: new BullJobQueue(redis, 'test-health'),
      logger: silentLogger,
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 65536,
    });
    cleanups.push(() => ingress.close());
    const base = `http://127.0.0.1:${ingress.port}`;
    expect((await getJson(`${base}/healthz`)).body).toEqual({ status: 'ok' });
    expect((await getJson(`${base}/metrics`)).status).toBe(404);
    expect((await getJson(`${base}/readyz`)).status).toBe(404);
  });
});

describe('/readyz says what is wrong', () => {
  it('Postgres unreachable → 503 naming postgres (and the migrations it cannot read); /healthz still 200', async () => {
    const db = connectDatabase(`postgres://switchboard:x@127.0.0.1:${await closedPort()}/nothing`, { max: 1 });
    cleanups.push(() => db.destroy());
    const redis = createRedis(inject('redisUrl'), 'producer');
    cleanups.push(async () => redis.disconnect());
    const { base } = await ingressOver(db, redis);
    const ready = await getJson(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('not_ready');
    expect(ready.body.checks.postgres.ok).toBe(false);
    expect(ready.body.checks.postgres.error).toMatch(/ECONNREFUSED|connect/i);
    expect(ready.body.checks.migrations.ok).toBe(false);
    expect(ready.body.checks.redis).toEqual({ ok: true });
    expect(ready.ms).toBeLessThan(2000);
    expect((await getJson(`${base}/healthz`)).status).toBe(200);
  });

  it('migrations behind → 503 naming the migrations not applied', async () => {
    const t = await createTestDatabase({ migrated: false });
    cleanups.push(() => t.drop());
    const redis = createRedis(inject('redisUrl'), 'producer');
    cleanups.push(async () => redis.disconnect());
    const { base } = await ingressOver(t.db, redis);
    const ready = await getJson(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.postgres).toEqual({ ok: true });
    expect(ready.body.checks.redis).toEqual({ ok: true });
    const names = Object.keys(migrations);
    expect(ready.body.checks.migrations).toEqual({
      ok: false,
      error: `${names.length} migration(s) not applied: ${names.join(', ')} (run: switchboard migrate)`,
    });
  });

  it('Redis unreachable → 503 naming redis, within the check budget', async () => {
    const t = await createTestDatabase();
    cleanups.push(() => t.drop());
    const redis = createRedis(`redis://127.0.0.1:${await closedPort()}`, 'producer');
    cleanups.push(async () => redis.disconnect());
    const { base } = await ingressOver(t.db, redis);
    const ready = await getJson(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.redis.ok).toBe(false);
    expect(ready.body.checks.postgres).toEqual({ ok: true });
    expect(ready.body.checks.migrations).toEqual({ ok: true });
    expect(ready.ms).toBeLessThan(2000);
  });
});

describe('a worker-only process', () => {
  const bin = fileURLToPath(new URL('../../../bin/switchboard.mjs', import.meta.url));
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('`switchboard worker` with METRICS_PORT=0 serves /metrics, /healthz and /readyz on the port it logs, and stops on SIGTERM', async () => {
    const t = await createTestDatabase();
    cleanups.push(() => t.drop());
    child = spawn(process.execPath, [bin, 'worker', '--queues', 'chat-events,maintenance'], {
      env: childEnv({
        LOG_LEVEL: 'info',
        DATABASE_URL: t.url,
        REDIS_URL: inject('redisUrl'),
        SWITCHBOARD_QUEUE_PREFIX: `test-ops-${process.pid}`,
        METRICS_PORT: '0',
      }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | string | null>((resolve) => child!.on('exit', (code, signal) => resolve(signal ?? code)));
    let log = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no metrics port logged within 30 s:\n${log}`)), 30_000);
      child!.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        for (const line of log.split('\n')) {
          if (!line.startsWith('{')) continue;
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg?.startsWith('metrics, healthz and readyz on ') && entry.port) {
            clearTimeout(timer);
            resolve(entry.port);
          }
        }
      });
      child!.on('exit', () => reject(new Error(`the worker exited:\n${log}`)));
    });
    expect(port).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${port}`;
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/^switchboard_queue_jobs\{queue="maintenance",state="delayed"\} \d+$/m);
    expect(text).toContain('switchboard_process_resident_memory_bytes');
    expect((await getJson(`${base}/healthz`)).body).toEqual({ status: 'ok' });
    const ready = await getJson(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    expect((await getJson(`${base}/v1/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
