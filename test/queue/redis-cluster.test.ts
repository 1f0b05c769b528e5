import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CliContext } from '../../cli/cli-context.ts';
import { parseChatEvents } from '../../core/chats/chat-event.ts';
import { storeChatEvents } from '../../core/chats/store-chat-events.ts';
import { parseConfig } from '../../core/config/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { queueNames } from '../../core/jobs/job-catalog.ts';
import { updateProperty } from '../../core/properties/property-store.ts';
import { checkHealth } from '../../tui/data/connection-health.ts';
import { queueStatsLoader } from '../../tui/data/queue-stats.ts';
import { BullJobQueue } from '../../queue/bullmq-job-queue.ts';
import { runProcesses } from '../../worker/main.ts';
import { MailTransports } from '../../worker/mail-transports.ts';
import { createRedis, type RedisConnection } from '../../queue/redis-connection.ts';
import { assertNoEviction } from '../../queue/redis-policy.ts';
import { startSmtpSink, type SmtpSink } from '../../worker/smtp-sink.ts';
import { startWorkers, type RunningWorkers } from '../../worker/start-workers.ts';
import { makeProperty } from '../support/inbox-fixture.ts';
import { at, eventId, silentLogger } from '../support/pipeline-harness.ts';
import { startRedisCluster, type LocalRedisCluster } from '../support/redis-cluster.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';

// Switchboard on a real Redis Cluster (3 masters): the same connection code, job queue,
// workers, dashboard reads and CLI as on one server, given a redis-cluster:// URL and a
// queue prefix with a hash tag.

let cluster: LocalRedisCluster;
let t: TestDatabase;
let mailDir: string;
let sink: SmtpSink;
const opened: { close(): Promise<unknown> | void }[] = [];
const connections: RedisConnection[] = [];
const prefix = '{sb-cluster-test}';

function connect(role: 'worker' | 'producer' | 'dashboard'): RedisConnection {
  const connection = createRedis(cluster.url, role);
  connections.push(connection);
  return connection;
}

beforeAll(async () => {
  cluster = await startRedisCluster(3);
  t = await createTestDatabase();
  mailDir = await mkdtemp(join(tmpdir(), 'switchboard-cluster-mail-'));
  sink = await startSmtpSink(mailDir);
}, 90_000);

afterAll(async () => {
  for (const item of opened.reverse()) await item.close();
  for (const connection of connections) connection.disconnect();
  await sink?.close();
  await t?.drop();
  await cluster?.stop();
  if (mailDir) await rm(mailDir, { recursive: true, force: true });
});

