import { describe, expect, it } from 'vitest';
import { decideThread } from '../../../../../../core/mail/inbound/filing/plan/decide-thread.ts';
import type { PlannedTicket } from '../../../../../../core/mail/inbound/filing/plan/plan-types.ts';
import { dmarc, mailEmail, plannedTicket } from './plan-fixture.ts';

const ticket = plannedTicket({ number: 7, contactId: 'c1' });
const lookup = {
  byMessageId: (id: string): PlannedTicket | undefined => (id === '<ours@shop.example>' ? ticket : undefined),
  byNumber: (n: number): PlannedTicket | undefined => (n === 7 ? ticket : undefined),
};
const reply = (auth = dmarc('pass')) => mailEmail({ inReplyTo: '<ours@shop.example>' }, auth);
const off = { sender_auth_mode: 'off' as const, arc_trusted_sealers: [] };
const flag = { sender_auth_mode: 'flag' as const, arc_trusted_sealers: [] };
const enforce = { sender_auth_mode: 'enforce' as const, arc_trusted_sealers: [] };

describe('decideThread', () => {
  it("joins the contact's ticket by reference", () => {
    const d = decideThread(off, reply(), [], 'c1', lookup);
    expect(d).toMatchObject({ ticket, stranger: null, refused: null, trust: null, marks: [] });
  });

  it("a stranger's reference does not join", () => {
    const d = decideThread(off, reply(), [], 'c2', lookup);
    expect(d.ticket).toBeNull();
    expect(d.stranger).toEqual({ ticket, via: 'reference' });
  });

  it('flag: an unverified sender joins by reference, and the email is marked', () => {
    const d = decideThread(flag, reply(dmarc('none')), [], 'c1', lookup);
    expect(d.ticket).toBe(ticket);
    expect(d.marks).toEqual(['sender not verified (DMARC none for example.com); filed on T7 by reference']);
  });

  it('enforce: an unverified sender does not join by reference: the ticket is refused', () => {
    const d = decideThread(enforce, reply(dmarc('none')), [], 'c1', lookup);
    expect(d.ticket).toBeNull();
    expect(d.refused).toEqual({ ticket, via: 'reference' });
  });

  it('a p=reject DMARC failure never joins, even with a valid reply token', () => {
    const token = { ticketNumber: 7, valid: true, address: 'reply+7@in.shop.example' };
    const d = decideThread(flag, mailEmail({}, dmarc('fail', 'reject')), [token], 'c1', lookup);
    expect(d.ticket).toBeNull();
    expect(d.refused).toEqual({ ticket, via: 'reply-token' });
  });

  it('a token that does not verify is reported, not followed', () => {
    const forged = { ticketNumber: 7, valid: false, address: 'reply+7x@in.shop.example' };
    const d = decideThread(off, mailEmail(), [forged], 'c1', lookup);
    expect(d).toMatchObject({ ticket: null, forgedToken: 'reply+7x@in.shop.example', forgedTokenTicket: 7 });
  });
});
