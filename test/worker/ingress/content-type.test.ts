import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../../core/chats/event-signature.ts';
import { chatEvent, maxBodyBytes, startHarness, tawkFixture, tawkSecret, tawkSignature, type IngressHarness } from './ingress-harness.ts';

// Both JSON endpoints take application/json only (a UTF-8 charset is fine), and say so with a
// 415 before anything else is done: before the body is read, before the property is looked up.

let h: IngressHarness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const endpoints = ['/v1/events', '/v1/webhooks/tawk/shop'] as const;

/** A signed valid request to `path` with the given Content-Type (none when null). */
function signedRequest(path: (typeof endpoints)[number], contentType: string | null): { body: string; headers: Record<string, string> } {
  if (path === '/v1/events') {
    const body = JSON.stringify(chatEvent('chat.ended'));
    return {
      body,
      headers: {
        ...(contentType === null ? {} : { 'Content-Type': contentType }),
        'X-Switchboard-Signature': signBody(h.property.signing_secret, body),
      },
    };
  }
  const fixture = JSON.parse(tawkFixture('chat-end')) as { chatId: string };
  fixture.chatId = `ct-${Math.random().toString(36).slice(2)}`;
  const body = JSON.stringify(fixture);
  return {
    body,
    headers: {
      ...(contentType === null ? {} : { 'Content-Type': contentType }),
      'X-Tawk-Signature': tawkSignature(tawkSecret, body),
      'X-Hook-Event-Id': 'ct-hook',
    },
  };
}

/** POSTs with exactly these headers (fetch would add text/plain to a string body). */
async function send(
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; contentType: string; body: { error?: { code: string; message: string }; accepted?: number } }> {
  const res = await fetch(h.base + path, { method: 'POST', body: new TextEncoder().encode(body), headers });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.json() };
}

describe('Content-Type of the JSON endpoints', () => {
  for (const path of endpoints) {
    it(`${path}: anything but application/json → 415 with a JSON error, nothing stored`, async () => {
      for (const type of [
        null,
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        'application/jsonx',
        'application/json; charset=latin1',
        'application/json, text/plain',
        'json',
      ]) {
        const before = (await h.rows()).length;
        const { body, headers } = signedRequest(path, type);
        const answer = await send(path, body, headers);
        expect(answer.status, String(type)).toBe(415);
        expect(answer.contentType).toMatch(/^application\/json/);
        expect(answer.body.error).toEqual({
          code: 'unsupported_media_type',
          message: expect.stringMatching(/^Content-Type must be application\/json \(.+\); nothing was read$/),
        });
        expect((await h.rows()).length).toBe(before);
      }
    });

    it(`${path}: application/json in any case, with or without a UTF-8 charset → accepted`, async () => {
      for (const type of [
        'application/json',
        'Application/JSON',
        'application/json; charset=utf-8',
        'application/json;charset="UTF-8"',
        'APPLICATION/JSON ; Charset=utf8',
      ]) {
        const { body, headers } = signedRequest(path, type);
        expect((await send(path, body, headers)).status, type).toBe(202);
      }
    });
  }

  it('415 comes before the property is looked up (an unknown property is not 404) and before the body is read', async () => {
    const { body, headers } = signedRequest('/v1/webhooks/tawk/shop', 'text/plain');
    const unknown = await send('/v1/webhooks/tawk/no-such-shop', body, headers);
    expect(unknown.status).toBe(415);

    // Headers declare 50,000 bytes, only a few are sent: the answer must not wait for the rest.
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${h.base}/v1/events`, { method: 'POST', headers: { 'Content-Type': 'text/plain', 'Content-Length': '50000' } });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, text });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.write('{"id": ');
    });
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.text).error.code).toBe('unsupported_media_type');
  });

  it('size comes first: a declared oversize body with a wrong Content-Type → 413', async () => {
    const big = 'x'.repeat(maxBodyBytes + 1);
    const answer = await send('/v1/events', big, { 'Content-Type': 'text/plain' });
    expect(answer.status).toBe(413);
  });
});
