import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { childEnv } from '../support/child-env.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// `switchboard start` says "Switchboard is running" only once the HTTP and SMTP ingress listen
// and the workers run; a port another program holds fails the start in one line naming the
// variable that moves it, with no "running" before it.

const bin = fileURLToPath(new URL('../../bin/switchboard.mjs', import.meta.url));
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

/** Runs `switchboard start --no-tui` until it exits, or until `stopWhen` matches its stderr (then SIGTERM). */
function start(env: Record<string, string>, stopWhen?: RegExp): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, 'start', '--no-tui', '--no-demo'], {
    env: childEnv({ DATABASE_URL: t.url, REDIS_URL: inject('redisUrl'), SWITCHBOARD_QUEUE_PREFIX: `start-banner-${t.name}`, LOG_LEVEL: 'info', INGRESS_HOST: '127.0.0.1', SMTP_INGRESS_HOST: '127.0.0.1', ...env }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stopWhen?.test(stderr)) child.kill('SIGTERM');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('exit', (code) => (clearTimeout(timer), resolve({ code, stderr }))));
}

/** A port held by another program for the length of `use`. */
async function withPortTaken<T>(use: (port: number) => Promise<T>): Promise<T> {
  const holder: Server = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  try {
    return await use((holder.address() as AddressInfo).port);
  } finally {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  }
}

describe('switchboard start', { timeout: 90_000 }, () => {
  it('prints the banner after every listener is up, with the ports they got', async () => {
    const { code, stderr } = await start({ INGRESS_PORT: '0', SMTP_INGRESS_PORT: '0' }, /Switchboard is running/);
    expect(code).toBe(0);
    const http = /"port":(\d+)[^\n]*"msg":"ingress listening/.exec(stderr);
    const smtp = /"port":(\d+)[^\n]*"msg":"SMTP ingress listening/.exec(stderr);
    const workers = stderr.indexOf('workers started');
    const banner = stderr.indexOf('Switchboard is running');
    expect(http && smtp && workers >= 0).toBeTruthy();
    expect(banner).toBeGreaterThan(Math.max(http!.index, smtp!.index, workers));
    expect(stderr).toContain(`Switchboard is running: ingress on http://127.0.0.1:${http![1]}, SMTP ingress on 127.0.0.1:${smtp![1]}, workers on every queue`);
  });

  it('a taken ingress port: no banner, one clear line naming INGRESS_PORT, exit 1', async () => {
    const { port, code, stderr } = await withPortTaken(async (port) => ({ port, ...(await start({ INGRESS_PORT: String(port), SMTP_INGRESS_PORT: '0' })) }));
    expect(stderr).not.toContain('Switchboard is running');
    expect(stderr).toMatch(new RegExp(`^error: INGRESS_PORT ${port} on 127\\.0\\.0\\.1 is in use by another program: stop it, or choose another port with INGRESS_PORT$`, 'm'));
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(1);
  });

  it('a taken SMTP port: no banner, the line names SMTP_INGRESS_PORT', async () => {
    const result = await withPortTaken(async (port) => ({ port, ...(await start({ INGRESS_PORT: '0', SMTP_INGRESS_PORT: String(port) })) }));
    expect(result.stderr).not.toContain('Switchboard is running');
    expect(result.stderr).toContain(`error: SMTP_INGRESS_PORT ${result.port} on 127.0.0.1 is in use by another program`);
    expect(result.code).toBe(1);
  });
});
