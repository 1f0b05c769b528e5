import { describe, expect, it } from 'vitest';
import { strangerNotes, strangerPolicy } from '../../../../../../core/mail/inbound/filing/plan/stranger-policy.ts';
import { plannedTicket } from './plan-fixture.ts';

describe('strangerPolicy', () => {
  const match = { ticket: plannedTicket({ contactId: 'c1' }), via: 'reference' as const };

  it('joins the ticket when the sender is its contact', () => {
    expect(strangerPolicy(match, 'c1')).toEqual({ ticket: match.ticket, stranger: null });
  });

  it("never joins another contact's ticket: the match is a stranger's", () => {
    expect(strangerPolicy(match, 'c2')).toEqual({ ticket: null, stranger: match });
  });

  it('no match, nothing to join', () => {
    expect(strangerPolicy(null, 'c1')).toEqual({ ticket: null, stranger: null });
  });

  it('notes name the other ticket on both sides', () => {
    const { emailNote, ticketNote } = strangerNotes(match, 'bob@example.com', 8);
    expect(emailNote).toBe("it referred to T7 (by reference) but bob@example.com is not that ticket's contact, so it was filed as T8");
    expect(ticketNote).toContain('filed as its own ticket T8');
  });
});
