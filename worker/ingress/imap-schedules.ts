import type { Queue } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Database } from '../../core/db/schema.ts';
import { jobOptions } from '../../queue/bullmq-job-queue.ts';
import { propertyIdsWithImap } from '../../core/properties/property-store.ts';

const prefix = 'imap-poll-';

/** The id of a property's IMAP poll schedule. */
export function imapScheduleId(propertyId: string): string {
  return `${prefix}${propertyId}`;
}

/**
 * Makes the `imap-poll` job schedulers on the mail-inbound queue match the properties: one
 * every `everyMs` per property with an imap_url, none for the others (a cleared imap-url stops
 * its polls). Idempotent and safe from several processes at once: only missing or changed
 * schedules are upserted, and removing one twice is harmless.
 */
export async function syncImapSchedules(
  db: Kysely<Database>,
  queue: Queue,
  everyMs: number,
): Promise<{ active: number; added: number; removed: number }> {
  const wanted = await propertyIdsWithImap(db);
  const wantedIds = new Set(wanted.map((propertyId) => imapScheduleId(propertyId)));
  const existing = new Map<string, number | undefined>();
  for (let start = 0; ; start += 1000) {
    const page = await queue.getJobSchedulers(start, start + 999, true);
    for (const s of page) if (s.key.startsWith(prefix)) existing.set(s.key, s.every);
    if (page.length < 1000) break;
  }
  let added = 0;
  let removed = 0;
  for (const propertyId of wanted) {
    const id = imapScheduleId(propertyId);
    if (existing.get(id) === everyMs) continue;
    await queue.upsertJobScheduler(id, { every: everyMs }, { name: 'imap-poll', data: { propertyId }, opts: jobOptions('imap-poll') });
    added++;
  }
  for (const id of existing.keys()) {
    if (wantedIds.has(id)) continue;
    await queue.removeJobScheduler(id);
    removed++;
  }
  return { active: wantedIds.size, added, removed };
}
