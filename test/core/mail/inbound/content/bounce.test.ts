import { describe, expect, it } from 'vitest';
import { detectBounce } from '../../../../../core/mail/inbound/content/bounce.ts';
import { emlFixture } from './eml-fixture.ts';

const dsn = (status: string, options: { action?: string; original?: string; diagnostic?: string; encoding?: string } = {}) => {
  const statusBody = [
    'Reporting-MTA: dns; mx.example.net',
    '',
    'Final-Recipient: rfc822; anna@example.com',
    `Action: ${options.action ?? 'failed'}`,
    `Status: ${status}`,
    ...(options.diagnostic ? [`Diagnostic-Code: ${options.diagnostic}`] : []),
    '',
  ].join('\r\n');
  const encoded = options.encoding === 'base64' ? Buffer.from(statusBody).toString('base64') : statusBody;
  return Buffer.from(
    [
      'From: Mail Delivery Subsystem <mailer-daemon@mx.example.net>',
      'To: support@inbound.acme.example',
      'Subject: Delivery Status Notification',
      'Content-Type: multipart/report; report-type="delivery-status"; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      ...(options.encoding ? [`Content-Transfer-Encoding: ${options.encoding}`] : []),
      '',
      encoded,
      '--b1',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${options.original ?? '<ticket-12.3f1c9a7e@inbound.acme.example>'}`,
      'Subject: [#12] Missed chat from Anna',
      '',
      '--b1--',
      '',
    ].join('\r\n'),
  );
};

describe('detectBounce', () => {
  it('reads a Postfix DSN: failed recipient, reason and the Message-ID of our bounced mail', () => {
    expect(detectBounce(emlFixture('postfix-dsn-bounce.eml'))).toEqual({
      bounced: true,
      failedRecipients: ['anna.rossi@example.com'],
      originalMessageId: '<ticket-12.3f1c9a7e-2b4d-4c8e-a1f6-0d5e7b9c2a41@inbound.acme.example>',
      reason: '550 5.1.1 <anna.rossi@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
    });
  });

  it('reads an Exim bounce from X-Failed-Recipients and the copied headers in its body', () => {
    expect(detectBounce(emlFixture('exim-bounce-x-failed-recipients.eml'))).toEqual({
      bounced: true,
      failedRecipients: ['old.address@hosting.example'],
      originalMessageId: '<ticket-14.b7e2d91f-6a3c-4f0e-8d25-c4a1e9f7b830@inbound.acme.example>',
      reason: 'X-Failed-Recipients: old.address@hosting.example',
    });
  });

  it('reads the original Message-ID from a text/rfc822-headers part', () => {
    expect(detectBounce(dsn('5.2.2', { diagnostic: 'smtp; 552 5.2.2 Mailbox full' }))).toEqual({
      bounced: true,
      failedRecipients: ['anna@example.com'],
      originalMessageId: '<ticket-12.3f1c9a7e@inbound.acme.example>',
      reason: '552 5.2.2 Mailbox full',
    });
  });

  it('falls back to the Status when there is no Diagnostic-Code', () => {
    expect(detectBounce(dsn('5.1.1')).reason).toBe('Status: 5.1.1');
  });

  it('decodes a base64-encoded delivery-status part', () => {
    expect(detectBounce(dsn('5.1.1', { encoding: 'base64' })).failedRecipients).toEqual(['anna@example.com']);
  });

  it('does not count a delay warning or a success notification as a bounce', () => {
    expect(detectBounce(dsn('4.4.7', { action: 'delayed' }))).toEqual({
      bounced: false,
      failedRecipients: [],
      originalMessageId: null,
      reason: null,
    });
    expect(detectBounce(dsn('2.0.0', { action: 'delivered' })).bounced).toBe(false);
  });

  it('counts a 5.x.x status as failed even with an odd Action', () => {
    expect(detectBounce(dsn('5.7.1', { action: 'Failed' })).bounced).toBe(true);
  });

  it('is not fooled by a forwarded bounce: the report inside an attached message is not ours', () => {
    const forwarded = Buffer.concat([
      Buffer.from(
        'From: anna@example.com\r\nTo: support@inbound.acme.example\r\nSubject: Fwd: bounce?\r\nContent-Type: multipart/mixed; boundary="outer"\r\n\r\n--outer\r\nContent-Type: text/plain\r\n\r\nWhat is this?\r\n--outer\r\nContent-Type: message/rfc822\r\n\r\n',
      ),
      dsn('5.1.1'),
      Buffer.from('\r\n--outer--\r\n'),
    ]);
    expect(detectBounce(forwarded).bounced).toBe(false);
  });

  it('finds nothing in ordinary replies, lists and auto-replies', () => {
    for (const name of [
      'gmail-reply-with-quote.eml',
      'gmail-es-reply-with-attachments.eml',
      'outlook-out-of-office-auto-reply.eml',
      'mailing-list-post.eml',
      'broken-mime-missing-closing-boundary.eml',
      'binary-garbage.eml',
    ]) {
      expect(detectBounce(emlFixture(name)), name).toEqual({ bounced: false, failedRecipients: [], originalMessageId: null, reason: null });
    }
  });

  it('survives a report cut off in the middle', () => {
    const raw = emlFixture('postfix-dsn-bounce.eml');
    const cut = raw.subarray(0, raw.indexOf('Message-ID: <ticket-12'));
    expect(detectBounce(cut)).toMatchObject({ bounced: true, failedRecipients: ['anna.rossi@example.com'], originalMessageId: null });
  });
});
