import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Property } from '../../../../../core/db/schema.ts';
import { fileInboundEmails } from '../../../../../core/mail/inbound/filing/file-inbound-emails.ts';
import { InboundGroupCommit } from '../../../../../core/mail/inbound/store/inbound-group-commit.ts';
import { RawMailHandoff } from '../../../../../core/mail/inbound/store/raw-mail-handoff.ts';
import type { BullJobQueue } from '../../../../../queue/bullmq-job-queue.ts';
import { mailLimits, useMailProperty } from '../../../../support/mail-property.ts';
import type { TestDatabase } from '../../../../support/test-database.ts';

// In one process the SMTP ingress hands the bytes it stored to the filing worker, which then
// does not read them back from Postgres. Real Postgres and BullMQ.

describe('RawMailHandoff', () => {
  it('keeps messages up to its byte bound, and refuses past it', () => {
    const handoff = new RawMailHandoff(10);
    handoff.put('1', Buffer.alloc(6));
    handoff.put('2', Buffer.alloc(6));
    handoff.put('3', Buffer.alloc(4));
    expect([...handoff.peek(['1', '2', '3']).keys()]).toEqual(['1', '3']);
    expect(handoff.size).toEqual({ messages: 2, bytes: 10 });
    handoff.forget(['1', '2']);
    handoff.put('2', Buffer.alloc(6));
    expect([...handoff.peek(['1', '2', '3']).keys()]).toEqual(['2', '3']);
  });

  it('drops what no filing took within its age limit', () => {
    let now = 0;
    const handoff = new RawMailHandoff(100, 1000, () => now);
    handoff.put('1', Buffer.alloc(50));
    now = 600;
    handoff.put('2', Buffer.alloc(50));
    now = 1200;
    // Full, but the first is stale: dropped, and the new one fits.
    handoff.put('3', Buffer.alloc(50));
    expect([...handoff.peek(['1', '2', '3']).keys()]).toEqual(['2', '3']);
    expect(handoff.size).toEqual({ messages: 2, bytes: 100 });
    // Reading drops what is stale too.
    now = 1700;
    expect([...handoff.peek(['1', '2', '3']).keys()]).toEqual(['3']);
    expect(handoff.size).toEqual({ messages: 1, bytes: 50 });
  });
});

describe('filing with a handoff', () => {
  let t: TestDatabase;
  let jobs: BullJobQueue;
  let property: Property;
  const limits = mailLimits;
  useMailProperty('handoff', (mail) => {
    ({ t, jobs, property } = mail);
  });

  const eml = (subject: string) =>
    Buffer.from(
      [
        'From: Customer <customer@example.com>',
        'To: help@in.handoff.example',
        `Subject: ${subject}`,
        `Message-ID: <${randomBytes(6).toString('hex')}@example.com>`,
        '',
        'Hello.',
        '',
      ].join('\r\n'),
    );
  const envelope = () => ({ propertyId: property.id, via: 'smtp' as const, from: 'customer@example.com', to: ['help@in.handoff.example'] });

  async function subjects(ids: string[]): Promise<string[]> {
    const rows = await t.db
      .selectFrom('inbound_emails')
      .innerJoin('tickets', 'tickets.id', 'inbound_emails.ticket_id')
      .select('tickets.subject')
      .where('inbound_emails.id', 'in', ids)
      .orderBy('inbound_emails.id')
      .execute();
    return rows.map((r) => r.subject);
  }

  it('files from the bytes the ingress handed over, and lets go of them once filed', async () => {
    const handoff = new RawMailHandoff();
    const group = new InboundGroupCommit(t.db, jobs, handoff);
    const stored = await Promise.all(['Handed one', 'Handed two', 'Handed three'].map((s) => group.store(eml(s), envelope())));
    const ids = stored.map((s) => s.id);
    expect(handoff.size.messages).toBe(3);
    // Had filing read the rows back, it would file these bytes instead.
    await t.db
      .updateTable('inbound_emails')
      .set({ raw: eml('Read back from Postgres') })
      .where('id', 'in', ids)
      .execute();
    await fileInboundEmails(t.db, jobs, [ids[0]!, ...ids.slice(1)], limits, { handoff });
    expect(await subjects(ids)).toEqual(['Handed one', 'Handed two', 'Handed three']);
    expect(handoff.size).toEqual({ messages: 0, bytes: 0 });
  });

  it('reads from Postgres what is not in the handoff', async () => {
    const handoff = new RawMailHandoff();
    const group = new InboundGroupCommit(t.db, jobs);
    const { id } = await group.store(eml('Stored without a handoff'), envelope());
    await fileInboundEmails(t.db, jobs, [id], limits, { handoff });
    expect(await subjects([id])).toEqual(['Stored without a handoff']);
  });
});
