/**
 * A bounce as an MTA sends it (RFC 3464 multipart/report): a human part, the delivery status
 * of the failed recipient, and the headers of the message that bounced.
 */
export function deliveryStatusNotification(options: {
  to: string;
  messageId: string;
  bouncedMessageId: string;
  diagnostic: string;
  bouncedHeaders?: string[];
}): string {
  const boundary = 'dsn-boundary';
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.com>',
    `To: ${options.to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: ${options.messageId}`,
    'Auto-Submitted: auto-replied',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    'MIME-Version: 1.0',
    '',
    `--${boundary}`,
    'Content-Type: text/plain',
    '',
    'I could not deliver your message to owner@example.com.',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    '',
    'Final-Recipient: rfc822; owner@example.com',
    'Action: failed',
    'Status: 5.1.1',
    `Diagnostic-Code: smtp; ${options.diagnostic}`,
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: ${options.bouncedMessageId}`,
    ...(options.bouncedHeaders ?? []),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
