import { describe, expect, it } from 'vitest';
import { jobId, jobIdFields, type JobName, type JobPayloads } from '../../../core/jobs/job-catalog.ts';

// Job ids are stored in Redis (and deduplicate jobs): they must stay what they were, and must
// not depend on the order in which a payload's keys were written.

/** The ids as they were derived before jobIdFields: the payload's first value. */
const legacyId = (name: string, data: Record<string, unknown>, suffix?: string) =>
  `${name}-${(Object.values(data)[0] as string | undefined) ?? 'scheduled'}${suffix ? `-${suffix}` : ''}`;

const samples: { [N in JobName]: JobPayloads[N] } = {
  'chat-event': { eventRowId: '41' },
  recovery: { conversationId: '7' },
  inactivity: { conversationId: '7' },
  'deliver-message': { messageId: '99' },
  convert: { conversationId: '12' },
  'trash-purge': {},
  reconcile: {},
  'send-email': { outboxId: '103' },
  'inbound-email': { inboundEmailId: '5', alsoIds: ['6', '8'] },
  'imap-poll': { propertyId: '3' },
  'response-check': { item: 'ticket-12' },
  'deliver-alert': { alertId: '21' },
};

describe('jobId', () => {
  it('names every job', () => {
    expect(Object.keys(jobIdFields).sort()).toEqual(Object.keys(samples).sort());
  });

  it("gives today's payloads today's ids, byte for byte", () => {
    for (const [name, data] of Object.entries(samples) as [JobName, JobPayloads[JobName]][]) {
      expect(jobId(name, data as never)).toBe(legacyId(name, data));
      expect(jobId(name, data as never, '1700000000000')).toBe(legacyId(name, data, '1700000000000'));
    }
    expect(jobId('recovery', { conversationId: '7' })).toBe('recovery-7');
    expect(jobId('inbound-email', { inboundEmailId: '5', alsoIds: ['6'] })).toBe('inbound-email-5');
    expect(jobId('response-check', { item: 'ticket-12' }, 'past')).toBe('response-check-ticket-12-past');
    expect(jobId('reconcile', {})).toBe('reconcile-scheduled');
    expect(jobId('trash-purge', {}, 'x')).toBe('trash-purge-scheduled-x');
  });

  it("does not depend on the payload's key order", () => {
    const written = { inboundEmailId: '5', alsoIds: ['6', '8'] };
    const reordered = { alsoIds: ['6', '8'], inboundEmailId: '5' };
    expect(Object.keys(reordered)[0]).toBe('alsoIds');
    expect(jobId('inbound-email', reordered)).toBe(jobId('inbound-email', written));
    expect(jobId('inbound-email', reordered)).toBe('inbound-email-5');
  });

  it('ignores fields that are not id fields', () => {
    const extra = { note: 'x', conversationId: '7' } as JobPayloads['recovery'];
    expect(jobId('recovery', extra)).toBe('recovery-7');
  });
});
