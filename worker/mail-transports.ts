import { Readable } from 'node:stream';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Property } from '../core/db/schema.ts';
import type { MailTransport } from '../core/mail/outbound/send-outbox-email.ts';

/** Bounded so that a hung server becomes a retried job, not a stuck worker. */
const timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * Outbound SMTP, one connection per message (nothing stays open, nothing to close), to a property's own SMTP server when it has one,
 * the global one otherwise. Built on nodemailer's SMTPConnection rather than a transport: a
 * transport reads the whole message as soon as it is handed over, while a connection reads it
 * only once the server has accepted DATA — which is what lets the sender record the message as
 * sent at the last moment before the server can take it (core/mail/outbound/send-outbox-email.ts).
 */
export class MailTransports {
  constructor(private readonly defaultUrl: string) {}

  /** The transport for a property's mail. */
  forProperty(property: Property): MailTransport {
    const url = property.smtp_url ?? this.defaultUrl;
    return { send: (message, beforeEnd) => sendOverSmtp(url, message, beforeEnd) };
  }
}

async function sendOverSmtp(
  url: string,
  message: { from: string; to: string; raw: Buffer },
  beforeEnd: () => Promise<void>,
): Promise<void> {
  const options = parseConnectionUrl(url);
  const connection = new SMTPConnection({ ...options, ...timeouts });
  // The connection reports a failure either as an 'error' event or to the pending callback;
  // whichever comes first settles the step in progress.
  let fail: (error: Error) => void = () => {};
  connection.on('error', (error: Error) => fail(error));
  const step = <T>(start: (done: (error: Error | null, value?: T) => void) => void) =>
    new Promise<T>((resolve, reject) => {
      fail = reject;
      start((error, value) => (error ? reject(error) : resolve(value as T)));
    });
  try {
    await step<void>((done) => connection.connect((error?: Error) => done(error ?? null)));
    if (options.auth) await step<boolean>((done) => connection.login(options.auth!, (error, ok) => done(error ?? null, ok)));
    await step<SMTPConnection.SentMessageInfo>((done) =>
      connection.send({ from: message.from, to: [message.to] }, endAfter(message.raw, beforeEnd), (error, info) =>
        done(error ?? null, info),
      ),
    );
    connection.quit();
  } catch (error) {
    connection.close();
    throw error;
  }
}

/**
 * The message as a stream that holds back its end until `beforeEnd` has run: the connection
 * writes the terminating "." only once the stream ends, and never if it fails (it then drops
 * the connection, and the server discards what it got).
 */
function endAfter(raw: Buffer, beforeEnd: () => Promise<void>): Readable {
  let stage: 'body' | 'ending' | 'ended' = 'body';
  return new Readable({
    read() {
      if (stage === 'body') {
        stage = 'ending';
        this.push(raw);
        return;
      }
      if (stage !== 'ending') return;
      stage = 'ended';
      beforeEnd().then(
        () => this.push(null),
        (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
}
