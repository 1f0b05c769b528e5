// What the dashboard tests share: the demo inbox in a test database of its own, a Redis
// connection like the dashboard's, and the real dashboard started on a fake terminal.
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import type { Property } from '../../core/db/schema.ts';
import { seedDemo } from '../../core/demo/seed-demo.ts';
import { startDashboard, type Dashboard, type DashboardOptions } from '../../tui/dashboard.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import type { FakeTerminal } from './fake-terminal.ts';

/** A connection to the tests' Redis as the dashboard uses one (one retry, no offline queue), not yet connected. */
export function dashboardRedis(): Redis {
  return new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
}

export interface DemoDashboard {
  t: TestDatabase;
  property: Property;
  redis: Redis;
}

/** A fresh test database with the demo inbox, and a connected dashboardRedis. */
export async function openDemoDashboard(): Promise<DemoDashboard> {
  const t = await createTestDatabase();
  const property = (await seedDemo(t.db)).property;
  const redis = dashboardRedis();
  await redis.connect();
  return { t, property, redis };
}

/** Closes what openDemoDashboard opened (as much of it as it got to). */
export async function closeDemoDashboard(t: TestDatabase | undefined, redis: Redis | undefined): Promise<void> {
  redis?.disconnect();
  await t?.drop();
}

/** The real dashboard on the fake terminal `term`, refreshing once a minute (tests refresh it themselves). */
export function startOnTerminal(
  term: FakeTerminal,
  options: Omit<DashboardOptions, 'input' | 'output' | 'terminal' | 'refreshMs'>,
): Dashboard {
  return startDashboard({ ...options, input: term.input, output: term.output, terminal: 'xterm-256color', refreshMs: 60_000 });
}
