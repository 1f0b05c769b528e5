import { afterAll, beforeAll, expect, it } from 'vitest';
import { reconcile } from '../../../core/jobs/reconcile.ts';
import { ingestInboundEmail } from '../../../core/mail/inbound/filing/ingest-inbound-email.ts';
import { storeInboundEmail } from '../../../core/mail/inbound/store/store-inbound-email.ts';
import { setResponseTargets } from '../../../core/responses/response-settings.ts';
import { noTargets } from '../../../core/responses/response-targets.ts';
import { eventId, startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';

// Reconcile asks again for the clock checks of times no check has seen, and a check job of the
// same id that already ran does not stand in the way: BullMQ keeps finished jobs (up to 1,000
// per queue), and adding an id it keeps is a no-op, so a check that ran and saw nothing (its
// item not committed yet, say) would have kept that time from ever firing. Real Postgres and Redis.

let p: Pipeline;

beforeAll(async () => {
  p = await startPipeline({ trigger_enabled: false, inbound_domain: 'in.shop.example', support_address: 'help@shop.example' });
  await setResponseTargets(p.t.db, p.property.id, { ...noTargets, base: { first: 1000 } });
});
afterAll(async () => {
  await p?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('a time no check has recorded is checked again even though its job already ran', async () => {
  const raw = Buffer.from(
    [
      'From: max@example.com',
      'To: help@in.shop.example',
      'Subject: Again',
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${eventId()}@sender.example>`,
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'Hello?',
      '',
    ].join('\r\n'),
  );
  const stored = await storeInboundEmail(p.t.db, p.jobs, raw, { propertyId: p.property.id, via: 'cli' });
  await ingestInboundEmail(p.t.db, p.jobs, stored.id, { maxAttachmentBytes: 1024 * 1024 });
  const ticketId = (await p.t.db.selectFrom('inbound_emails').select('ticket_id').where('id', '=', stored.id).executeTakeFirstOrThrow())
    .ticket_id!;
  const alerts = () => p.t.db.selectFrom('response_alerts').select('kind').where('ticket_id', '=', ticketId).orderBy('kind').execute();
  const worker = await p.startWorker();
  try {
    // Filing queued the checks of the at-risk and due times: they run and fire.
    for (let i = 0; i < 100 && (await alerts()).length < 2; i++) await sleep(100);
    expect(await alerts()).toEqual([{ kind: 'at_risk' }, { kind: 'breach' }]);
    // As if those checks had run without seeing the ticket: nothing recorded, nothing checked.
    // Their finished jobs are still in Redis under the ids reconcile asks for.
    await p.t.db.deleteFrom('response_alerts').where('ticket_id', '=', ticketId).execute();
    await p.t.db
      .deleteFrom('messages')
      .where('ticket_id', '=', ticketId)
      .where('sender', '=', 'system')
      .where('body', 'like', '%was breached%')
      .execute();
    await p.t.db.updateTable('tickets').set({ clocks_checked_at: null }).where('id', '=', ticketId).execute();
    const result = await reconcile(p.t.db, p.jobs, { graceSeconds: 0 });
    expect(result.clockChecks).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 100 && (await alerts()).length < 2; i++) await sleep(100);
    expect(await alerts()).toEqual([{ kind: 'at_risk' }, { kind: 'breach' }]);
  } finally {
    await worker.close();
  }
});
