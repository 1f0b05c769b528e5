// A real Redis Cluster for tests: a few redis-server masters on free loopback ports, each in a
// temp dir of its own, joined with `redis-cli --cluster create`. No replicas: the tests are
// about where keys go and what every master is asked, not about failover.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from '../../services/find-executable.ts';
import { logTail } from '../../services/log-tail.ts';
import { acceptsConnections, pickFreePort } from '../../services/loopback-port.ts';
import { runCommand } from '../../services/run-command.ts';
import { waitFor } from './wait-for.ts';

export interface LocalRedisCluster {
  /** `redis-cluster://127.0.0.1:p1,127.0.0.1:p2,...` */
  url: string;
  ports: number[];
  /** Runs redis-cli against one node, e.g. `cli(port, 'CONFIG', 'SET', ...)`; returns its output. */
  cli(port: number, ...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

const binDirs = ['/usr/bin', '/usr/sbin', '/usr/local/bin'];

function binary(name: string): string {
  const found = findExecutable(name, binDirs);
  // The global setup installs redis-server (Debian's package depends on redis-tools, redis-cli's).
  if (!found) throw new Error(`${name} is not installed: the Redis Cluster test needs redis-server and redis-cli`);
  return found;
}

/** Distinct free ports: a data port and a cluster bus port per node (port + 10000 may exceed 65535). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await pickFreePort());
  return [...ports];
}

export async function startRedisCluster(masters = 3): Promise<LocalRedisCluster> {
  const server = binary('redis-server');
  const redisCli = binary('redis-cli');
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-cluster-'));
  const all = await freePorts(masters * 2);
  const ports = all.slice(0, masters);
  const children: ChildProcess[] = [];
  const cli = async (port: number, ...args: string[]) => {
    const result = await runCommand(redisCli, ['-h', '127.0.0.1', '-p', String(port), ...args]);
    if (result.code !== 0) throw new Error(`redis-cli ${args.join(' ')} on ${port} failed (${result.code}): ${result.output}`);
    return result.output;
  };
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => (clearTimeout(kill), resolve()));
            child.kill('SIGTERM');
          }),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    ports.forEach((port, i) => {
      const args = [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--cluster-enabled',
        'yes',
        '--cluster-port',
        String(all[masters + i]),
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '5000',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
        '--logfile',
        join(dir, `redis-${port}.log`),
      ];
      children.push(spawn(server, args, { stdio: 'ignore' }));
    });
    for (const port of ports) await waitFor(() => acceptsConnections(port), `redis-server on port ${port}`);
    const created = await runCommand(redisCli, [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    if (created.code !== 0) throw new Error(`redis-cli --cluster create failed (${created.code}):\n${created.output}`);
    // Every node must agree before a client's slot map is complete.
    for (const port of ports) {
      await waitFor(
        async () => (await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
        `cluster_state:ok on port ${port}`,
        30_000,
        200,
      );
    }
  } catch (error) {
    const logs = await Promise.all(ports.map((port) => logTail(join(dir, `redis-${port}.log`))));
    await stop();
    throw new Error(`${(error as Error).message}\n${logs.join('\n')}`, { cause: error });
  }
  return { url: `redis-cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`, ports, cli, stop };
}
