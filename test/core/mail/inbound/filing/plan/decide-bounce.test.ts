import { describe, expect, it } from 'vitest';
import { decideBounce } from '../../../../../../core/mail/inbound/filing/plan/decide-bounce.ts';

describe('decideBounce', () => {
  const report = {
    bounced: true,
    failedRecipients: ['a@example.com'],
    originalMessageId: '<out@shop.example>',
    reason: '550 no such user',
  };

  it('marks the failed recipients and the bounced email’s recipient bouncing, and notes its ticket', () => {
    const outbound = new Map([['<out@shop.example>', { ticket_id: '10', to_address: 'b@example.com' }]]);
    expect(decideBounce(report, outbound)).toEqual({
      reason: '550 no such user',
      addresses: ['a@example.com', 'b@example.com'],
      ticketId: '10',
      note: 'Email to a@example.com, b@example.com bounced: 550 no such user',
    });
  });

  it('without a known outbound email there is no ticket, and a missing reason reads "delivery failed"', () => {
    const decision = decideBounce({ ...report, reason: null }, new Map());
    expect(decision.ticketId).toBeNull();
    expect(decision.reason).toBe('delivery failed');
    expect(decision.addresses).toEqual(['a@example.com']);
  });

  it('names ten recipients and counts the rest', () => {
    const failed = Array.from({ length: 12 }, (_, i) => `r${i}@example.com`);
    const decision = decideBounce({ ...report, failedRecipients: failed }, new Map());
    expect(decision.addresses).toHaveLength(12);
    expect(decision.note).toContain('r9@example.com and 2 more bounced');
  });
});
