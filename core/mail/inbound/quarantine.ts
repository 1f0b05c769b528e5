import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { InvalidStateError, NotFoundError, ValidationError } from '../../errors.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';

/** A quarantined email, as listed for people. */
export interface QuarantinedEmail {
  id: string;
  receivedAt: Date;
  via: string;
  from: string | null;
  subject: string | null;
  size: number;
  reason: string | null;
}

/** The property's quarantined inbound mail, newest first. */
export async function listQuarantine(db: Kysely<Database>, propertyId: string, limit = 100): Promise<QuarantinedEmail[]> {
  const rows = await db
    .selectFrom('inbound_emails')
    .select(['id', 'received_at', 'received_via', 'from_address', 'envelope_from', 'subject', 'raw_size', 'reason'])
    .where('property_id', '=', propertyId)
    .where('status', '=', 'quarantined')
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    receivedAt: r.received_at,
    via: r.received_via,
    from: r.from_address ?? r.envelope_from,
    subject: r.subject,
    size: r.raw_size,
    reason: r.reason,
  }));
}

/**
 * Processes a stored inbound email again (e.g. after a fix), from its raw bytes. Only mail
 * that is quarantined or not processed yet: mail already on a ticket would be filed twice.
 */
export async function reprocessInboundEmail(db: Kysely<Database>, jobs: JobQueue, propertyId: string, idText: string): Promise<void> {
  const id = idText.trim().replace(/^#/, '');
  if (!/^\d{1,18}$/.test(id)) throw new ValidationError(`"${idText}" is not an inbound email id (see: switchboard mail quarantine)`);
  const row = await db
    .selectFrom('inbound_emails')
    .select(['status', 'ticket_id'])
    .where('id', '=', id)
    .where('property_id', '=', propertyId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`no inbound email ${id} in this property`);
  if (row.status === 'threaded' || row.status === 'bounce')
    throw new InvalidStateError(`inbound email ${id} was already filed (${row.status}); reprocessing would file it twice`);
  // Guarded again in the update itself: a batch may be filing the email right now (the update
  // waits for its row lock), and what it filed must not be reset and filed a second time.
  const reset = await db
    .updateTable('inbound_emails')
    .set({ status: 'received', reason: null, processed_at: null })
    .where('id', '=', id)
    .where('status', 'in', ['quarantined', 'received'])
    .executeTakeFirst();
  if (reset.numUpdatedRows === 0n) throw new InvalidStateError(`inbound email ${id} was filed meanwhile; reprocessing would file it twice`);
  await jobs.requeue('inbound-email', { inboundEmailId: id });
}
