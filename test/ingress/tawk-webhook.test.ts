import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProperty } from '../../core/properties/property-store.ts';
import { startHarness, tawkFixture, tawkSecret, tawkSignature, type IngressHarness } from './ingress-harness.ts';

let h: IngressHarness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const rowsOf = async (hookId: string) => (await h.rows()).filter((r) => r.event_id === `tawk-${hookId}` || r.event_id.startsWith(`tawk-${hookId}-`));

describe('POST /v1/webhooks/tawk/:property', () => {
  it('chat:start → chat.started for the visitor + chat.message for the first message, stored with source tawk, jobs queued', async () => {
    const answer = await h.postTawk(tawkFixture('chat-start-with-visitor-message'), 'hook-start-1');
    expect(answer).toMatchObject({ status: 202, body: { accepted: 2, duplicates: 0 } });

    const rows = await rowsOf('hook-start-1');
    expect(rows.map((r) => [r.event_id, r.type, r.chat_id, r.source])).toEqual([
      ['tawk-hook-start-1', 'chat.started', '70fe3290-99ad-11e9-a30a-51567162179f', 'tawk'],
      ['tawk-hook-start-1-message', 'chat.message', '70fe3290-99ad-11e9-a30a-51567162179f', 'tawk'],
    ]);
    expect(rows[0]!.occurred_at.toISOString()).toBe('2026-03-02T14:03:04.646Z');
    expect(rows[0]!.payload).toMatchObject({
      property: h.property.id,
      visitor: { id: 'tawk-70fe3290-99ad-11e9-a30a-51567162179f', name: 'Maria Keller', email: 'maria.keller@example.com' },
    });
    expect(rows[1]!.payload).toMatchObject({
      message: { id: 'tawk-hook-start-1-message', sender: 'visitor', text: 'Hi, my order #4411 has not arrived yet. Can someone check where it is?' },
    });
    for (const row of rows) expect(await h.queue.getJob(`chat-event-${row.id}`)).toBeDefined();
  });

  it('chat:end → chat.ended with reason visitor_left', async () => {
    const answer = await h.postTawk(tawkFixture('chat-end'), 'hook-end-1');
    expect(answer).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0 } });
    const [row] = await rowsOf('hook-end-1');
    expect(row).toMatchObject({ type: 'chat.ended', chat_id: '70fe3290-99ad-11e9-a30a-51567162179f', source: 'tawk' });
    expect(row!.payload).toMatchObject({ chat: { id: '70fe3290-99ad-11e9-a30a-51567162179f' }, reason: 'visitor_left' });
  });

  it('ticket:create → offline.submitted with the requester and the subject + message as text', async () => {
    const answer = await h.postTawk(tawkFixture('ticket-create-offline-form'), 'hook-ticket-1');
    expect(answer).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0 } });
    const [row] = await rowsOf('hook-ticket-1');
    expect(row).toMatchObject({ type: 'offline.submitted', chat_id: null, source: 'tawk' });
    expect(row!.payload).toMatchObject({
      visitor: { name: 'Tomás Ribeiro', email: 'tomas.ribeiro@example.org' },
      message: {
        text: 'Exchange a jacket for a larger size\n\nHello, I bought the Ridge shell jacket in M last week and it is too small. Can I exchange it for an L?',
      },
    });
  });

  it('a visitor email that is not one is dropped, not refused (the service would redeliver for 12 hours)', async () => {
    const answer = await h.postTawk(tawkFixture('chat-start-anonymous-visitor-bad-email'), 'hook-anon-1');
    expect(answer.status).toBe(202);
    const [started] = await rowsOf('hook-anon-1');
    expect(started!.payload).toMatchObject({ visitor: { name: 'V1709455315020123' } });
    expect((started!.payload as { visitor: Record<string, unknown> }).visitor).not.toHaveProperty('email');
  });

  it('a redelivery with the same X-Hook-Event-Id → stored once, counted as duplicates', async () => {
    const raw = tawkFixture('chat-start-with-visitor-message');
    expect((await h.postTawk(raw, 'hook-redeliver')).body).toEqual({ accepted: 2, duplicates: 0 });
    expect((await h.postTawk(raw, 'hook-redeliver')).body).toEqual({ accepted: 0, duplicates: 2 });
    expect(await rowsOf('hook-redeliver')).toHaveLength(2);
  });

  it('a wrong or missing X-Tawk-Signature → 401, nothing stored', async () => {
    const raw = tawkFixture('chat-end');
    const before = (await h.rows()).length;
    const wrong = await h.postTawk(raw, 'hook-bad-sig', { signature: tawkSignature('another-secret', raw) });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'bad_signature', message: expect.stringMatching(/X-Tawk-Signature does not match/) } } });
    const tampered = await h.postTawk(raw.replace('visitor', 'agent'), 'hook-bad-sig', { signature: tawkSignature(tawkSecret, raw) });
    expect(tampered.status).toBe(401);
    const missing = await h.postTawk(raw, 'hook-bad-sig', { signature: '' });
    expect(missing).toMatchObject({ status: 401, body: { error: { message: expect.stringMatching(/missing X-Tawk-Signature/) } } });
    expect((await h.rows()).length).toBe(before);
  });

  it('a missing X-Hook-Event-Id → 400 (it is the de-duplication key)', async () => {
    const answer = await h.postTawk(tawkFixture('chat-end'), null);
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'invalid_input', message: expect.stringMatching(/missing X-Hook-Event-Id/) } } });
  });

  it('an invalid payload → 400 naming the field, nothing stored', async () => {
    const before = (await h.rows()).length;
    const ticket = JSON.parse(tawkFixture('ticket-create-offline-form'));
    const noEmail = JSON.stringify({ ...ticket, requester: { name: 'No Mail' } });
    expect((await h.postTawk(noEmail, 'hook-invalid-1')).body.error?.message).toMatch(/^requester\.email: /);
    const noChat = JSON.stringify({ ...JSON.parse(tawkFixture('chat-end')), chatId: undefined });
    expect(await h.postTawk(noChat, 'hook-invalid-2')).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^chatId: /) } } });
    const badTime = JSON.stringify({ ...JSON.parse(tawkFixture('chat-end')), time: 'Monday' });
    expect((await h.postTawk(badTime, 'hook-invalid-3')).body.error?.message).toMatch(/^time: /);
    expect((await h.postTawk('{"chatId": 1', 'hook-invalid-4')).body.error?.message).toMatch(/^malformed JSON/);
    expect((await h.postTawk('{"chatId": "1"}', 'hook-invalid-5')).body.error?.message).toMatch(/^event: must be one of chat:start, chat:end, ticket:create/);
    expect((await h.rows()).length).toBe(before);
  });

  it('a ticket message over the 20,000 characters an event holds is clipped, not refused', async () => {
    const ticket = JSON.parse(tawkFixture('ticket-create-offline-form'));
    const raw = JSON.stringify({ ...ticket, ticket: { ...ticket.ticket, message: 'long '.repeat(5000) } });
    expect((await h.postTawk(raw, 'hook-long-ticket')).status).toBe(202);
    const [row] = await rowsOf('hook-long-ticket');
    const text = (row!.payload as { message: { text: string } }).message.text;
    expect(text.startsWith('Exchange a jacket for a larger size\n\nlong long')).toBe(true);
    expect(text.length).toBeGreaterThan(19_990);
    expect(text.length).toBeLessThanOrEqual(20_000);
  });

  it('an event kind that is not mapped (e.g. transcripts) is acknowledged and ignored', async () => {
    const raw = JSON.stringify({ event: 'chat:transcript_created', chatId: 'c1', time: '2026-03-02T14:09:41.112Z' });
    expect(await h.postTawk(raw, 'hook-transcript')).toMatchObject({ status: 202, body: { accepted: 0, duplicates: 0, ignored: 'chat:transcript_created' } });
    expect(await rowsOf('hook-transcript')).toHaveLength(0);
  });

  it('the property by id works too; an unknown property → 404; a property without a webhook secret → 404 "webhooks not enabled"', async () => {
    expect((await h.postTawk(tawkFixture('chat-end'), 'hook-by-id', { property: h.property.id })).status).toBe(202);

    const unknown = await h.postTawk(tawkFixture('chat-end'), 'hook-unknown', { property: 'nope' });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'unknown_property' } } });

    await createProperty(h.t.db, { slug: 'no-webhooks' });
    const off = await h.postTawk(tawkFixture('chat-end'), 'hook-off', { property: 'no-webhooks' });
    expect(off).toMatchObject({ status: 404, body: { error: { code: 'webhooks_disabled', message: expect.stringMatching(/webhooks not enabled for this property/) } } });
  });
});
