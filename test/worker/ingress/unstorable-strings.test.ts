import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChatEvents } from '../../../core/chats/chat-event.ts';
import { findProperty } from '../../../core/properties/property-store.ts';
import { chatEvent, startHarness, tawkFixture, type Answer, type IngressHarness } from './ingress-harness.ts';

// Regressions found by the HTTP ingress fuzz run (test/faults/fuzz-http.test.ts): strings
// Postgres cannot store (a NUL anywhere; half a surrogate pair, which jsonb refuses) made
// the ingress answer 500 "retry later", so a sender would retry a request that can never
// succeed. They are the sender's mistake: 400 naming the field, or 404 for a property ref.

let h: IngressHarness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function refused(send: () => Promise<Answer>, status: number, message: RegExp): Promise<void> {
  const before = (await h.rows()).length;
  const answer = await send();
  expect(answer.status).toBe(status);
  expect(answer.body.error?.message).toMatch(message);
  expect((await h.rows()).length).toBe(before);
}

describe('strings Postgres cannot store', () => {
  it('a NUL in a message text → 400 naming the field', async () => {
    const event = chatEvent('chat.message', { chat: { id: 'c-nul' }, message: { id: 'm-nul', sender: 'visitor', text: 'a\u0000b' } });
    await refused(() => h.postEvents(event), 400, /^message\.text: must not contain NUL characters or unpaired UTF-16 surrogates$/);
  });

  it('an unpaired surrogate in an id, in a batch → 400 naming the event and field', async () => {
    const events = [chatEvent('chat.ended'), chatEvent('chat.ended', { chat: { id: 'x\ud800' } })];
    await refused(() => h.postEvents({ events }), 400, /^events\[1\]\.chat\.id: must not contain/);
  });

  it('a NUL in a pre-chat field name → 400', async () => {
    const event = chatEvent('chat.started', { prechat: { fields: { 'or\u0000der': '1' } } });
    await refused(() => h.postEvents(event), 400, /^prechat\.fields\.or.der: must not contain/);
  });

  it('a property ref with a NUL → 404 unknown property, not a failed query', async () => {
    await refused(() => h.postEvents(chatEvent('chat.ended', { property: 'shop\u0000' })), 404, /unknown property/);
    await expect(findProperty(h.t.db, 'shop\u0000')).rejects.toThrow(/no property/);
    await refused(() => h.postTawk(tawkFixture('chat-end'), 'hook-nul-ref', { property: '%00' }), 404, /unknown property/);
  });

  it('a NUL in a webhook message → 400, and the same webhook without it is accepted', async () => {
    const fixture = JSON.parse(tawkFixture('chat-start-with-visitor-message')) as { message: { text: string } };
    fixture.message.text = 'where\u0000 is it';
    await refused(() => h.postTawk(JSON.stringify(fixture), 'hook-nul-text'), 400, /must not contain NUL/);
    fixture.message.text = 'where is it';
    expect((await h.postTawk(JSON.stringify(fixture), 'hook-nul-text-fixed')).status).toBe(202);
  });

  it('paired surrogates (emoji) are fine', () => {
    expect(parseChatEvents(chatEvent('chat.message', { message: { id: 'm-emoji', sender: 'visitor', text: 'ok 💥' } }))).toHaveLength(1);
  });
});
