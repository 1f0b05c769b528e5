import { spawn } from 'node:child_process';
import { connect, createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { childEnv } from '../support/child-env.ts';
import { createProperty } from '../../core/properties/property-store.ts';
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
function start(
  env: Record<string, string>,
  stopWhen?: RegExp,
  beforeStop: (stderr: string) => Promise<unknown> = async () => null,
  flags = ['--no-tui', '--no-demo'],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; atStop: unknown }> {
  const child = spawn(process.execPath, [bin, 'start', ...flags], {
    env: childEnv({
      DATABASE_URL: t.url,
      REDIS_URL: inject('redisUrl'),
      SWITCHBOARD_QUEUE_PREFIX: `start-banner-${t.name}`,
      LOG_LEVEL: 'info',
      INGRESS_HOST: '127.0.0.1',
      SMTP_INGRESS_HOST: '127.0.0.1',
      ...env,
    }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let stopped = false;
  let atStop: unknown;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    // One SIGTERM: a second one during the drain would end the process at once.
    if (!stopped && stopWhen?.test(stderr)) {
      stopped = true;
      void beforeStop(stderr).then((value) => {
        atStop = value;
        child.kill('SIGTERM');
      });
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('exit', (code, signal) => (clearTimeout(timer), resolve({ code, signal, stderr, atStop }))));
}

/** Whether a TCP connection to the port on loopback is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
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
  it('says in one line why it opens no dashboard, and how to open one', async () => {
    const ports = { INGRESS_PORT: '0', SMTP_INGRESS_PORT: '0' };
    const none = await start(ports, /Switchboard is running[^\n]*\n/, async () => null, ['--no-demo']);
    expect(none.stderr).toContain(
      'no dashboard: there is no property yet (create one with `switchboard property create SLUG`); open it in a terminal with `npx switchboard tui`',
    );
    await createProperty(t.db, { slug: 'banner-shop' });
    // Its stdout is a pipe here, as under a service manager or `npm start | tee`.
    const piped = await start({ ...ports, CI: '' }, /Switchboard is running[^\n]*\n/, async () => null, ['--no-demo']);
    expect(piped.stderr).toContain(
      'no dashboard: stdout is not a terminal (the log goes to stderr); open it in a terminal with `npx switchboard tui`',
    );
    expect(piped.code).toBe(0);
  });

  it('prints the banner after every listener is up, with the ports they got', async () => {
    // The moment the banner is read, both ports it names must already take connections.
    const { code, stderr, atStop } = await start(
      { INGRESS_PORT: '0', SMTP_INGRESS_PORT: '0' },
      /Switchboard is running[^\n]*\n/,
      async (text) => {
        const [, http, smtp] = /ingress on http:\/\/127\.0\.0\.1:(\d+), SMTP ingress on 127\.0\.0\.1:(\d+)/.exec(text) ?? [];
        return { http: await accepts(Number(http)), smtp: await accepts(Number(smtp)) };
      },
    );
    expect(atStop).toEqual({ http: true, smtp: true });
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /Switchboard is running: ingress on http:\/\/127\.0\.0\.1:\d+, SMTP ingress on 127\.0\.0\.1:\d+, workers on every queue/,
    );
  });

  it('a taken ingress port: no banner, one clear line naming INGRESS_PORT, exit 1', async () => {
    const { port, code, stderr } = await withPortTaken(async (port) => ({
      port,
      ...(await start({ INGRESS_PORT: String(port), SMTP_INGRESS_PORT: '0' })),
    }));
    expect(stderr).not.toContain('Switchboard is running');
    expect(stderr).toMatch(
      new RegExp(
        `^error: INGRESS_PORT ${port} on 127\\.0\\.0\\.1 is in use by another program: stop it, or choose another port with INGRESS_PORT$`,
        'm',
      ),
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(1);
  });

  it('a taken SMTP port: no banner, the line names SMTP_INGRESS_PORT', async () => {
    const result = await withPortTaken(async (port) => ({
      port,
      ...(await start({ INGRESS_PORT: '0', SMTP_INGRESS_PORT: String(port) })),
    }));
    expect(result.stderr).not.toContain('Switchboard is running');
    expect(result.stderr).toContain(`error: SMTP_INGRESS_PORT ${result.port} on 127.0.0.1 is in use by another program`);
    expect(result.code).toBe(1);
  });
});
