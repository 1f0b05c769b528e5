import { describe, expect, it } from 'vitest';
import { decideQuarantine } from '../../../../../../core/mail/inbound/filing/plan/decide-quarantine.ts';
import { mailEmail, noBounce, parsedEmail } from './plan-fixture.ts';

describe('decideQuarantine', () => {
  const row = { id: '1', message_id: null, envelope_to: [], sender_auth: null };

  it('files mail with a sender', () => {
    expect(decideQuarantine(mailEmail())).toBeNull();
  });

  it('quarantines what did not parse, with parseEmail’s reason', () => {
    expect(decideQuarantine({ row, mail: null, parseFailure: 'not an email', bounce: noBounce })).toEqual({
      reason: 'unparseable: not an email',
      subject: null,
    });
  });

  it('quarantines mail without a usable From, keeping its subject', () => {
    expect(decideQuarantine({ row, mail: parsedEmail({ from: null, subject: 'Invoice' }), parseFailure: null, bounce: noBounce })).toEqual({
      reason: 'no usable sender address (From)',
      subject: 'Invoice',
    });
  });
});
