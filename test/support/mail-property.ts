// A fresh database with one property that receives mail, and a BullMQ job queue of its own
// on the run's Redis: what the inbound-mail tests that call core directly start from.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import type { Property } from '../../core/db/schema.ts';
import { updateProperty } from '../../core/properties/property-store.ts';
import { BullJobQueue } from '../../queue/bullmq-job-queue.ts';
import { createRedis } from '../../queue/redis-connection.ts';
import { makeProperty } from './inbox-fixture.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { clearQueues } from './clear-queues.ts';

export interface MailProperty {
  t: TestDatabase;
  jobs: BullJobQueue;
  property: Property;
  close(): Promise<void>;
}

/** Property `slug` receives mail at in.<slug>.example and answers from help@<slug>.example. */
export async function startMailProperty(slug: string): Promise<MailProperty> {
  const t = await createTestDatabase();
  const redis = createRedis(inject('redisUrl'), 'producer');
  const jobs = new BullJobQueue(redis, `test-${randomBytes(5).toString('hex')}`);
  const property = await updateProperty(t.db, (await makeProperty(t.db, slug)).id, {
    inbound_domain: `in.${slug}.example`,
    support_address: `help@${slug}.example`,
  });
  return {
    t,
    jobs,
    property,
    async close() {
      await clearQueues(jobs);
      await jobs.close();
      redis.disconnect();
      await t.drop();
    },
  };
}

/** The attachment limit the inbound-mail tests file with. */
export const mailLimits = { maxAttachmentBytes: 1024 * 1024 };

/**
 * startMailProperty for the tests of a file or describe block: started before them, dropped
 * after; `use` receives it (the tests keep their own `t`, `jobs`, `property`).
 */
export function useMailProperty(slug: string, use: (mail: MailProperty) => void): void {
  let mail: MailProperty | undefined;
  beforeAll(async () => {
    mail = await startMailProperty(slug);
    use(mail);
  });
  afterAll(async () => {
    await mail?.close();
  });
}
