// Vitest globalSetup: finds the Postgres and Redis the suites run against, once per run.
// Explicit DATABASE_URL/REDIS_URL win (CI with service containers); otherwise the embedded
// services are started through the same code path as `switchboard services up`.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
    /** The data dir of the processes tests start (test/support/child-env.ts), removed after the run. */
    testDataDir: string;
  }
}

/** Provides `databaseUrl` and `redisUrl` to every test file (read them with `inject`). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A test harness is a composition root, so reading the environment here is allowed.
  const config = parseConfig(readEnvironment());
  const sentBefore = new Set(mailIn(config.mail.sinkDir));
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
  const testDataDir = mkdtempSync(path.join(tmpdir(), 'switchboard-test-data-'));
  project.provide('testDataDir', testDataDir);
  // The services keep running: a developer may be using them (`switchboard services down` stops them).
  return async () => {
    await dropDatabase(databaseUrl, templateDatabase);
    rmSync(testDataDir, { recursive: true, force: true });
    // The data dir is the developer's (their `npm start` keeps its mail there): tests start the
    // embedded sink under a directory of their own (test/support/child-env.ts), never here.
    const written = mailIn(config.mail.sinkDir).filter((name) => !sentBefore.has(name));
    if (written.length) {
      // Vitest only logs an error thrown here: the exit status is what CI and `npm test` see.
      process.exitCode = 1;
      throw new Error(
        `the tests wrote ${written.length} email(s) into ${config.mail.sinkDir} (${written.slice(0, 3).join(', ')}): a process they started had neither SMTP_URL nor a SWITCHBOARD_DATA_DIR of its own (use childEnv from test/support/child-env.ts), unless a switchboard of your own sent them meanwhile`,
      );
    }
  };
}

/** The .eml files the embedded sink kept in `dir` (none when it does not exist). */
function mailIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.eml'));
  } catch {
    return [];
  }
}
