import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { runProcesses } from '../../worker/main.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';

// A Redis that may evict keys would lose queued jobs silently: the worker refuses to start.

let redis: ChildProcess;
let port: number;
let t: TestDatabase;

beforeAll(async () => {
  port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
  // The embedded services installed redis-server; this one evicts (allkeys-lru), on purpose.
  redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'allkeys-lru'],
    { stdio: 'ignore' },
  );
  t = await createTestDatabase();
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
  await waitFor(accepts, 'the evicting redis-server');
});

afterAll(async () => {
  redis?.kill('SIGTERM');
  await t?.drop();
});

it('refuses to start against a Redis whose maxmemory-policy is not noeviction, naming the fix', async () => {
  const config = parseConfig({ LOG_LEVEL: 'silent', INGRESS_PORT: '0', SMTP_INGRESS_PORT: '0' });
  const error = await runProcesses(
    config,
    { databaseUrl: t.url, redisUrl: `redis://127.0.0.1:${port}` },
    { ingress: true, worker: true },
  ).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toMatch(/maxmemory-policy allkeys-lru.*Set "maxmemory-policy noeviction"/);
});
