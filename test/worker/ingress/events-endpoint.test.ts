import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatEvent, maxBodyBytes, startHarness, type Answer, type IngressHarness } from './ingress-harness.ts';

let h: IngressHarness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Runs a request that must be refused, and checks that it stored nothing. */
async function refused(send: () => Promise<Answer>, status: number, message: RegExp): Promise<Answer> {
  const before = (await h.rows()).length;
  const answer = await send();
  expect(answer.status).toBe(status);
  expect(answer.body.error?.message).toMatch(message);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect((await h.rows()).length).toBe(before);
  return answer;
}

describe('POST /v1/events', () => {
  it('a signed single event → 202 after it is stored, and a chat-event job queued for its row', async () => {
    const event = chatEvent('chat.started');
    const answer = await h.postEvents(event);
    expect(answer).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0 } });

    const row = (await h.rows()).find((r) => r.event_id === event.id)!;
    expect(row).toMatchObject({ property_id: h.property.id, type: 'chat.started', chat_id: 'chat-1', source: 'api', processed_at: null });
    expect(row.payload).toMatchObject({ id: event.id, visitor: { id: 'v-1', name: 'Ana' } });
    const job = await h.queue.getJob(`chat-event-${row.id}`);
    expect(job?.name).toBe('chat-event');
    expect(job?.data).toEqual({ eventRowId: row.id });
  });

  it('a batch → every event stored in order, one job each; events may name the property by id or slug', async () => {
    const events = [
      chatEvent('chat.started', { chat: { id: 'chat-b' } }),
      chatEvent('chat.message', { chat: { id: 'chat-b' }, property: Number(h.property.id) }),
      chatEvent('chat.ended', { chat: { id: 'chat-b' }, property: 'SHOP' }),
      chatEvent('offline.submitted'),
    ];
    const answer = await h.postEvents({ events });
    expect(answer).toMatchObject({ status: 202, body: { accepted: 4, duplicates: 0 } });

    const rows = (await h.rows()).filter((r) => events.some((e) => e.id === r.event_id));
    expect(rows.map((r) => r.event_id)).toEqual(events.map((e) => e.id));
    expect(rows.map((r) => r.type)).toEqual(['chat.started', 'chat.message', 'chat.ended', 'offline.submitted']);
    for (const row of rows) expect(await h.queue.getJob(`chat-event-${row.id}`)).toBeDefined();
  });

  it('the same event twice (a sender retry) → stored once, the second answer counts a duplicate', async () => {
    const event = chatEvent('chat.message');
    expect((await h.postEvents(event)).body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await h.postEvents(event)).body).toEqual({ accepted: 0, duplicates: 1 });
    expect((await h.rows()).filter((r) => r.event_id === event.id)).toHaveLength(1);

    const fresh = chatEvent('chat.ended');
    expect((await h.postEvents({ events: [event, fresh] })).body).toEqual({ accepted: 1, duplicates: 1 });
  });

  it('a wrong signature, another secret, a stale or future timestamp, a missing or malformed header → 401 with the reason', async () => {
    const event = () => chatEvent('chat.started');
    await refused(() => h.postEvents(event(), { secret: 'not-the-secret' }), 401, /does not match/);
    const tampered = event();
    const signed = JSON.stringify(tampered);
    await refused(
      () => h.postEvents(signed.replace('Ana', 'Eve'), { signature: `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` }),
      401,
      /does not match/,
    );
    await refused(() => h.postEvents(event(), { at: new Date(Date.now() - 6 * 60_000) }), 401, /outside the 5-minute window/);
    await refused(() => h.postEvents(event(), { at: new Date(Date.now() + 6 * 60_000) }), 401, /outside the 5-minute window/);
    const missing = await refused(() => h.postEvents(event(), { signature: null }), 401, /missing X-Switchboard-Signature/);
    expect(missing.body.error?.code).toBe('bad_signature');
    await refused(() => h.postEvents(event(), { signature: 'sha256=abc' }), 401, /malformed X-Switchboard-Signature/);
  });

  it('a body signed for other bytes (re-serialised JSON) is refused: the signature covers the raw body', async () => {
    const event = chatEvent('chat.started');
    const compact = JSON.stringify(event);
    const pretty = JSON.stringify(event, null, 2);
    const { signBody } = await import('../../../core/chats/event-signature.ts');
    await refused(() => h.postEvents(pretty, { signature: signBody(h.property.signing_secret, compact) }), 401, /does not match/);
  });

  it('a body whose signature cannot be checked (not JSON, not an event, no property) → 401 saying why, never a 400 about its JSON', async () => {
    const malformed = '{"id": "x", "type": ';
    // Signed or not, wrongly or rightly: no property can be found, so no secret can check it.
    await refused(
      () => h.postEvents(malformed, { secret: 'not-the-secret' }),
      401,
      /^the signature cannot be checked: the body is not JSON/,
    );
    await refused(() => h.postEvents(malformed), 401, /^the signature cannot be checked: the body is not JSON/);
    const missing = await refused(() => h.postEvents(malformed, { signature: null }), 401, /^missing X-Switchboard-Signature header/);
    expect(missing.body.error?.code).toBe('bad_signature');
    await refused(() => h.postEvents(''), 401, /^the signature cannot be checked: the body is not JSON/);
    await refused(
      () => h.postEvents({ events: [] }),
      401,
      /^the signature cannot be checked: body must be one event or \{"events": \[\.\.\.\]\} whose first event names the property/,
    );
    await refused(() => h.postEvents([chatEvent('chat.started')]), 401, /^the signature cannot be checked: body must be one event/);
    await refused(
      () => h.postEvents({ ...chatEvent('chat.started'), property: undefined }),
      401,
      /^the signature cannot be checked: property must be the property's id or slug/,
    );
    await refused(
      () => h.postEvents({ events: [{ ...chatEvent('chat.started'), property: {} }] }),
      401,
      /^the signature cannot be checked: events\[0\]\.property must be/,
    );
  });

  it('a bad field → 400 naming it, and nothing of the batch is stored', async () => {
    const good = chatEvent('chat.started', { chat: { id: 'chat-bad' } });
    const bad = chatEvent('chat.message', { chat: { id: 'chat-bad' }, message: { id: 'm1', sender: 'robot', text: 'hi' } });
    const answer = await refused(() => h.postEvents({ events: [good, bad] }), 400, /^events\[1\]\.message\.sender: /);
    expect(answer.body.error?.code).toBe('invalid_input');
    await refused(() => h.postEvents(chatEvent('chat.started', { at: 'yesterday' })), 400, /^at: /);
    await refused(
      () => h.postEvents(chatEvent('offline.submitted', { visitor: { name: 'Ana', email: 'nope' } })),
      400,
      /^visitor\.email: must be an email address/,
    );
    await refused(() => h.postEvents({ events: [chatEvent('chat.started'), 'not an event'] }), 400, /^events\[1\]: /);
  });

  it('every string of an event has a bound: one character over → 400 naming the field', async () => {
    const over = (n: number) => 'x'.repeat(n + 1);
    const cases: [Record<string, unknown>, RegExp][] = [
      [chatEvent('chat.started', { id: over(200) }), /^id: Too big/],
      [chatEvent('chat.started', { chat: { id: over(200) } }), /^chat\.id: Too big/],
      [chatEvent('chat.started', { visitor: { id: over(200) } }), /^visitor\.id: Too big/],
      [chatEvent('chat.started', { visitor: { id: 'v', name: over(200) } }), /^visitor\.name: Too big/],
      [chatEvent('chat.started', { visitor: { id: 'v', email: `${over(320)}@example.com` } }), /^visitor\.email: Too big/],
      [chatEvent('chat.started', { prechat: { name: over(200) } }), /^prechat\.name: Too big/],
      [chatEvent('chat.started', { prechat: { fields: { order: over(2000) } } }), /^prechat\.fields\.order: Too big/],
      [chatEvent('chat.started', { prechat: { fields: { [over(200)]: '1' } } }), /^prechat\.fields\.x{63}…: Invalid key/],
      [
        chatEvent('chat.started', { prechat: { fields: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}`, i])) } }),
        /^prechat\.fields: at most 100 fields/,
      ],
      [chatEvent('chat.started', { department: over(200) }), /^department: Too big/],
      [chatEvent('chat.message', { message: { id: over(200), sender: 'visitor', text: 'hi' } }), /^message\.id: Too big/],
      [chatEvent('chat.message', { message: { id: 'm', sender: 'visitor', text: over(20_000) } }), /^message\.text: Too big/],
      [
        chatEvent('chat.message', { message: { id: 'm', sender: 'agent', agent: { id: 'a', name: over(200) }, text: 'hi' } }),
        /^message\.agent\.name: Too big/,
      ],
      [{ ...chatEvent('chat.ended'), type: 'chat.assigned', agent: { id: over(200) } }, /^agent\.id: Too big/],
      [chatEvent('offline.submitted', { visitor: { name: over(200), email: 'ana@example.com' } }), /^visitor\.name: Too big/],
      [chatEvent('offline.submitted', { notes: [over(1000)] }), /^notes\[0\]: Too big/],
      [chatEvent('offline.submitted', { notes: Array.from({ length: 11 }, () => 'n') }), /^notes: Too big/],
    ];
    for (const [event, message] of cases) await refused(() => h.postEvents(event), 400, message);
    // The property is needed before the signature can be checked: an over-long one finds none.
    await refused(
      () => h.postEvents(chatEvent('chat.started', { property: over(100) })),
      401,
      /^the signature cannot be checked: property must be/,
    );
  });

  it('events of one request naming different properties → 400, nothing stored', async () => {
    const answer = await refused(
      () => h.postEvents({ events: [chatEvent('chat.started'), chatEvent('chat.ended', { property: 'other-shop' })] }),
      400,
      /^events\[1\]\.property: all events of one request must name the same property/,
    );
    expect(answer.body.error?.code).toBe('invalid_input');
  });

  it('an unknown property → 404 (by slug or id, even one beyond bigint)', async () => {
    const answer = await refused(
      () => h.postEvents(chatEvent('chat.started', { property: 'no-such-shop' })),
      404,
      /unknown property "no-such-shop"/,
    );
    expect(answer.body.error?.code).toBe('unknown_property');
    await refused(() => h.postEvents(chatEvent('chat.started', { property: 987654 })), 404, /unknown property "987654"/);
    await refused(() => h.postEvents(chatEvent('chat.started', { property: '99999999999999999999999' })), 404, /unknown property/);
  });

  it('a body over the limit with its Content-Length → 413 before it is read', async () => {
    const big = JSON.stringify(chatEvent('chat.message', { message: { id: 'm', sender: 'visitor', text: 'x'.repeat(maxBodyBytes) } }));
    const answer = await refused(() => h.postEvents(big), 413, new RegExp(`larger than the limit of ${maxBodyBytes} bytes`));
    expect(answer.body.error?.code).toBe('payload_too_large');
    expect(answer.headers.get('connection')).toBe('close');
  });

  it('a streamed (chunked) body that grows over the limit → 413 at the crossing chunk, while the client is still sending', async () => {
    const before = (await h.rows()).length;
    const { status, body, sent } = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      const req = request(`${h.base}/v1/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      });
      let sent = 0;
      let answered = false;
      const chunk = Buffer.alloc(4096, 'a');
      // One chunk per turn of the event loop until the answer arrives (or far past the limit):
      // the 413 must come while the client is still streaming.
      const pump = () => {
        if (answered || sent >= maxBodyBytes * 64) return void req.end();
        sent += chunk.length;
        if (req.write(chunk)) setImmediate(pump);
        else req.once('drain', pump);
      };
      req.on('response', (res) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, sent }));
      });
      req.on('error', (error) => (answered ? undefined : reject(error)));
      req.write('{"id": "big", "type": "chat.message", "text": "');
      pump();
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).error.code).toBe('payload_too_large');
    expect(sent).toBeLessThan(maxBodyBytes * 64);
    expect((await h.rows()).length).toBe(before);
  });

  it('the server keeps serving after refusing an oversize body', async () => {
    expect((await h.postEvents(chatEvent('chat.ended'))).status).toBe(202);
  });
});

describe('other paths and methods', () => {
  it('GET /v1/events → 405 with Allow: POST; an unknown path → 404; both with a JSON error body', async () => {
    const get = await fetch(`${h.base}/v1/events`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toEqual({ error: { code: 'method_not_allowed', message: expect.stringMatching(/GET is not allowed/) } });

    const unknown = await h.post('/v1/nothing-here', '{}');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toEqual({ code: 'not_found', message: expect.stringMatching(/no endpoint \/v1\/nothing-here/) });

    const tawkGet = await fetch(`${h.base}/v1/webhooks/tawk/shop`);
    expect(tawkGet.status).toBe(405);
  });
});
