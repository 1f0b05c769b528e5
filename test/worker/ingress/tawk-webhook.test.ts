import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProperty } from '../../../core/properties/property-store.ts';
import { startHarness, tawkFixture, tawkSecret, tawkSignature, type IngressHarness } from './ingress-harness.ts';

let h: IngressHarness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

// The event ids come from the signed body (the ticket id; the kind, chat id and time), so
// each test posts a body of its own: the fixture with another chat or ticket id.
let unique = 0;
type Fixture = Record<string, unknown> & {
  ticket: Record<string, unknown>;
  requester: Record<string, unknown>;
  message: Record<string, unknown>;
};
function fixtureWith(name: string, change: (body: Fixture) => void = () => {}): { raw: string; id: string } {
  const body = JSON.parse(tawkFixture(name)) as Fixture;
  const id = `${name}-${++unique}`;
  if (body.event === 'ticket:create') body.ticket.id = id;
  else body.chatId = id;
  change(body);
  return { raw: JSON.stringify(body), id };
}
const rowsOf = async (id: string) => (await h.rows()).filter((r) => r.event_id.includes(id));

describe('POST /v1/webhooks/tawk/:property', () => {
  it('chat:start → chat.started for the visitor + chat.message for the first message, keyed by kind, chat id and time, stored with source tawk, jobs queued', async () => {
    const { raw, id } = fixtureWith('chat-start-with-visitor-message');
    const answer = await h.postTawk(raw, 'hook-start-1');
    expect(answer).toMatchObject({ status: 202, body: { accepted: 2, duplicates: 0 } });

    const rows = await rowsOf(id);
    const eventId = `tawk-chat:start-${id}-2026-03-02T14:03:04.646Z`;
    expect(rows.map((r) => [r.event_id, r.type, r.chat_id, r.source])).toEqual([
      [eventId, 'chat.started', id, 'tawk'],
      [`${eventId}-message`, 'chat.message', id, 'tawk'],
    ]);
    expect(rows[0]!.occurred_at.toISOString()).toBe('2026-03-02T14:03:04.646Z');
    expect(rows[0]!.payload).toMatchObject({
      property: h.property.id,
      visitor: { id: `tawk-${id}`, name: 'Maria Keller', email: 'maria.keller@example.com' },
    });
    expect(rows[1]!.payload).toMatchObject({
      message: {
        id: `${eventId}-message`,
        sender: 'visitor',
        text: 'Hi, my order #4411 has not arrived yet. Can someone check where it is?',
      },
    });
    for (const row of rows) expect(await h.queue.getJob(`chat-event-${row.id}`)).toBeDefined();
  });

  it('chat:end → chat.ended with reason visitor_left', async () => {
    const { raw, id } = fixtureWith('chat-end');
    const answer = await h.postTawk(raw, 'hook-end-1');
    expect(answer).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0 } });
    const [row] = await rowsOf(id);
    expect(row).toMatchObject({
      event_id: `tawk-chat:end-${id}-2026-03-02T14:09:41.112Z`,
      type: 'chat.ended',
      chat_id: id,
      source: 'tawk',
    });
    expect(row!.payload).toMatchObject({ chat: { id }, reason: 'visitor_left' });
  });

  it('ticket:create → offline.submitted keyed by the ticket id, with the requester and the subject + message as text', async () => {
    const { raw, id } = fixtureWith('ticket-create-offline-form');
    const answer = await h.postTawk(raw, 'hook-ticket-1');
    expect(answer).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0 } });
    const [row] = await rowsOf(id);
    expect(row).toMatchObject({ event_id: `tawk-ticket-${id}`, type: 'offline.submitted', chat_id: null, source: 'tawk' });
    expect(row!.payload).toMatchObject({
      visitor: { name: 'Tomás Ribeiro', email: 'tomas.ribeiro@example.org' },
      message: {
        text: 'Exchange a jacket for a larger size\n\nHello, I bought the Ridge shell jacket in M last week and it is too small. Can I exchange it for an L?',
      },
    });
    expect(row!.payload).not.toHaveProperty('notes');
  });

  it('a visitor email that is not one is dropped, not refused (the service would redeliver for 12 hours)', async () => {
    const { raw, id } = fixtureWith('chat-start-anonymous-visitor-bad-email');
    const answer = await h.postTawk(raw, 'hook-anon-1');
    expect(answer.status).toBe(202);
    const [started] = await rowsOf(id);
    expect(started!.payload).toMatchObject({ visitor: { name: 'V1709455315020123' } });
    expect((started!.payload as { visitor: Record<string, unknown> }).visitor).not.toHaveProperty('email');
  });

  it('a redelivery with the same X-Hook-Event-Id → stored once, counted as duplicates', async () => {
    const { raw, id } = fixtureWith('chat-start-with-visitor-message');
    expect((await h.postTawk(raw, 'hook-redeliver')).body).toEqual({ accepted: 2, duplicates: 0 });
    expect((await h.postTawk(raw, 'hook-redeliver')).body).toEqual({ accepted: 0, duplicates: 2 });
    expect(await rowsOf(id)).toHaveLength(2);
  });

  it('a retry of a delivery that an earlier version stored under its hook id (tawk-<hook id>) is a duplicate, across the upgrade', async () => {
    const { raw, id } = fixtureWith('chat-start-with-visitor-message');
    const at = new Date('2026-03-02T14:03:04.646Z');
    const chat = { id };
    // The rows as the earlier version stored this delivery.
    await h.t.db
      .insertInto('chat_events')
      .values([
        {
          property_id: h.property.id,
          event_id: 'tawk-hook-legacy',
          type: 'chat.started',
          chat_id: id,
          occurred_at: at,
          payload: JSON.stringify({ id: 'tawk-hook-legacy', type: 'chat.started', chat, visitor: { id: `tawk-${id}` } }),
          source: 'tawk',
        },
        {
          property_id: h.property.id,
          event_id: 'tawk-hook-legacy-message',
          type: 'chat.message',
          chat_id: id,
          occurred_at: at,
          payload: JSON.stringify({ id: 'tawk-hook-legacy-message', type: 'chat.message', chat }),
          source: 'tawk',
        },
      ])
      .execute();
    expect((await h.postTawk(raw, 'hook-legacy')).body).toEqual({ accepted: 0, duplicates: 2 });
    expect((await h.rows()).filter((r) => r.chat_id === id).map((r) => r.event_id)).toEqual([
      'tawk-hook-legacy',
      'tawk-hook-legacy-message',
    ]);
  });

  it('the same chat at another time, or another kind, is another event', async () => {
    const { raw, id } = fixtureWith('chat-start-with-visitor-message');
    expect((await h.postTawk(raw, 'hook-a')).body).toEqual({ accepted: 2, duplicates: 0 });
    const later = JSON.stringify({ ...JSON.parse(raw), time: '2026-03-02T14:05:00.000Z' });
    expect((await h.postTawk(later, 'hook-b')).body).toEqual({ accepted: 2, duplicates: 0 });
    const end = JSON.stringify({ ...JSON.parse(tawkFixture('chat-end')), chatId: id });
    expect((await h.postTawk(end, 'hook-c')).body).toEqual({ accepted: 1, duplicates: 0 });
    expect(await rowsOf(id)).toHaveLength(5);
  });

  it('a wrong or missing X-Tawk-Signature → 401, nothing stored', async () => {
    const raw = tawkFixture('chat-end');
    const before = (await h.rows()).length;
    const wrong = await h.postTawk(raw, 'hook-bad-sig', { signature: tawkSignature('another-secret', raw) });
    expect(wrong).toMatchObject({
      status: 401,
      body: { error: { code: 'bad_signature', message: expect.stringMatching(/X-Tawk-Signature does not match/) } },
    });
    const tampered = await h.postTawk(raw.replace('visitor', 'agent'), 'hook-bad-sig', { signature: tawkSignature(tawkSecret, raw) });
    expect(tampered.status).toBe(401);
    const missing = await h.postTawk(raw, 'hook-bad-sig', { signature: '' });
    expect(missing).toMatchObject({ status: 401, body: { error: { message: expect.stringMatching(/missing X-Tawk-Signature/) } } });
    // The signature is checked over the raw bytes before they are parsed: malformed JSON is a 401 too.
    const malformed = await h.postTawk('{"event": "chat:end", ', 'hook-bad-sig', {
      signature: tawkSignature('another-secret', '{"event": "chat:end", '),
    });
    expect(malformed).toMatchObject({ status: 401, body: { error: { code: 'bad_signature' } } });
    expect((await h.rows()).length).toBe(before);
  });

  it('a missing X-Hook-Event-Id → 400 (the service always sends one: a second guard)', async () => {
    const answer = await h.postTawk(fixtureWith('chat-end').raw, null);
    expect(answer).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_input', message: expect.stringMatching(/missing X-Hook-Event-Id/) } },
    });
  });

  it('an invalid payload → 400 naming the field, nothing stored', async () => {
    const before = (await h.rows()).length;
    const ticket = JSON.parse(tawkFixture('ticket-create-offline-form'));
    const noEmail = JSON.stringify({ ...ticket, requester: { name: 'No Mail' } });
    expect((await h.postTawk(noEmail, 'hook-invalid-1')).body.error?.message).toMatch(/^requester\.email: /);
    const noChat = JSON.stringify({ ...JSON.parse(tawkFixture('chat-end')), chatId: undefined });
    expect(await h.postTawk(noChat, 'hook-invalid-2')).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/^chatId: /) } },
    });
    const badTime = JSON.stringify({ ...JSON.parse(tawkFixture('chat-end')), time: 'Monday' });
    expect((await h.postTawk(badTime, 'hook-invalid-3')).body.error?.message).toMatch(/^time: /);
    expect((await h.postTawk('{"chatId": 1', 'hook-invalid-4')).body.error?.message).toMatch(/^malformed JSON/);
    expect((await h.postTawk('{"chatId": "1"}', 'hook-invalid-5')).body.error?.message).toMatch(
      /^event: must be one of chat:start, chat:end, ticket:create/,
    );
    expect((await h.rows()).length).toBe(before);
  });

  it('a ticket subject and message over their bounds are cut at a word boundary, not refused, and the event carries a note saying so', async () => {
    const { raw, id } = fixtureWith('ticket-create-offline-form', (body) => {
      body.ticket.subject = 'jacket '.repeat(100);
      body.ticket.message = 'long '.repeat(5000);
      body.requester.name = 'Name '.repeat(100);
    });
    expect((await h.postTawk(raw, 'hook-long-ticket')).status).toBe(202);
    const [row] = await rowsOf(id);
    const payload = row!.payload as { message: { text: string }; visitor: { name: string }; notes: string[] };
    const [subject, message] = payload.message.text.split('\n\n');
    expect(subject).toMatch(/^(jacket )+jacket…$/);
    expect([...subject!].length).toBeLessThanOrEqual(200);
    expect(message).toMatch(/^(long )+long…$/);
    expect(payload.message.text.length).toBeLessThanOrEqual(20_000);
    expect(payload.message.text.length).toBeGreaterThan(19_990);
    expect(payload.visitor.name).toMatch(/^(Name )+Name…$/);
    expect(payload.visitor.name.length).toBeLessThanOrEqual(100);
    expect(payload.notes).toEqual([
      `The subject of the offline form was 699 characters long and is shown cut to ${subject!.length}`,
      `The message of the offline form was 24,999 characters long and is shown cut to ${message!.length}`,
    ]);
  });

  it("a chat message of emoji over the bound is cut within the event's 20,000 UTF-16 units", async () => {
    const { raw, id } = fixtureWith('chat-start-with-visitor-message', (body) => {
      body.message.text = '😀 '.repeat(12_000);
    });
    expect((await h.postTawk(raw, 'hook-emoji')).status).toBe(202);
    const text = ((await rowsOf(id))[1]!.payload as { message: { text: string } }).message.text;
    expect(text.length).toBeLessThanOrEqual(20_000);
    expect(text.endsWith('😀…')).toBe(true);
  });

  it('an over-long requester email or ticket id → 400 naming the field', async () => {
    const longEmail = fixtureWith('ticket-create-offline-form', (body) => (body.requester.email = `${'a'.repeat(320)}@example.org`)).raw;
    expect(await h.postTawk(longEmail, 'hook-long-email')).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/^requester\.email: /) } },
    });
    const longId = fixtureWith('ticket-create-offline-form', (body) => (body.ticket.id = 'i'.repeat(151))).raw;
    expect(await h.postTawk(longId, 'hook-long-id')).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/^ticket\.id: /) } },
    });
    const noId = fixtureWith('ticket-create-offline-form', (body) => delete body.ticket.id).raw;
    expect(await h.postTawk(noId, 'hook-no-id')).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/^ticket\.id: /) } },
    });
  });

  it('an event kind that is not mapped (e.g. transcripts) is acknowledged and ignored', async () => {
    const raw = JSON.stringify({ event: 'chat:transcript_created', chatId: 'c1', time: '2026-03-02T14:09:41.112Z' });
    expect(await h.postTawk(raw, 'hook-transcript')).toMatchObject({
      status: 202,
      body: { accepted: 0, duplicates: 0, ignored: 'chat:transcript_created' },
    });
    expect(await rowsOf('hook-transcript')).toHaveLength(0);
  });

  it('the property by id works too; an unknown property → 404; a property without a webhook secret → 404 "webhooks not enabled"', async () => {
    expect((await h.postTawk(tawkFixture('chat-end'), 'hook-by-id', { property: h.property.id })).status).toBe(202);

    const unknown = await h.postTawk(tawkFixture('chat-end'), 'hook-unknown', { property: 'nope' });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'unknown_property' } } });

    await createProperty(h.t.db, { slug: 'no-webhooks' });
    const off = await h.postTawk(tawkFixture('chat-end'), 'hook-off', { property: 'no-webhooks' });
    expect(off).toMatchObject({
      status: 404,
      body: { error: { code: 'webhooks_disabled', message: expect.stringMatching(/webhooks not enabled for this property/) } },
    });
  });
});
