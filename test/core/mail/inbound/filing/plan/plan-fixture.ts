// Pure inputs for the filing decisions: emails as parsing leaves them, tickets as planning sees them.
import type { ParsedEmail } from '../../../../../../core/mail/inbound/content/parse-email.ts';
import type { MailEmail } from '../../../../../../core/mail/inbound/filing/plan/derive.ts';
import type { PlannedTicket } from '../../../../../../core/mail/inbound/filing/plan/plan-types.ts';
import type { SenderAuth } from '../../../../../../core/mail/sender-auth.ts';

export const noBounce = { bounced: false, failedRecipients: [], originalMessageId: null, reason: null };

export function parsedEmail(overrides: Partial<ParsedEmail> = {}): ParsedEmail {
  return {
    messageId: '<m1@mail.example>',
    inReplyTo: null,
    references: [],
    subject: 'Hello',
    from: { address: 'ann@example.com', name: 'Ann' },
    to: ['help@shop.example'],
    cc: [],
    replyTo: null,
    date: null,
    text: 'Hi',
    visibleText: 'Hi',
    headers: {},
    attachments: [],
    contentHash: 'hash',
    cuts: [],
    ...overrides,
  };
}

export function mailEmail(mail: Partial<ParsedEmail> = {}, senderAuth: SenderAuth | null = null): MailEmail {
  return {
    row: { id: '1', message_id: '<m1@mail.example>', envelope_to: [], sender_auth: senderAuth },
    mail: parsedEmail(mail) as MailEmail['mail'],
    parseFailure: null,
    bounce: noBounce,
  };
}

export function plannedTicket(overrides: Partial<PlannedTicket> = {}): PlannedTicket {
  return {
    id: '10',
    number: 7,
    status: 'open',
    subject: 'Hello',
    contactId: 'c1',
    isNew: false,
    initialWords: '',
    addedWords: [],
    lastMessageAt: null,
    reopened: false,
    ...overrides,
  };
}

export function dmarc(result: SenderAuth['dmarc'], policy: SenderAuth['policy'] = null): SenderAuth {
  return { source: 'smtp', fromDomain: 'example.com', dmarc: result, policy, spf: 'none', dkim: 'none', dkimDomains: [], arc: null };
}
