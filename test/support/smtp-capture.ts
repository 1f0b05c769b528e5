import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { firstMessageId } from '../../core/mail/inbound/content/message-ids.ts';
import { headerValue, parseHeaderFields, splitHeaderBlock } from '../../core/mail/inbound/content/raw-mime.ts';

/** The Message-ID of a message an SMTP server received. */
export function messageIdOf(raw: Buffer): string | null {
  return firstMessageId(headerValue(parseHeaderFields(splitHeaderBlock(raw.toString('latin1')).head), 'message-id'));
}

/** A real SMTP server for tests: keeps what it is sent, or refuses it as told. */
export interface SmtpCapture {
  url: string;
  port: number;
  messages: { raw: Buffer; to: string[] }[];
  /** 'accept' (default), or an SMTP code to answer DATA with (e.g. 451 or 550). */
  respondWith: 'accept' | number;
  /** Runs before each recipient is accepted (a test's fault to inject mid-conversation). */
  beforeRecipient: () => Promise<void>;
  close(): Promise<void>;
}

/** Starts a capturing SMTP server on a loopback port (a given one, to come back after a stop). */
export async function startSmtpCapture(port = 0): Promise<SmtpCapture> {
  const capture: Omit<SmtpCapture, 'url' | 'port' | 'close'> = { messages: [], respondWith: 'accept', beforeRecipient: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      capture.beforeRecipient().then(() => callback(), callback);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (capture.respondWith !== 'accept') {
          const code = capture.respondWith;
          return callback(
            Object.assign(new Error(code >= 500 ? '5.7.1 Message rejected: recipient refuses mail' : '4.3.2 Try again later'), {
              responseCode: code,
            }),
          );
        }
        capture.messages.push({ raw: Buffer.concat(chunks), to: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      });
    },
  });
  // A client that dies mid-conversation (a killed worker) resets its socket: not our failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.server.address() as AddressInfo).port;
  return Object.assign(capture, {
    url: `smtp://127.0.0.1:${actual}`,
    port: actual,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
