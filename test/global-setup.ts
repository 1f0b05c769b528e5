// Vitest globalSetup: finds the Postgres and Redis the suites run against, once per run.
// Explicit DATABASE_URL/REDIS_URL win (CI with service containers); otherwise the embedded
// services are started through the same code path as `switchboard services up`.
import type { TestProject } from 'vitest/node';
import { parseConfig, readEnvironment } from '../core/config/config.ts';
import { servicesUp } from '../services/embedded-services.ts';
import { dropDatabase, prepareTemplate } from './support/test-database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    /** A migrated database that test databases are cloned from (test/support/test-database.ts). */
    templateDatabase: string;
  }
}

/** Provides `databaseUrl` and `redisUrl` to every test file (read them with `inject`). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A test harness is a composition root, so reading the environment here is allowed.
  const config = parseConfig(readEnvironment());
  let databaseUrl = config.databaseUrl ?? undefined;
  let redisUrl = config.redisUrl ?? undefined;
  if (!databaseUrl || !redisUrl) {
    const state = await servicesUp({
      dataDir: config.dataDir,
      log: (msg) => console.log(`[services] ${msg}`),
    });
    databaseUrl ??= state.databaseUrl;
    redisUrl ??= state.redisUrl;
  }
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisUrl);
  const templateDatabase = `sbtemplate_${process.pid}`;
  await prepareTemplate(databaseUrl, templateDatabase);
  project.provide('templateDatabase', templateDatabase);
  // The services keep running: a developer may be using them (`switchboard services down` stops them).
  return async () => {
    await dropDatabase(databaseUrl, templateDatabase);
  };
}
