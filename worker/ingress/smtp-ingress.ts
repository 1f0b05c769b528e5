import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { Database } from '../../core/db/schema.ts';
import type { JobQueue } from '../../core/jobs/job-queue.ts';
import { InboundGroupCommit } from '../../core/mail/inbound/store/inbound-group-commit.ts';
import type { RawMailHandoff } from '../../core/mail/inbound/store/raw-mail-handoff.ts';
import { verifySender, type SenderVerifier } from '../../core/mail/sender-auth.ts';
import type { Logger } from '../logger.ts';
import type { SwitchboardMetrics } from '../metrics/metrics.ts';
import { propertyIdByInboundDomain } from '../../core/properties/property-store.ts';

/** What the SMTP ingress needs. */
export interface SmtpIngressOptions {
  db: Kysely<Database>;
  jobs: JobQueue;
  logger: Logger;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  maxMessageBytes: number;
  /** Mail taken and refused is counted only when given. */
  metrics?: SwitchboardMetrics;
  /** Given when this process also files mail: stored messages are handed to its worker. */
  rawMailHandoff?: RawMailHandoff;
  /**
   * How senders are verified (DNS resolver, time budget): the composition root passes the
   * system's DNS (core/mail/sender-auth-dns.ts), tests a resolver of their own records.
   */
  senderVerifier: SenderVerifier;
}

/** An SMTP reply with a status code, as smtp-server expects errors. */
function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * Receives mail for the properties' inbound domains. A recipient in no property's domain is
 * refused (550) at RCPT; a message over the size limit gets 552; a message is answered 250
 * only after its raw bytes are stored in Postgres (451, try again later, if it cannot be).
 */
export async function startSmtpIngress(options: SmtpIngressOptions): Promise<{ port: number; close(): Promise<void> }> {
  const { db, jobs, logger, metrics } = options;
  const refused = (reason: 'unknown_domain' | 'too_big' | 'lookup_failed' | 'storage_down') => metrics?.emailsRefused.inc({ reason });
  const propertiesOf = new WeakMap<SMTPServerSession, Set<string>>();
  // Concurrent sessions' messages are stored together: one statement and commit for many.
  const inbound = new InboundGroupCommit(db, jobs, options.rawMailHandoff);
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: options.maxMessageBytes,
    logger: false,
    banner: 'Switchboard',
    onMailFrom(_address, session, callback) {
      // Each transaction of a connection (a pooled client sends many) has its own recipients.
      propertiesOf.delete(session);
      callback();
    },
    onRcptTo(address, session, callback) {
      const domain = address.address.split('@').pop()?.toLowerCase() ?? '';
      propertyIdByInboundDomain(db, domain).then(
        (propertyId) => {
          if (propertyId === undefined) {
            refused('unknown_domain');
            return callback(smtpError(550, `5.1.2 no mailbox here for domain ${domain}`));
          }
          const ids = propertiesOf.get(session) ?? new Set<string>();
          ids.add(propertyId);
          propertiesOf.set(session, ids);
          callback();
        },
        (error: unknown) => {
          logger.warn({ err: error }, 'smtp: cannot look up the recipient domain');
          refused('lookup_failed');
          callback(smtpError(451, '4.3.0 temporary failure, try again later'));
        },
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          refused('too_big');
          return callback(smtpError(552, `5.3.4 message exceeds the size limit of ${options.maxMessageBytes} bytes`));
        }
        const raw = Buffer.concat(chunks);
        const properties = [...(propertiesOf.get(session) ?? [])];
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
        const envelope = { via: 'smtp' as const, from: mailFrom, to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()) };
        // SPF, DKIM, DMARC and ARC are checked before storing, within the verifier's time
        // budget; a failure to check is recorded (temperror), never a reason to lose the mail.
        verifySender(raw, { ip: session.remoteAddress, helo: session.hostNameAppearsAs || null, mailFrom }, options.senderVerifier)
          .then((senderAuth) => Promise.all(properties.map((propertyId) => inbound.store(raw, { ...envelope, propertyId, senderAuth }))))
          .then(
            (stored) => {
              for (const s of stored) metrics?.emailsReceived.inc({ via: 'smtp', outcome: s.duplicate ? 'duplicate' : 'stored' });
              logger.info({ properties, inbound: stored.map((s) => s.id), bytes: raw.length }, 'smtp: message stored');
              callback(null, `2.0.0 stored as ${stored.map((s) => s.id).join(',')}`);
            },
            (error: unknown) => {
              logger.error({ err: error }, 'smtp: cannot store the message');
              refused('storage_down');
              callback(smtpError(451, '4.3.0 cannot store the message now, try again later'));
            },
          );
      });
    },
  });
  server.on('error', (error) => logger.warn({ err: error }, 'smtp: connection error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
