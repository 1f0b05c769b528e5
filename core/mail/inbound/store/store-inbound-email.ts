import type { Kysely } from 'kysely';
import { byRowId } from '../../../db/row-id-order.ts';
import type { Database, InboundEmail } from '../../../db/schema.ts';
import type { JobQueue, JobRequest } from '../../../jobs/job-queue.ts';
import type { RawMailHandoff } from './raw-mail-handoff.ts';
import type { SenderAuth } from '../../sender-auth.ts';
import { contentHash } from '../content/content-hash.ts';
import { firstMessageId } from '../content/message-ids.ts';
import { firstFieldValue, rawHeaderBlock } from '../content/raw-mime.ts';

/**
 * The Message-ID of a raw message, read from its header block alone (before any full parse); an over-long one is none
 * (messageIdBounds).
 */
function rawMessageId(raw: Buffer): string | null {
  return firstMessageId(firstFieldValue(rawHeaderBlock(raw, 0, 256 * 1024), 'message-id'));
}

/** Where a raw message came from. */
export interface InboundEnvelope {
  propertyId: string;
  via: InboundEmail['received_via'];
  from?: string | null;
  to?: string[];
  /** What the ingress found of the sender's SPF, DKIM, DMARC and ARC (core/mail/sender-auth.ts). */
  senderAuth?: SenderAuth | null;
}

/** A raw message to store for one property. */
export interface InboundArrival {
  raw: Buffer;
  envelope: InboundEnvelope;
}

/** The stored row of an arrival; duplicate when the same message was stored before. */
export interface StoredInbound {
  id: string;
  duplicate: boolean;
}

/** What makes two deliveries the same message within a property (the two unique indexes). */
function sameMessageKey(propertyId: string, messageId: string | null, hash: string | null): string {
  return messageId === null ? `${propertyId} hash ${hash}` : `${propertyId} id ${messageId}`;
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
): Promise<StoredInbound> {
  return (await storeInboundEmails(db, jobs, [{ raw, envelope }]))[0]!;
}

/**
 * storeInboundEmail for several messages in one statement and one commit (the SMTP ingress
 * gathers concurrent sessions' messages: core/mail/inbound/store/inbound-group-commit.ts). Results are in
 * the arrivals' order; a message twice in the list is stored once, the later one reported as
 * its duplicate.
 */
export async function storeInboundEmails(db: Kysely<Database>, jobs: JobQueue, arrivals: InboundArrival[]): Promise<StoredInbound[]> {
  const { stored, jobRequests } = await insertInboundEmails(db, arrivals);
  await queueInboundJobs(jobs, jobRequests);
  return stored;
}

/** Queues what insertInboundEmails stored. Stored is what matters: if Redis is down, reconcile queues the rows. */
export async function queueInboundJobs(jobs: JobQueue, requests: JobRequest[]): Promise<void> {
  if (requests.length) await jobs.addBulk(requests).catch(() => {});
}

/**
 * The store's write: the rows (committed when this resolves) and the jobs that will file them.
 * The raw mail of new rows is put in `handoff` when this process files mail too.
 */
export async function insertInboundEmails(
  db: Kysely<Database>,
  arrivals: InboundArrival[],
  handoff?: RawMailHandoff,
): Promise<{ stored: StoredInbound[]; jobRequests: JobRequest[] }> {
  const keyed = arrivals.map(({ raw, envelope }) => {
    const messageId = rawMessageId(raw);
    // Only a message without a Message-ID is told apart by its content (a twentieth of the
    // ingress's CPU per email when every message was hashed).
    const hash = messageId === null ? contentHash(raw) : null;
    return { raw, envelope, messageId, hash, key: sameMessageKey(envelope.propertyId, messageId, hash) };
  });
  const firsts: typeof keyed = [];
  const seen = new Set<string>();
  for (const k of keyed) {
    if (seen.has(k.key)) continue;
    seen.add(k.key);
    firsts.push(k);
  }
  const inserted = await db
    .insertInto('inbound_emails')
    .values(
      firsts.map(({ raw, envelope, messageId, hash }) => ({
        property_id: envelope.propertyId,
        received_via: envelope.via,
        raw,
        raw_size: raw.length,
        content_hash: hash,
        message_id: messageId,
        envelope_from: envelope.from ?? null,
        envelope_to: envelope.to ?? [],
        sender_auth: envelope.senderAuth ?? null,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning(['id', 'property_id', 'message_id', 'content_hash'])
    .execute();
  const newIds = new Map(inserted.map((r) => [sameMessageKey(r.property_id, r.message_id, r.content_hash), r.id]));
  if (handoff) for (const k of firsts) if (newIds.has(k.key)) handoff.put(newIds.get(k.key)!, k.raw);
  const earlier = firsts.filter((k) => !newIds.has(k.key));
  const earlierIds = new Map<string, string>();
  if (earlier.length) {
    const rows = await db
      .selectFrom('inbound_emails')
      .select(['id', 'property_id', 'message_id', 'content_hash'])
      .where((eb) =>
        eb.or(
          earlier.map(({ envelope, messageId, hash }) =>
            eb.and([
              eb('property_id', '=', envelope.propertyId),
              messageId ? eb('message_id', '=', messageId) : eb.and([eb('message_id', 'is', null), eb('content_hash', '=', hash!)]),
            ]),
          ),
        ),
      )
      .execute();
    for (const r of rows) earlierIds.set(sameMessageKey(r.property_id, r.message_id, r.content_hash), r.id);
  }
  // One job per property for what this commit stored: it files them all (in batches), so a
  // busy ingress does not queue a job per message only to find most of them filed.
  const byProperty = new Map<string, string[]>();
  for (const r of [...inserted].sort((a, b) => byRowId(a.id, b.id))) {
    const ids = byProperty.get(r.property_id) ?? [];
    ids.push(r.id);
    byProperty.set(r.property_id, ids);
  }
  const jobRequests: JobRequest[] = [...byProperty.values()].map(([first, ...alsoIds]) => ({
    name: 'inbound-email' as const,
    data: alsoIds.length ? { inboundEmailId: first!, alsoIds } : { inboundEmailId: first! },
  }));
  const reported = new Set<string>();
  const stored = keyed.map((k) => {
    const id = newIds.get(k.key) ?? earlierIds.get(k.key);
    if (id === undefined) throw new Error(`inbound email ${k.messageId ?? k.hash}: neither stored nor found stored`);
    const duplicate = !newIds.has(k.key) || reported.has(k.key);
    reported.add(k.key);
    return { id, duplicate };
  });
  return { stored, jobRequests };
}
