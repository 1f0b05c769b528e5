import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/** A running sink: its SMTP URL, and how to stop it. */
export interface SmtpSink {
  url: string;
  close(): Promise<void>;
}

/**
 * The embedded default for outbound mail when no SMTP server is configured: a loopback SMTP
 * server that keeps every message it is given as an .eml file, so a new install sends real
 * mail (to a folder) and the demo shows it.
 */
export async function startSmtpSink(dir: string): Promise<SmtpSink> {
  await mkdir(dir, { recursive: true });
  let sequence = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address).join(',');
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${++sequence}-${to.replace(/[^A-Za-z0-9@.+-]/g, '_').slice(0, 80)}.eml`;
        writeFile(path.join(dir, name), Buffer.concat(chunks)).then(() => callback(), callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
