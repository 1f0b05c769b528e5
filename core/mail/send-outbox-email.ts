import { sql, type Kysely } from 'kysely';
import type { SendMailOptions } from 'nodemailer';
import type { Database, OutboxEmailsTable, OutboxStatus, Property } from '../db/schema.ts';
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

/** What became of an outbox email: `sent` is true only when this call sent it. */
export interface SendOutcome {
  status: OutboxStatus;
  kind: OutboxEmailsTable['kind'];
  sent: boolean;
}

// The kind of the email each failed send was for, keyed by the error thrown, so that a caller
// counting failures per kind needs neither another query nor an error type of ours wrapped
// around the transport's (which would change what is retried and logged).
const failedKinds = new WeakMap<object, OutboxEmailsTable['kind']>();

/** The kind of email a send that threw `error` was attempting, if the error came from one. */
export function failedSendKind(error: unknown): OutboxEmailsTable['kind'] | undefined {
  return typeof error === 'object' && error !== null ? failedKinds.get(error) : undefined;
}

/** How long, after the SMTP server accepted a message, marking it sent keeps being retried (Postgres restarting). */
const markSentPatienceMs = 120_000;

/**
 * Sends one queued outbox email and marks it sent, at most once. A row that is no longer
 * queued (sent, failed, suppressed, bounced) is left alone, so a redelivered job sends
 * nothing. A permanent SMTP refusal (5xx) marks the row failed with the server's reason;
 * other failures (4xx, connection, timeout) are recorded and thrown to be retried with backoff.
 *
 * SMTP cannot take part in a transaction, so "sent" and "marked sent" can never be one step.
 * The gap between them is where a crash sends an email twice, and it is made as small as it
 * can be: the row is locked and already updated to 'sent' in an open transaction before the
 * SMTP conversation starts, so the server's 250 is followed by nothing but the COMMIT (bytes
 * already on their way when a kill -9 lands). The lock also keeps a second job for the same
 * row waiting instead of sending in parallel. If the COMMIT itself fails (Postgres restarting),
 * marking the row sent is retried until Postgres is back, rather than sending it again.
 */
export async function sendOutboxEmail(db: Kysely<Database>, transportFor: TransportFor, outboxId: string): Promise<SendOutcome> {
  const trx = await db.startTransaction().execute();
  let sent = false;
  let kind: OutboxEmailsTable['kind'] | undefined;
  try {
    const row = await trx.selectFrom('outbox_emails').selectAll().where('id', '=', outboxId).forUpdate().executeTakeFirst();
    if (!row) throw new NotVisibleYetError(`outbox email ${outboxId} is not visible (yet)`);
    kind = row.kind;
    if (row.status !== 'queued') {
      await trx.rollback().execute();
      return { status: row.status, kind, sent: false };
    }
    const property = await trx.selectFrom('properties').selectAll().where('id', '=', row.property_id).executeTakeFirstOrThrow();
    await trx
      .updateTable('outbox_emails')
      .set({ status: 'sent', sent_at: sql`now()`, attempts: sql`attempts + 1`, last_error: null })
      .where('id', '=', outboxId)
      .execute();
    await transportFor(property).sendMail(composeEmail(property, row));
    sent = true;
    await trx.commit().execute();
    return { status: 'sent', kind, sent: true };
  } catch (error) {
    if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute().catch(() => {});
    if (sent) return { status: await markSentAfterAll(db, outboxId, error), kind: kind!, sent: true };
    if (error instanceof NotVisibleYetError) throw error;
    const permanent = isPermanentSmtpError(error);
    const reason = permanent?.reason ?? (error instanceof Error ? error.message : String(error));
    await db
      .updateTable('outbox_emails')
      .set({ attempts: sql`attempts + 1`, last_error: reason, ...(permanent ? { status: 'failed' as const } : {}) })
      .where('id', '=', outboxId)
      .where('status', '=', 'queued')
      .execute();
    const thrown = permanent ? new DeliveryRefusedError(`SMTP refused outbox email ${outboxId}: ${reason}`) : error;
    if (kind && typeof thrown === 'object' && thrown !== null) failedKinds.set(thrown, kind);
    throw thrown;
  }
}

/** The server took the message but the COMMIT did not land: keep trying to record it, never resend. */
async function markSentAfterAll(db: Kysely<Database>, outboxId: string, cause: unknown): Promise<OutboxStatus> {
  const deadline = Date.now() + markSentPatienceMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await db
        .updateTable('outbox_emails')
        .set({ status: 'sent', sent_at: sql`now()`, attempts: sql`attempts + 1`, last_error: null })
        .where('id', '=', outboxId)
        .where('status', '=', 'queued')
        .execute();
      return 'sent';
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`outbox email ${outboxId} was accepted by the SMTP server but could not be marked sent (${String(cause)}; last: ${String(error)})`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 2000)));
    }
  }
}
