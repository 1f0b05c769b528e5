import { sql, type Kysely } from 'kysely';
import type { SendMailOptions } from 'nodemailer';
import type { Database, OutboxStatus, Property } from '../db/schema.ts';
import { DeliveryRefusedError, NotVisibleYetError } from '../errors.ts';
import { composeEmail } from './compose-email.ts';

/** Something that sends a message, e.g. a nodemailer SMTP transport. */
export interface MailTransport {
  sendMail(message: SendMailOptions): Promise<unknown>;
}

/** Picks the transport of a property (its own SMTP server, or the global one). */
export type TransportFor = (property: Property) => MailTransport;

/** An SMTP error the server gave for good: 5xx, but not authentication (a config to fix, then retry). */
function isPermanentSmtpError(error: unknown): { reason: string } | null {
  if (typeof error !== 'object' || error === null) return null;
  const { responseCode, code, response, message } = error as { responseCode?: number; code?: string; response?: string; message?: string };
  if (typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600 && code !== 'EAUTH') {
    return { reason: response ?? message ?? `SMTP ${responseCode}` };
  }
  return null;
}

/**
 * Sends one queued outbox email and marks it sent. A row that is no longer queued (sent,
 * failed, suppressed, bounced) is left alone, so a redelivered job sends nothing. A permanent
 * SMTP refusal (5xx) marks the row failed with the server's reason; other failures (4xx,
 * connection, timeout) are recorded and thrown to be retried with backoff.
 */
export async function sendOutboxEmail(db: Kysely<Database>, transportFor: TransportFor, outboxId: string): Promise<OutboxStatus> {
  const row = await db.selectFrom('outbox_emails').selectAll().where('id', '=', outboxId).executeTakeFirst();
  if (!row) throw new NotVisibleYetError(`outbox email ${outboxId} is not visible (yet)`);
  if (row.status !== 'queued') return row.status;
  const property = await db.selectFrom('properties').selectAll().where('id', '=', row.property_id).executeTakeFirstOrThrow();
  try {
    await transportFor(property).sendMail(composeEmail(property, row));
  } catch (error) {
    const permanent = isPermanentSmtpError(error);
    const reason = permanent?.reason ?? (error instanceof Error ? error.message : String(error));
    await db
      .updateTable('outbox_emails')
      .set({ attempts: sql`attempts + 1`, last_error: reason, ...(permanent ? { status: 'failed' as const } : {}) })
      .where('id', '=', outboxId)
      .where('status', '=', 'queued')
      .execute();
    if (permanent) throw new DeliveryRefusedError(`SMTP refused outbox email ${outboxId}: ${reason}`);
    throw error;
  }
  await db
    .updateTable('outbox_emails')
    .set({ status: 'sent', sent_at: sql`now()`, attempts: sql`attempts + 1`, last_error: null })
    .where('id', '=', outboxId)
    .where('status', '=', 'queued')
    .execute();
  return 'sent';
}
