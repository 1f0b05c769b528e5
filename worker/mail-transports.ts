import nodemailer, { type Transporter } from 'nodemailer';
import type { Property } from '../core/db/schema.ts';
import type { MailTransport } from '../core/mail/send-outbox-email.ts';

/**
 * One pooled nodemailer SMTP transport per server URL: a property's own SMTP server when it
 * has one, the global one otherwise. Timeouts are bounded so that a hung server becomes a
 * retried job, not a stuck worker.
 */
export class MailTransports {
  private readonly byUrl = new Map<string, Transporter>();

  constructor(private readonly defaultUrl: string) {}

  /** The transport for a property's mail. */
  forProperty(property: Property): MailTransport {
    const url = property.smtp_url ?? this.defaultUrl;
    let transport = this.byUrl.get(url);
    if (!transport) {
      transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as never);
      this.byUrl.set(url, transport);
    }
    return transport;
  }

  close(): void {
    for (const transport of this.byUrl.values()) transport.close();
    this.byUrl.clear();
  }
}
