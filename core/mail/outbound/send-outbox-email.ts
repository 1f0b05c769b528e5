import { sql, type Kysely } from 'kysely';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Database, OutboxEmailsTable, OutboxStatus, Property } from '../../db/schema.ts';
import { DeliveryRefusedError, NotVisibleYetError } from '../../errors.ts';
import { appendMessage } from '../../messages/append-message.ts';
import { composeEmail } from './compose-email.ts';
import { getPropertyById } from '../../properties/property-store.ts';

/**
 * Something that hands a message to an SMTP server. `beforeEnd` runs once the server has
 * accepted the envelope and the body is on its way, before the terminating "." of DATA is
 * written; if it rejects, the "." is never written and the connection is dropped, so the server
 * discards the message (worker/mail-transports.ts).
 */
export interface MailTransport {
  send(message: { from: string; to: string; raw: Buffer }, beforeEnd: () => Promise<void>): Promise<void>;
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

/**
 * Sends one queued outbox email and marks it sent, at most once. A row that is no longer
 * queued (sent, failed, suppressed, bounced) is left alone, so a redelivered job sends
 * nothing. A permanent SMTP refusal (5xx) marks the row failed with the server's reason;
 * other failures (4xx, connection, timeout) are recorded and thrown to be retried with backoff.
 *
 * SMTP cannot take part in a transaction, so "sent" and "recorded as sent" can never be one
 * step; what matters is where the gap falls. A server takes responsibility for a message when
 * it reads the terminating "." of DATA (RFC 5321 §4.1.1.4), and discards a message whose
 * connection drops before it. So the row is locked and updated to 'sent' in a transaction,
 * the message is streamed, and the COMMIT happens when the whole body has been handed over
 * but before the terminating "." is written: a crash before the COMMIT leaves the row queued
 * and the server without a message (the retry sends it once); a crash after it leaves a sent
 * row and a message the server gets whole. Neither duplicates. What remains is the time
 * between the database committing and the "." reaching the socket — the COMMIT's answer on
 * its way, the process waiting for a CPU, a few microseconds of our own code — in which a
 * kill -9 would lose the message (hence a mail worker of its own, with CPU priority:
 * docs/OPERATIONS.md). A server that then
 * answers with an error, or a connection that breaks before its answer, puts the row back to
 * queued (or failed, for a 5xx) and the send is retried.
 */
export async function sendOutboxEmail(db: Kysely<Database>, transportFor: TransportFor, outboxId: string): Promise<SendOutcome> {
  const trx = await db.startTransaction().execute();
  let committed = false;
  let kind: OutboxEmailsTable['kind'] | undefined;
  try {
    const row = await trx.selectFrom('outbox_emails').selectAll().where('id', '=', outboxId).forUpdate().executeTakeFirst();
    if (!row) throw new NotVisibleYetError(`outbox email ${outboxId} is not visible (yet)`);
    kind = row.kind;
    if (row.status !== 'queued') {
      await trx.rollback().execute();
      return { status: row.status, kind, sent: false };
    }
    const property = await getPropertyById(trx, row.property_id);
    await trx
      .updateTable('outbox_emails')
      .set({ status: 'sent', sent_at: sql`now()`, attempts: sql`attempts + 1`, last_error: null })
      .where('id', '=', outboxId)
      .execute();
    const raw = await new MailComposer(composeEmail(property, row)).compile().build();
    await transportFor(property).send({ from: row.from_address, to: row.to_address, raw }, async () => {
      await trx.commit().execute();
      committed = true;
    });
    return { status: 'sent', kind, sent: true };
  } catch (error) {
    if (!trx.isCommitted && !trx.isRolledBack)
      await trx
        .rollback()
        .execute()
        .catch(() => {});
    if (error instanceof NotVisibleYetError) throw error;
    const permanent = isPermanentSmtpError(error);
    const reason = permanent?.reason ?? (error instanceof Error ? error.message : String(error));
    // Recorded as sent, but the server refused the message or the connection broke before its
    // answer: the row goes back to queued (or failed) so that the retry, or a person, sees it.
    const was = committed ? 'sent' : 'queued';
    const marked = await db
      .updateTable('outbox_emails')
      .set({
        attempts: committed ? sql`attempts` : sql`attempts + 1`,
        last_error: reason,
        status: permanent ? 'failed' : 'queued',
        sent_at: null,
      })
      .where('id', '=', outboxId)
      .where('status', '=', was)
      .returning(['ticket_id', 'property_id', 'to_address'])
      .executeTakeFirst();
    // A refusal is final: the ticket says so, so nobody reads an earlier note as "it was sent".
    if (permanent && marked?.ticket_id) {
      const what = kind === 'ticket_ack' ? 'acknowledgement' : kind === 'breach_notice' ? 'breach notice' : 'reply';
      await appendMessage(db, {
        propertyId: marked.property_id,
        target: { ticketId: marked.ticket_id },
        sender: 'system',
        body: `The ${what} to ${marked.to_address} could not be sent: ${reason}`,
      });
    }
    const thrown = permanent ? new DeliveryRefusedError(`SMTP refused outbox email ${outboxId}: ${reason}`) : error;
    if (kind && typeof thrown === 'object' && thrown !== null) failedKinds.set(thrown, kind);
    throw thrown;
  }
}
