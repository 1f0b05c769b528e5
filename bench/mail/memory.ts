// Peak memory of one email with a large attachment through store, ingest and parse.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { simpleParser } from 'mailparser';
import type { Database, Property } from '../../core/db/schema.ts';
import type { JobQueue } from '../../core/jobs/job-queue.ts';
import { parseEmail } from '../../core/mail/inbound/content/parse-email.ts';
import { ingestInboundEmail } from '../../core/mail/inbound/filing/ingest-inbound-email.ts';
import { supportAddress } from '../../core/mail/message-id.ts';
import { storeInboundEmail } from '../../core/mail/inbound/store/store-inbound-email.ts';
import { bigAttachmentEmail } from './corpus.ts';
import { attachmentMb, gc, limits } from './options.ts';

interface MemoryPeaks {
  rss: number;
  heapUsed: number;
  /** Buffers live outside the JS heap: external includes arrayBuffers. */
  external: number;
}

export interface MemoryResult {
  rawBytes: number;
  attachment: { size: number; stored: number | null; skipped: boolean } | null;
  status: string;
  phases: { name: string; ms: number; peak: MemoryPeaks }[];
  /** getrusage high-water mark above the RSS before the first phase; null when the process had peaked higher before. */
  maxRssAbove: number | null;
}

/** Samples process.memoryUsage() every 2 ms; peaks are relative to the values when it started. */
function memorySampler(): { stop(): MemoryPeaks } {
  const before = process.memoryUsage();
  const peak = { ...before };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.external = Math.max(peak.external, m.external);
  };
  const timer = setInterval(sample, 2);
  return {
    stop() {
      sample();
      clearInterval(timer);
      return { rss: peak.rss - before.rss, heapUsed: peak.heapUsed - before.heapUsed, external: peak.external - before.external };
    },
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

async function measurePhase<T>(name: string, call: () => Promise<T>): Promise<{ value: T; phase: MemoryResult['phases'][number] }> {
  await settle();
  const sampler = memorySampler();
  const started = performance.now();
  const value = await call();
  const ms = performance.now() - started;
  return { value, phase: { name, ms, peak: sampler.stop() } };
}

export async function measureBigAttachment(db: Kysely<Database>, jobs: JobQueue, property: Property): Promise<MemoryResult> {
  const raw = bigAttachmentEmail(Math.round(attachmentMb * 1024 * 1024), supportAddress(property), `big-${randomBytes(4).toString('hex')}`);
  // Warm the code paths on a small message so that module loading is not counted.
  const small = bigAttachmentEmail(64 * 1024, supportAddress(property), `warm-${randomBytes(4).toString('hex')}`);
  const warm = await storeInboundEmail(db, jobs, small, { propertyId: property.id, via: 'smtp' });
  await ingestInboundEmail(db, jobs, warm.id, limits);
  await simpleParser(small);

  await settle();
  const rssBefore = process.memoryUsage().rss;
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  const store = await measurePhase('storeInboundEmail', () => storeInboundEmail(db, jobs, raw, { propertyId: property.id, via: 'smtp' }));
  const ingest = await measurePhase('ingestInboundEmail', () => ingestInboundEmail(db, jobs, store.value.id, limits));
  const maxRssAfter = process.resourceUsage().maxRSS * 1024;
  const parse = await measurePhase('parseEmail alone', () => parseEmail(raw, limits));
  const bare = await measurePhase('bare simpleParser', () => simpleParser(raw));
  const attachment = await db
    .selectFrom('email_attachments')
    .select(['size', 'skipped', sql<number | null>`octet_length(content)`.as('stored')])
    .where('inbound_email_id', '=', store.value.id)
    .executeTakeFirst();
  return {
    rawBytes: raw.length,
    attachment: attachment
      ? { size: attachment.size, stored: attachment.stored === null ? null : Number(attachment.stored), skipped: attachment.skipped }
      : null,
    status: ingest.value.status,
    phases: [store.phase, ingest.phase, parse.phase, bare.phase],
    maxRssAbove: maxRssAfter > maxRssBefore ? maxRssAfter - rssBefore : null,
  };
}
