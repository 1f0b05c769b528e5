import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ingestInboundEmail } from '../../../core/mail/inbound/filing/ingest-inbound-email.ts';
import { storeInboundEmail } from '../../../core/mail/inbound/store/store-inbound-email.ts';
import { appendMessage } from '../../../core/messages/append-message.ts';
import { checkResponseClocks } from '../../../core/responses/response-alerts.ts';
import { setResponseTargets } from '../../../core/responses/response-settings.ts';
import { noTargets } from '../../../core/responses/response-targets.ts';
import { eventId, startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';

// A clock check that waits for an item's row lock while a writer answers the item decides on
// what the writer committed. Its facts (the messages) are read after it holds the lock, in a
// statement of their own: read in the statement that waited for the lock, they would be as
// they were when it began (READ COMMITTED), and the check would record a breach of an item
// answered in time, and store the clocks of before the answer over the writer's. Real Postgres.

let p: Pipeline;

beforeAll(async () => {
  p = await startPipeline({ trigger_enabled: false, inbound_domain: 'in.shop.example', support_address: 'help@shop.example' });
  await setResponseTargets(p.t.db, p.property.id, { ...noTargets, base: { first: 60_000 } });
});
afterAll(async () => {
  await p?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it("a check blocked by a writer that answers the item sees the answer: no breach, and the answer's clocks stay stored", async () => {
  const raw = Buffer.from(
    [
      'From: lea@example.com',
      'To: help@in.shop.example',
      'Subject: Waiting',
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
  const { first_due_at: due } = await p.t.db
    .selectFrom('tickets')
    .select('first_due_at')
    .where('id', '=', ticketId)
    .executeTakeFirstOrThrow();
  expect(due).not.toBeNull();
  // The check runs as if just past the due time; the agent answered before the at-risk time (48 s in).
  const checkAt = new Date(due!.getTime() + 1000);
  const answeredAt = new Date(due!.getTime() - 55_000);

  let check: Promise<unknown> | null = null;
  await p.t.db.transaction().execute(async (trx) => {
    await trx.selectFrom('tickets').select('id').where('id', '=', ticketId).forUpdate().execute();
    await appendMessage(trx, {
      propertyId: p.property.id,
      target: { ticketId },
      sender: 'agent',
      body: 'Here you are.',
      createdAt: answeredAt,
    });
    await trx
      .updateTable('tickets')
      .set({ first_due_at: null, due_at: null, at_risk_at: null, waiting_since: null })
      .where('id', '=', ticketId)
      .execute();
    check = checkResponseClocks(p.t.db, p.jobs, `ticket-${ticketId}`, checkAt);
    // Commit only once the check waits for the ticket's lock.
    for (let i = 0; i < 100; i++) {
      const waiting = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(p.t.db);
      if (waiting.rows[0]!.n > 0) break;
      await sleep(50);
    }
    const waiting = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(p.t.db);
    expect(waiting.rows[0]!.n).toBe(1);
  });
  expect(await check).toEqual([]);
  expect(await p.t.db.selectFrom('response_alerts').select('kind').where('ticket_id', '=', ticketId).execute()).toEqual([]);
  const after = await p.t.db
    .selectFrom('tickets')
    .select(['first_due_at', 'waiting_since'])
    .where('id', '=', ticketId)
    .executeTakeFirstOrThrow();
  expect(after).toEqual({ first_due_at: null, waiting_since: null });
});
