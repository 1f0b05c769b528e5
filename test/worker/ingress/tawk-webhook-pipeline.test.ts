import { afterEach, describe, expect, it } from 'vitest';
import { updateProperty } from '../../../core/properties/property-store.ts';
import { startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';
import { waitFor } from '../../support/wait-for.ts';
import { tawkFixture, tawkSignature } from './ingress-harness.ts';

// Webhooks on the real path: webhook → ingress → Postgres → BullMQ → workers → Postgres.
//
// The live-chat service signs only the body (X-Tawk-Signature); X-Hook-Event-Id is not signed.
// Whoever holds one correctly signed body can post it again under any hook id, so what is
// applied once must be keyed by what the body itself names: the tawk ticket id, the chat id
// with the event kind and its time.

const secret = 'tawk-replay-secret';
let p: Pipeline | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

async function postTawk(pipeline: Pipeline, raw: string, hookId: string) {
  const res = await fetch(`${pipeline.ingressUrl}/v1/webhooks/tawk/shop`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Tawk-Signature': tawkSignature(secret, raw), 'X-Hook-Event-Id': hookId },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

/** Waits until every stored event was applied and every offline conversation had its chance to become a ticket. */
async function settled(pipeline: Pipeline): Promise<void> {
  const { db } = pipeline.t;
  await waitFor(
    async () => (await db.selectFrom('chat_events').select('id').where('processed_at', 'is', null).execute()).length === 0,
    'every event applied',
  );
  await waitFor(async () => {
    const offline = await db.selectFrom('conversations').select('id').where('kind', '=', 'offline').execute();
    const tickets = await db.selectFrom('tickets').select('id').execute();
    return offline.length > 0 && tickets.length === offline.length;
  }, 'every offline conversation converted');
}

describe('a signed tawk body replayed under new X-Hook-Event-Id values', () => {
  it('ticket:create posted three times under three hook ids → one ticket with one visitor message; the replays are answered as duplicates', async () => {
    p = await startPipeline();
    await updateProperty(p.t.db, p.property.id, { tawk_webhook_secret: secret });
    await p.startWorker();
    const raw = tawkFixture('ticket-create-offline-form');

    expect(await postTawk(p, raw, 'hook-a')).toEqual({ status: 202, body: { accepted: 1, duplicates: 0 } });
    expect(await postTawk(p, raw, 'hook-b')).toEqual({ status: 202, body: { accepted: 0, duplicates: 1 } });
    expect(await postTawk(p, raw, 'hook-c')).toEqual({ status: 202, body: { accepted: 0, duplicates: 1 } });

    await settled(p);
    const tickets = await p.t.db.selectFrom('tickets').selectAll().execute();
    expect(tickets).toHaveLength(1);
    const visitorMessages = await p.t.db
      .selectFrom('messages')
      .select('body')
      .where('ticket_id', '=', tickets[0]!.id)
      .where('sender', '=', 'visitor')
      .execute();
    expect(visitorMessages).toHaveLength(1);
    expect(visitorMessages[0]!.body).toMatch(/^Exchange a jacket for a larger size\n\nHello, I bought the Ridge shell jacket/);
    expect(await p.t.db.selectFrom('contacts').select('id').where('email', '=', 'tomas.ribeiro@example.org').execute()).toHaveLength(1);
  });

  it('chat:start resent under a new hook id → its first message is in the chat once', async () => {
    p = await startPipeline({ trigger_enabled: false });
    await updateProperty(p.t.db, p.property.id, { tawk_webhook_secret: secret });
    await p.startWorker();
    const raw = tawkFixture('chat-start-with-visitor-message');

    expect(await postTawk(p, raw, 'start-1')).toEqual({ status: 202, body: { accepted: 2, duplicates: 0 } });
    expect(await postTawk(p, raw, 'start-2')).toEqual({ status: 202, body: { accepted: 0, duplicates: 2 } });

    await waitFor(
      async () => (await p!.t.db.selectFrom('chat_events').select('id').where('processed_at', 'is', null).execute()).length === 0,
      'every event applied',
    );
    const conversations = await p.t.db
      .selectFrom('conversations')
      .selectAll()
      .where('external_id', '=', '70fe3290-99ad-11e9-a30a-51567162179f')
      .execute();
    expect(conversations).toHaveLength(1);
    const messages = await p.t.db
      .selectFrom('messages')
      .select(['sender', 'body'])
      .where('conversation_id', '=', conversations[0]!.id)
      .execute();
    expect(messages).toEqual([{ sender: 'visitor', body: 'Hi, my order #4411 has not arrived yet. Can someone check where it is?' }]);
  });
});

describe('an offline form with fields over their bounds', () => {
  it('becomes a ticket whose visitor message is cut at a word boundary and whose system note says what was cut', async () => {
    p = await startPipeline();
    await updateProperty(p.t.db, p.property.id, { tawk_webhook_secret: secret });
    await p.startWorker();
    const body = JSON.parse(tawkFixture('ticket-create-offline-form')) as { ticket: { subject: string } };
    body.ticket.subject = `Exchange ${'jacket '.repeat(200)}`;
    expect(await postTawk(p, JSON.stringify(body), 'hook-long')).toEqual({ status: 202, body: { accepted: 1, duplicates: 0 } });

    await settled(p);
    const ticket = await p.t.db.selectFrom('tickets').selectAll().executeTakeFirstOrThrow();
    const thread = await p.t.db
      .selectFrom('messages')
      .select(['sender', 'body'])
      .where('ticket_id', '=', ticket.id)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    expect(thread[0]!.sender).toBe('visitor');
    expect(thread[0]!.body).toMatch(/^Exchange (jacket )+jacket…\n\nHello, I bought the Ridge shell jacket/);
    expect(thread).toContainEqual({
      sender: 'system',
      body: expect.stringMatching(/^The subject of the offline form was 1,408 characters long and is shown cut to \d+$/),
    });
  });
});
