import type { Kysely } from 'kysely';
import { parseConfig, readEnvironment, type Config } from '../core/config/config.ts';
import { connectDatabase } from '../core/db/connect.ts';
import type { Database, Property } from '../core/db/schema.ts';
import { SwitchboardError } from '../core/errors.ts';
import { findProperty, listProperties } from '../core/properties/property-store.ts';
import { readServicesState } from '../services/embedded-services.ts';
import { BullJobQueue } from '../queue/bullmq-job-queue.ts';
import { createRedis } from '../queue/redis-connection.ts';

/** What every command gets: the parsed config and, on first use, the database. */
export class CliContext {
  readonly config: Config;
  private database: Kysely<Database> | null = null;
  private jobQueue: { queue: BullJobQueue; close(): Promise<void> } | null = null;

  constructor(
    readonly options: { property?: string; json?: boolean },
    env = readEnvironment(),
  ) {
    this.config = parseConfig(env);
  }

  /** The Postgres URL: DATABASE_URL, else the embedded service's. */
  async databaseUrl(): Promise<string> {
    if (this.config.databaseUrl) return this.config.databaseUrl;
    const state = await readServicesState(this.config.dataDir);
    if (!state) {
      throw new SwitchboardError(
        'not_running',
        'no DATABASE_URL is set and the embedded services are not running: run `npx switchboard services up` (or `npm start`)',
      );
    }
    return state.databaseUrl;
  }

  /** The Redis URL: REDIS_URL, else the embedded service's. */
  async redisUrl(): Promise<string> {
    if (this.config.redisUrl) return this.config.redisUrl;
    const state = await readServicesState(this.config.dataDir);
    if (!state) {
      throw new SwitchboardError(
        'not_running',
        'no REDIS_URL is set and the embedded services are not running: run `npx switchboard services up` (or `npm start`)',
      );
    }
    return state.redisUrl;
  }

  /** The database, connected once. */
  async db(): Promise<Kysely<Database>> {
    this.database ??= connectDatabase(await this.databaseUrl(), { max: 4 });
    return this.database;
  }

  /** The job queue, for actions that queue work (a conversion's email, a reply), connected once. */
  async jobs(): Promise<BullJobQueue> {
    if (!this.jobQueue) {
      const redis = createRedis(await this.redisUrl(), 'producer');
      const queue = new BullJobQueue(redis, this.config.queuePrefix);
      this.jobQueue = { queue, close: async () => (await queue.close(), redis.disconnect()) };
    }
    return this.jobQueue.queue;
  }

  /** The property commands act on: --property, SWITCHBOARD_PROPERTY, or the only one there is. */
  async property(): Promise<Property> {
    const ref = this.options.property ?? this.config.defaultProperty;
    if (ref) return findProperty(await this.db(), ref);
    const all = await listProperties(await this.db());
    if (all.length === 1) return all[0]!;
    if (all.length === 0)
      throw new SwitchboardError(
        'no_property',
        'there is no property yet: create one with `switchboard property create SLUG` or load the demo with `switchboard seed-demo`',
      );
    throw new SwitchboardError(
      'which_property',
      `there are ${all.length} properties (${all.map((p) => p.slug).join(', ')}): choose one with --property SLUG or SWITCHBOARD_PROPERTY`,
    );
  }

  /** Prints a value as JSON when --json was given, else the human text. */
  print(json: unknown, human: () => string): void {
    process.stdout.write(`${this.options.json ? JSON.stringify(json, null, 2) : human()}\n`);
  }

  async close(): Promise<void> {
    await this.jobQueue?.close();
    this.jobQueue = null;
    await this.database?.destroy();
    this.database = null;
  }
}
