import { execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { childEnv } from '../support/child-env.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// Stopping what a user started stops Switchboard: a SIGTERM or SIGINT to the `npm start` (or
// `npx switchboard start`) process drains and exits, with no node left behind serving, and
// both ingress ports closed. npm runs its scripts through a shell, which must not stand
// between npm's forwarded signal and Node (.npmrc, package.json's start script).

const root = fileURLToPath(new URL('../..', import.meta.url));
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

/** Whether a TCP connection to the port on loopback is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Every descendant pid of `pid`, from ps. */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='])
    .toString()
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const walk = (parent: number) => rows.filter(([, ppid]) => ppid === parent).forEach(([child]) => (found.push(child!), walk(child!)));
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `command args`, waits for the banner, sends `signal` to that process alone (or, with
 * `group`, to its whole process group, as a terminal's ctrl-c does), and reports what was left.
 */
async function startThenStop(command: string, args: string[], signal: NodeJS.Signals, { group = false } = {}) {
  const child = spawn(command, args, {
    cwd: root,
    env: childEnv({
      HOME: process.env.HOME ?? '/root',
      DATABASE_URL: t.url,
      REDIS_URL: inject('redisUrl'),
      SWITCHBOARD_QUEUE_PREFIX: `start-stop-${t.name}`,
      INGRESS_HOST: '127.0.0.1',
      INGRESS_PORT: '0',
      SMTP_INGRESS_HOST: '127.0.0.1',
      SMTP_INGRESS_PORT: '0',
      CI: 'true',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: group,
  });
  let output = '';
  const banner = new Promise<{ http: number; smtp: number }>((resolve) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ingress on http:\/\/127\.0\.0\.1:(\d+), SMTP ingress on 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) resolve({ http: Number(match[1]), smtp: Number(match[2]) });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  const ports = await banner;
  const tree = descendants(child.pid!);
  expect(tree.length).toBeGreaterThan(0);
  const before = { http: await accepts(ports.http), smtp: await accepts(ports.smtp) };
  const sentAt = Date.now();
  if (group) process.kill(-child.pid!, signal);
  else child.kill(signal);
  const exit = await exited;
  const stoppedInMs = Date.now() - sentAt;
  // The tree may take a moment more to be reaped after npm itself returns.
  const deadline = Date.now() + 5_000;
  while (tree.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return {
    before,
    after: { http: await accepts(ports.http), smtp: await accepts(ports.smtp) },
    left: tree.filter(alive),
    exit,
    stoppedInMs,
    output,
  };
}

describe('stopping what a user started', { timeout: 120_000 }, () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`npm start: ${signal} to npm drains and exits, no node left, ports closed`, async () => {
      const result = await startThenStop('npm', ['start', '--', '--no-tui', '--no-demo'], signal);
      expect(result.before).toEqual({ http: true, smtp: true });
      expect(result.left).toEqual([]);
      expect(result.after).toEqual({ http: false, smtp: false });
      expect(result.output).toContain('"msg":"stopped"');
      // Within the drain timeout (DRAIN_TIMEOUT_MS, 25 s by default).
      expect(result.stoppedInMs).toBeLessThan(25_000);
    });
  }

  // A terminal's ctrl-c, timeout(1), and kill -- -PGID signal the whole process group: node
  // gets the signal itself and npm forwards its own too. That is one stop, not a second signal.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`npm start: ${signal} to its whole process group (node gets it from npm too) drains; it is not a second signal`, async () => {
      const result = await startThenStop('npm', ['start', '--', '--no-tui', '--no-demo'], signal, { group: true });
      expect(result.output).not.toContain('exiting now');
      expect(result.output).toContain('"msg":"stopped"');
      expect(result.exit.code).toBe(0);
      expect(result.left).toEqual([]);
      expect(result.after).toEqual({ http: false, smtp: false });
    });
  }

  it('npx switchboard start: SIGTERM to npx drains and exits, no node left, ports closed', async () => {
    const result = await startThenStop('npx', ['switchboard', 'start', '--no-tui', '--no-demo'], 'SIGTERM');
    expect(result.before).toEqual({ http: true, smtp: true });
    expect(result.left).toEqual([]);
    expect(result.after).toEqual({ http: false, smtp: false });
    expect(result.output).toContain('"msg":"stopped"');
  });
});
