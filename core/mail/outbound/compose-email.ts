import type { SendMailOptions } from 'nodemailer';
import type { OutboxEmail, Property } from '../../db/schema.ts';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The HTML twin of a plain-text body: paragraphs and line breaks, everything escaped. */
export function textToHtml(text: string): string {
  const paragraphs = text.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`);
  return `<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">${paragraphs.join('\n')}</body></html>`;
}

/**
 * The message nodemailer sends for an outbox row: the Message-ID fixed when the row was
 * written, the thread headers, the signed Reply-To, text and HTML parts; automatic mail says
 * so (RFC 3834 Auto-Submitted), so well-behaved responders do not answer it.
 */
export function composeEmail(property: Property, row: OutboxEmail): SendMailOptions {
  return {
    from: { name: property.name, address: row.from_address },
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body ?? textToHtml(row.text_body),
    messageId: row.message_id,
    inReplyTo: row.in_reply_to ?? undefined,
    references: row.references.length ? row.references : undefined,
    replyTo: row.reply_to ?? undefined,
    headers: row.automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {},
  };
}