it('runs the chat pipeline on a cluster: jobs of several queues complete, every key in the hash tag slot', async () => {
  const jobs = new BullJobQueue(connect('producer'), prefix);
  opened.push(jobs);
  const property = await updateProperty(t.db, (await makeProperty(t.db, 'shop')).id, { trigger_enabled: false });
  const chat = 'cluster-chat';
  const events = parseChatEvents({
    events: [
      {
        id: eventId(),
        type: 'chat.started',
        property: 'shop',
        at: at(),
        chat: { id: chat },
        visitor: { id: 'v' },
        prechat: { email: 'rita@example.com' },
      },
      { id: eventId(), type: 'chat.ended', property: 'shop', at: at(), chat: { id: chat } },
    ],
  });
  const { newRowIds } = await storeChatEvents(t.db, property.id, events);
  for (const eventRowId of newRowIds) await jobs.add('chat-event', { eventRowId });
  await jobs.add('trash-purge', {}, { idSuffix: 'now' });

  const mail = new MailTransports(sink.url);
  const workers: RunningWorkers = await startWorkers({
    mail: { transportFor: (p) => mail.forProperty(p), inboundLimits: { maxAttachmentBytes: 1024 * 1024 }, ratePerMinute: 6000 },
    db: t.db,
    jobs,
    redisUrl: cluster.url,
    prefix,
    logger: silentLogger,
    concurrency: 2,
    lockDurationMs: 5000,
    purgeCron: '0 0 1 1 *',
    reconcileEveryMs: 3_600_000,
  });
  opened.push(workers);

  // chat-events → conversions → mail-outbound, and maintenance: four queues, one slot.
  const outbox = await waitFor(
    async () => {
      const rows = await t.db.selectFrom('outbox_emails').selectAll().execute();
      return rows.length > 0 && rows.every((r) => r.status === 'sent') && rows;
    },
    'the acknowledgement sent through the workers',
    30_000,
  );
  expect(outbox).toMatchObject([{ to_address: 'rita@example.com', kind: 'ticket_ack', status: 'sent' }]);
  const completed = async (name: (typeof queueNames)[number]) => (await jobs.queue(name).getJobCounts('completed')).completed!;
  await waitFor(async () => (await completed('maintenance')) >= 1, 'the trash purge');
  // Rows change inside a job, before BullMQ records it completed: wait for the records too.
  await waitFor(
    async () => (await completed('chat-events')) >= 2 && (await completed('conversions')) >= 1 && (await completed('mail-outbound')) >= 1,
    'the jobs recorded completed',
  );
  expect(await completed('chat-events')).toBe(2);
  expect(await completed('conversions')).toBe(1);
  expect(await completed('mail-outbound')).toBe(1);

  // Every key Switchboard wrote is in the one slot of its hash tag, on one master.
  const slot = Number((await cluster.cli(cluster.ports[0]!, 'CLUSTER', 'KEYSLOT', 'sb-cluster-test')).trim());
  const perNode = await Promise.all(
    cluster.ports.map(async (port) => ({
      inSlot: Number((await cluster.cli(port, 'CLUSTER', 'COUNTKEYSINSLOT', String(slot))).trim()),
      all: Number((await cluster.cli(port, 'DBSIZE')).trim()),
    })),
  );
  const keys = perNode.reduce((sum, node) => sum + node.all, 0);
  expect(keys).toBeGreaterThan(10);
  expect(perNode.reduce((sum, node) => sum + node.inSlot, 0)).toBe(keys);
  expect(perNode.filter((node) => node.all > 0)).toHaveLength(1);

  // The dashboard reads the same queues over its own cluster connection.
  const dashboardRedis = connect('dashboard');
  const stats = queueStatsLoader(dashboardRedis, prefix);
  opened.push(stats);
  const table = await stats.load();
  expect(table.find((q) => q.name === 'conversions')).toMatchObject({ counts: { completed: 1 }, paused: false });
  expect(table.find((q) => q.name === 'chat-events')?.workers).toBeGreaterThanOrEqual(1);
  expect((await checkHealth(t.db, dashboardRedis)).redis).toBe('up');

  // And the CLI's job queue, from the environment alone, reaches the same workers.
  const ctx = new CliContext({}, { REDIS_URL: cluster.url, DATABASE_URL: t.url, SWITCHBOARD_QUEUE_PREFIX: prefix });
  opened.push(ctx);
  await (await ctx.jobs()).add('trash-purge', {}, { idSuffix: 'from-cli' });
  await waitFor(async () => (await jobs.queue('maintenance').getJob('trash-purge-scheduled-from-cli'))?.finishedOn, 'the CLI job');
});

it('checks maxmemory-policy on every master, and a worker refuses to start when one evicts', async () => {
  const connection = connect('producer');
  await expect(assertNoEviction(connection, silentLogger)).resolves.toBeUndefined();
  const evicting = cluster.ports[2]!;
  await cluster.cli(evicting, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
  try {
    const error = await assertNoEviction(connection, silentLogger).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`maxmemory-policy allkeys-lru (node 127.0.0.1:${evicting})`);
    // The real start-up path (worker/main.ts) with the environment an operator would set.
    const config = parseConfig({ REDIS_URL: cluster.url, LOG_LEVEL: 'silent', METRICS_PORT: '0', SWITCHBOARD_DATA_DIR: mailDir });
    const refused = await runProcesses(config, { databaseUrl: t.url, redisUrl: cluster.url }, { ingress: false, worker: true }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toMatch(/allkeys-lru \(node 127\.0\.0\.1:\d+\).*Set "maxmemory-policy noeviction"/);
  } finally {
    await cluster.cli(evicting, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  }
});

it('refuses a queue prefix without a hash tag on a cluster', () => {
  const connection = connect('producer');
  expect(() => new BullJobQueue(connection, 'switchboard')).toThrow(ConfigError);
  expect(() => new BullJobQueue(connection, 'switchboard')).toThrow(/SWITCHBOARD_QUEUE_PREFIX=\{switchboard\}/);
  expect(() => parseConfig({ REDIS_URL: cluster.url, SWITCHBOARD_QUEUE_PREFIX: 'switchboard' })).toThrow(
    /^SWITCHBOARD_QUEUE_PREFIX .*no Redis Cluster hash tag/,
  );
  // The default prefix on a cluster is already a hash tag.
  expect(parseConfig({ REDIS_URL: cluster.url }).queuePrefix).toBe('{switchboard}');
});
