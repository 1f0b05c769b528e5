// The phase profile: one more pass with every SQL statement and job add timed, and the CPU steps timed alone.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database, Property } from '../../core/db/schema.ts';
import type { JobName, JobPayloads } from '../../core/jobs/job-catalog.ts';
import type { JobQueue } from '../../core/jobs/job-queue.ts';
import { detectBounce } from '../../core/mail/inbound/content/bounce.ts';
import { contentHash } from '../../core/mail/inbound/content/content-hash.ts';
import { firstMessageId } from '../../core/mail/inbound/content/message-ids.ts';
import { parseEmail } from '../../core/mail/inbound/content/parse-email.ts';
import { firstFieldValue, rawHeaderBlock } from '../../core/mail/inbound/content/raw-mime.ts';
import { fileInboundBatch } from '../../core/mail/inbound/filing/file-inbound-emails.ts';
import { storeInboundEmail } from '../../core/mail/inbound/store/store-inbound-email.ts';
import type { CorpusEmail } from './corpus.ts';
import { batchSize, limits } from './options.ts';
import { statementLabel } from './statement-label.ts';

export interface Profile {
  emails: number;
  storeMs: number;
  ingestMs: number;
  queries: Map<string, { phase: string; calls: number; ms: number }>;
  jobs: Map<string, { calls: number; ms: number }>;
  parseMs: number;
  bounceMs: number;
  storeCpuMs: number;
}

/**
 * One more pass (stored, then filed by the jobs one after the other) with every SQL statement and job add timed, and the CPU steps
 * timed alone.
 */
export async function profilePhases(url: string, realJobs: JobQueue, property: Property, emails: CorpusEmail[]): Promise<Profile> {
  let phase = 'store';
  const queries = new Map<string, { phase: string; calls: number; ms: number }>();
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }),
    log: (event) => {
      const key = `${phase}: ${statementLabel(event.query.sql)}`;
      const entry = queries.get(key) ?? { phase, calls: 0, ms: 0 };
      entry.calls++;
      entry.ms += event.queryDurationMillis;
      queries.set(key, entry);
    },
  });
  const jobStats = new Map<string, { calls: number; ms: number }>();
  const jobs: JobQueue = {
    async add<N extends JobName>(name: N, data: JobPayloads[N], options?: { delayMs?: number; idSuffix?: string }) {
      const t = performance.now();
      try {
        await realJobs.add(name, data, options);
      } finally {
        const entry = jobStats.get(`${phase}: add ${name}`) ?? { calls: 0, ms: 0 };
        entry.calls++;
        entry.ms += performance.now() - t;
        jobStats.set(`${phase}: add ${name}`, entry);
      }
    },
    async addBulk(requests) {
      const t = performance.now();
      try {
        await realJobs.addBulk(requests);
      } finally {
        const entry = jobStats.get(`${phase}: addBulk ${requests[0]?.name}`) ?? { calls: 0, ms: 0 };
        entry.calls++;
        entry.ms += performance.now() - t;
        jobStats.set(`${phase}: addBulk ${requests[0]?.name}`, entry);
      }
    },
    remove: (name, data, options) => realJobs.remove(name, data, options),
    requeue: (name, data) => realJobs.requeue(name, data),
  };
  let storeMs = 0;
  let ingestMs = 0;
  try {
    // Stored first, then filed by the jobs in order: each job files a batch of what waits.
    const ids: string[] = [];
    phase = 'store';
    let t = performance.now();
    for (const email of emails)
      ids.push(
        (
          await storeInboundEmail(db, jobs, email.raw, {
            propertyId: property.id,
            via: 'smtp',
            from: email.envelopeFrom,
            to: [email.rcptTo],
          })
        ).id,
      );
    storeMs += performance.now() - t;
    phase = 'file';
    t = performance.now();
    for (const id of ids) await fileInboundBatch(db, jobs, id, limits, { batchSize });
    ingestMs += performance.now() - t;
  } finally {
    await db.destroy();
  }
  // The CPU steps of the same messages on their own (they run inside store and ingest above).
  const cpu = async (fn: (raw: Buffer) => unknown) => {
    for (const e of emails.slice(0, 50)) await fn(e.raw);
    const t = performance.now();
    for (const e of emails) await fn(e.raw);
    return performance.now() - t;
  };
  const parseMs = await cpu((raw) => parseEmail(raw, limits));
  const bounceMs = await cpu((raw) => detectBounce(raw));
  // What storeInboundEmail computes before its insert: the Message-ID from the header block, the content hash when there is none.
  const storeCpuMs = await cpu((raw) => {
    const messageId = firstMessageId(firstFieldValue(rawHeaderBlock(raw, 0, 256 * 1024), 'message-id'));
    return messageId === null ? contentHash(raw) : messageId;
  });
  return { emails: emails.length, storeMs, ingestMs, queries, jobs: jobStats, parseMs, bounceMs, storeCpuMs };
}
