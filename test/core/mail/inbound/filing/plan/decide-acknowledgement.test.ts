import { describe, expect, it } from 'vitest';
import { decideAcknowledgement, decideReopen } from '../../../../../../core/mail/inbound/filing/plan/decide-acknowledgement.ts';
import { mailEmail, plannedTicket } from './plan-fixture.ts';

describe('decideReopen', () => {
  it('a reply reopens a ticket that is not open', () => {
    expect(decideReopen(plannedTicket({ status: 'closed' }), false)).toBe(true);
    expect(decideReopen(plannedTicket({ status: 'open' }), false)).toBe(false);
  });

  it('the email that opened the ticket does not reopen it', () => {
    expect(decideReopen(plannedTicket({ status: 'closed' }), true)).toBe(false);
  });
});

describe('decideAcknowledgement', () => {
  const contact = { id: 'c1', email: 'ann@example.com', nameBefore: null };
  const human = { automatic: false, reason: null };
  const email = mailEmail({ messageId: '<m1@mail.example>', references: ['<r@mail.example>'] });

  it('acknowledges the ticket an email opened, threaded under it', () => {
    const ticket = plannedTicket({ isNew: true });
    expect(decideAcknowledgement(ticket, true, human, contact, null, email)).toEqual({
      ticket,
      visitor: { email: 'ann@example.com', name: 'Ann' },
      email: { messageId: '<m1@mail.example>', references: ['<r@mail.example>'] },
    });
  });

  it('not automatic mail, and not mail that joins a ticket', () => {
    expect(
      decideAcknowledgement(
        plannedTicket({ isNew: true }),
        true,
        { automatic: true, reason: 'Auto-Submitted: auto-replied' },
        contact,
        null,
        email,
      ),
    ).toBeNull();
    expect(decideAcknowledgement(plannedTicket({ isNew: true }), false, human, contact, null, email)).toBeNull();
  });
});
