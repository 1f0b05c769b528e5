import type { Kysely } from 'kysely';
import type { Database, InboundEmail } from '../db/schema.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { contentHash } from './inbound/content-hash.ts';
import { firstMessageId } from './inbound/message-ids.ts';
import { headerValue, parseHeaderFields, splitHeaderBlock } from './inbound/raw-mime.ts';

/** The Message-ID of a raw message, read from its header block alone (before any full parse). */
function rawMessageId(raw: Buffer): string | null {
  const head = splitHeaderBlock(raw.subarray(0, 256 * 1024).toString('latin1')).head;
  const id = firstMessageId(headerValue(parseHeaderFields(head), 'message-id'));
  return id && id.length <= 998 ? id : null;
}

/** Where a raw message came from. */
export interface InboundEnvelope {
  propertyId: string;
  via: InboundEmail['received_via'];
  from?: string | null;
  to?: string[];
}

/**
 * Stores a raw inbound message before anyone is told it arrived (the SMTP 250, the IMAP
 * flag). The same message delivered twice is stored once: by Message-ID within the
 * property, or by content when it has none. Then its processing is queued; if Redis is down
 * the row waits for reconcile.
 */
export async function storeInboundEmail(
  db: Kysely<Database>,
  jobs: JobQueue,
  raw: Buffer,
  envelope: InboundEnvelope,
): Promise<{ id: string; duplicate: boolean }> {
  const messageId = rawMessageId(raw);
  const hash = contentHash(raw);
  const inserted = await db
    .insertInto('inbound_emails')
    .values({
      property_id: envelope.propertyId,
      received_via: envelope.via,
      raw,
      raw_size: raw.length,
      content_hash: hash,
      message_id: messageId,
      envelope_from: envelope.from ?? null,
      envelope_to: envelope.to ?? [],
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const existing = await db
      .selectFrom('inbound_emails')
      .select('id')
      .where('property_id', '=', envelope.propertyId)
      .where((eb) => (messageId ? eb('message_id', '=', messageId) : eb.and([eb('message_id', 'is', null), eb('content_hash', '=', hash)])))
      .executeTakeFirstOrThrow();
    return { id: existing.id, duplicate: true };
  }
  await jobs.add('inbound-email', { inboundEmailId: inserted.id }).catch(() => {
    // Stored is what matters here; reconcile queues rows that have no job.
  });
  return { id: inserted.id, duplicate: false };
}
