import { afterAll, beforeAll, expect, it } from 'vitest';
import { ingestInboundEmail } from '../../../core/mail/inbound/filing/ingest-inbound-email.ts';
import { storeInboundEmail } from '../../../core/mail/inbound/store/store-inbound-email.ts';
import { closeItem } from '../../../core/inbox/item-actions.ts';
import { checkResponseClocks } from '../../../core/responses/response-alerts.ts';
import { setResponseTargets } from '../../../core/responses/response-settings.ts';
import { noTargets } from '../../../core/responses/response-targets.ts';
import { replyToTicket } from '../../../core/tickets/reply-to-ticket.ts';
import { eventId, startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';

// A check that runs late — its queue behind, its worker killed -9 and its job waiting out the
// stall, its job wiped with Redis — after the item's first clock stopped still records the
// at-risk and the breach the clock passed while it ran; times the clock stopped before stay
// unrecorded. (The fault suite's runs on a loaded machine missed such breaches: the checks ran
// after the missed chats had closed.) Real Postgres and Redis.

let p: Pipeline;

beforeAll(async () => {
  p = await startPipeline({ trigger_enabled: false, inbound_domain: 'in.shop.example', support_address: 'help@shop.example' });
  await setResponseTargets(p.t.db, p.property.id, { ...noTargets, base: { first: 1000 }, atRiskShare: 0.5 });
});
afterAll(async () => {
  await p?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function file(subject: string): Promise<{ id: string; number: number }> {
  const raw = Buffer.from(
    [
      `From: ${subject.toLowerCase()}@example.com`,
      'To: help@in.shop.example',
      `Subject: ${subject}`,
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
  const row = await p.t.db
    .selectFrom('inbound_emails as i')
    .innerJoin('tickets as t', 't.id', 'i.ticket_id')
    .select(['t.id', 't.number'])
    .where('i.id', '=', stored.id)
    .executeTakeFirstOrThrow();
  return row;
}
const alerts = (ticketId: string) =>
  p.t.db.selectFrom('response_alerts').select(['clock', 'kind']).where('ticket_id', '=', ticketId).orderBy('kind').execute();
const notes = (ticketId: string) =>
  p.t.db
    .selectFrom('messages')
    .select('body')
    .where('ticket_id', '=', ticketId)
    .where('sender', '=', 'system')
    .where('body', 'like', '%was breached%')
    .execute();

it('answered after its due time, the check that runs after the answer records at risk and breach, once', async () => {
  const t = await file('Late');
  await sleep(1300);
  await replyToTicket(p.t.db, p.jobs, p.property.id, `T${t.number}`, { body: 'Sorry for the wait.' });
  expect(
    (await p.t.db.selectFrom('tickets').select('first_due_at').where('id', '=', t.id).executeTakeFirstOrThrow()).first_due_at,
  ).toBeNull();
  expect((await checkResponseClocks(p.t.db, p.jobs, `ticket-${t.id}`)).map((a) => a.kind)).toEqual(['at_risk', 'breach']);
  expect(await checkResponseClocks(p.t.db, p.jobs, `ticket-${t.id}`)).toEqual([]);
  expect(await alerts(t.id)).toEqual([
    { clock: 'first', kind: 'at_risk' },
    { clock: 'first', kind: 'breach' },
  ]);
  expect(await notes(t.id)).toHaveLength(1);
});

it('answered between at risk and due, a late check records at risk only; answered before both, nothing', async () => {
  const between = await file('Between');
  await sleep(700);
  await replyToTicket(p.t.db, p.jobs, p.property.id, `T${between.number}`, { body: 'Here.' });
  const early = await file('Early');
  await replyToTicket(p.t.db, p.jobs, p.property.id, `T${early.number}`, { body: 'Right away.' });
  await sleep(1300);
  expect((await checkResponseClocks(p.t.db, p.jobs, `ticket-${between.id}`)).map((a) => a.kind)).toEqual(['at_risk']);
  expect(await checkResponseClocks(p.t.db, p.jobs, `ticket-${early.id}`)).toEqual([]);
  expect(await alerts(early.id)).toEqual([]);
  expect(await notes(between.id)).toEqual([]);
});

it('closed unanswered after its due time, the late check records the breach', async () => {
  const t = await file('Closed');
  await sleep(1300);
  await closeItem(p.t.db, p.property.id, `T${t.number}`);
  expect((await checkResponseClocks(p.t.db, p.jobs, `ticket-${t.id}`)).map((a) => a.kind)).toEqual(['at_risk', 'breach']);
});
