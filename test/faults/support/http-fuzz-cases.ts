// The HTTP ingress fuzz corpus: requests to POST /v1/events and the tawk webhook, derived from
// (seed, index) alone, each a valid request bent one way: malformed or truncated JSON, wrong
// types, huge or deeply nested bodies, NULs and lone surrogates, missing, malformed, stale or
// wrong signatures, byte flips before or after signing, odd content types, oversize bodies,
// other methods and paths; signed webhook bodies replayed under new hook ids (stored once),
// webhook strings far over their bounds (cut, not refused).
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { signBody } from '../../../core/chats/event-signature.ts';
import { caseRng, type Rng } from './seeded-random.ts';

/** One request to send. `declaredLength` overrides Content-Length (a lie, or chunked when null). */
export interface HttpCase {
  index: number;
  name: string;
  kind: HttpCaseKind;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  chunked?: boolean;
  /** The statuses this case may get; any 2xx/4xx when absent. */
  expectStatus?: number[];
  /**
   * A signed webhook body that other cases post too, under other hook ids: its rows (by chat
   * id, or the visitor email of a ticket) must be one delivery's events however often it came.
   */
  replay?: { key: string; events: number };
}

/** What the generator needs to know about the target. */
export interface HttpFuzzTarget {
  slug: string;
  propertyId: string;
  secret: string;
  tawkSecret: string;
  /** A property that has no webhook secret (webhooks disabled). */
  otherSlug: string;
  otherSecret: string;
  maxBodyBytes: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const tawkDir = new URL('../../fixtures/tawk/', import.meta.url);
const tawkFixtures = readdirSync(tawkDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => readFileSync(new URL(f, tawkDir), 'utf8'));
const tawkFixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`${name}.json`, tawkDir), 'utf8')) as Record<string, Json> & {
    ticket: Record<string, Json>;
    requester: Record<string, Json>;
    message: Record<string, Json>;
    visitor: Record<string, Json>;
  };

/** How many distinct bodies the replay cases share: each is posted many times in a run. */
const replayBodies = 12;

function tawkSign(secret: string, body: Buffer): string {
  return createHmac('sha1', secret).update(body).digest('hex');
}

/** A valid event of the target property; ids are unique to the case. */
function validEvent(r: Rng, target: HttpFuzzTarget, id: string): Record<string, Json> {
  const chat = { id: `chat-${r.int(1, 40)}` };
  const at = new Date(Date.now() - r.int(0, 3_600_000)).toISOString();
  const base = { id, property: r.pick([target.slug, target.propertyId, target.slug.toUpperCase()]), at };
  switch (r.int(0, 4)) {
    case 0:
      return {
        ...base,
        type: 'chat.started',
        chat,
        visitor: { id: `v-${r.int(1, 99)}`, name: 'Ana' },
        prechat: { email: 'ana@example.com', fields: { order: '1234', vip: true, n: 3 } },
      };
    case 1:
      return {
        ...base,
        type: 'chat.message',
        chat,
        message: { id: `m-${id}`, sender: r.pick(['visitor', 'agent', 'system']), agent: { id: 'a1' }, text: 'Hello?' },
      };
    case 2:
      return { ...base, type: 'chat.assigned', chat, agent: { email: 'agent@shop.example', name: 'Bo' } };
    case 3:
      return { ...base, type: 'chat.ended', chat, reason: 'visitor_left' };
    default:
      return { ...base, type: 'offline.submitted', visitor: { name: 'Ana', email: 'ana@example.com' }, message: { text: 'Call me' } };
  }
}

function validBody(r: Rng, target: HttpFuzzTarget, index: number): Json {
  if (r.chance(0.6)) return validEvent(r, target, `fz-${index}`);
  return { events: Array.from({ length: r.int(1, 20) }, (_, i) => validEvent(r, target, `fz-${index}-${i}`)) };
}

const weirdValues = (r: Rng): Json[] => [
  null,
  true,
  0,
  -1,
  1e308,
  -0,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  ' ',
  'x'.repeat(r.int(201, 30_000)),
  '\u0000',
  `nul\u0000inside`,
  '\ud800',
  '\udfff\ud800',
  '💥'.repeat(50),
  '\u202e\u200b',
  [],
  [1, 'a', null],
  {},
  { nested: { deeper: [] } },
  '2026-13-45T99:99:99Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999999+14:00',
  '2026-02-29T00:00:00Z',
  'not-an-email@',
  '@',
];

/** Every path to a value inside a JSON value, as key lists. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function setAt(value: Json, path: (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(value))
    return value.map((v, i) => (i === head ? setAt(v, rest, replacement) : v)).filter((v) => v !== undefined) as Json;
  if (value && typeof value === 'object') {
    const copy: Record<string, Json> = { ...value };
    if (rest.length === 0 && replacement === undefined) delete copy[head as string];
    else copy[head as string] = setAt(copy[head as string] ?? null, rest, replacement);
    return copy;
  }
  return value;
}

function flip(body: Buffer, r: Rng, n: number): Buffer {
  const out = Buffer.from(body);
  for (let i = 0; i < n && out.length; i++) out[r.int(0, out.length - 1)]! ^= 1 << r.int(0, 7);
  return out;
}

function nested(depth: number, open: string, close: string, leaf = '1'): string {
  return open.repeat(depth) + leaf + close.repeat(depth);
}

type Built = Omit<HttpCase, 'index' | 'kind' | 'name'> & { detail?: string };

const kinds = {
  'valid-signed': (r, t, i): Built => signed(t, Buffer.from(JSON.stringify(validBody(r, t, i)))),
  'valid-repeated': (r, t, i): Built => {
    // The same event id as an earlier case: stored once, answered as a duplicate.
    const earlier = Math.max(0, i - r.int(1, 200));
    return { ...signed(t, Buffer.from(JSON.stringify(validEvent(r, t, `fz-${earlier}`)))), detail: `id of #${earlier}` };
  },
  'json-truncated': (r, t, i): Built => {
    const body = Buffer.from(JSON.stringify(validBody(r, t, i)));
    const at = r.int(0, body.length - 1);
    return { ...signed(t, body.subarray(0, at)), detail: `at ${at}/${body.length}` };
  },
  'json-garbage': (r, t): Built => {
    const n = r.int(1, 4000);
    return { ...signed(t, r.bytes(n)), detail: `${n} bytes` };
  },
  'json-not-json': (r, t): Built => {
    const text = r.pick([
      '',
      ' ',
      'null',
      'true',
      '0',
      '"str"',
      '[]',
      '{}',
      '{"events":[]}',
      '{"events":{}}',
      '{"events":null}',
      'NaN',
      '{a:1}',
      "{'a':1}",
      '{"a":1,}',
      '\ufeff{}',
      '[1,2',
      '{"type":',
    ]);
    return { ...signed(t, Buffer.from(text)), detail: JSON.stringify(text) };
  },
  'json-flipped-resigned': (r, t, i): Built => {
    const n = r.int(1, 20);
    return { ...signed(t, flip(Buffer.from(JSON.stringify(validBody(r, t, i))), r, n)), detail: `${n} bits` };
  },
  'signed-then-flipped': (r, t, i): Built => {
    const good = signed(t, Buffer.from(JSON.stringify(validBody(r, t, i))));
    return { ...good, body: flip(good.body, r, r.int(1, 5)) };
  },
  'wrong-type': (r, t, i): Built => {
    const body = validBody(r, t, i);
    const all = paths(body);
    const path = r.pick(all);
    const value = r.chance(0.15) ? undefined : r.pick(weirdValues(r));
    const bent = setAt(body, path, value);
    return {
      ...signed(t, Buffer.from(JSON.stringify(bent))),
      detail: `${path.join('.') || '(root)'} = ${value === undefined ? '(removed)' : JSON.stringify(value).slice(0, 24)}`,
    };
  },
  'nul-and-surrogates': (r, t, i): Built => {
    const event = validEvent(r, t, `fz-${i}`);
    const strings = paths(event).filter((p) => p.length > 0);
    const path = r.pick(strings);
    const value = r.pick(['a\u0000b', '\u0000', '\ud800', 'x\udc00y', 'ok\u0000']);
    return { ...signed(t, Buffer.from(JSON.stringify(setAt(event, path, value)))), detail: `${path.join('.')} = ${JSON.stringify(value)}` };
  },
  'nul-in-keys': (r, t, i): Built => {
    const event = validEvent(r, t, `fz-${i}`);
    const withKey = { ...event, ['k\u0000ey']: 1, prechat: { fields: { ['f\u0000']: 'v' } } } as Json;
    return {
      ...signed(
        t,
        Buffer.from(
          JSON.stringify(
            r.chance(0.5)
              ? withKey
              : { ...event, type: 'chat.started', chat: { id: 'c' }, visitor: { id: 'v' }, prechat: { fields: { ['f\u0000']: 'v' } } },
          ),
        ),
      ),
    };
  },
  'deep-nesting': (r, t, i): Built => {
    const depth = r.int(100, 30_000);
    const variant = r.pick(['arrays', 'objects', 'in-field', 'in-events']);
    let text: string;
    if (variant === 'arrays') text = nested(depth, '[', ']');
    else if (variant === 'objects') text = nested(depth, '{"a":', '}');
    else if (variant === 'in-events') text = `{"events":[${nested(depth, '[', ']')}]}`;
    else text = JSON.stringify(validEvent(r, t, `fz-${i}`)).replace(/}$/, `,"visitor":${nested(Math.min(depth, 10_000), '{"a":', '}')}}`);
    return { ...signed(t, Buffer.from(text)), detail: `${variant} ${depth}` };
  },
  'huge-values': (r, t, i): Built => {
    const variant = r.pick(['text-20001', 'text-60k', 'events-500', 'events-501', 'id-201', 'many-keys']);
    let body: Json;
    if (variant === 'events-500' || variant === 'events-501') {
      const n = variant === 'events-500' ? 500 : 501;
      body = {
        events: Array.from({ length: n }, (_, k) => ({
          id: `fz-${i}-${k}`,
          type: 'chat.ended',
          property: t.slug,
          at: new Date().toISOString(),
          chat: { id: 'c' },
        })),
      };
    } else if (variant === 'many-keys') {
      body = { ...validEvent(r, t, `fz-${i}`), ...Object.fromEntries(Array.from({ length: 3000 }, (_, k) => [`k${k}`, k])) };
    } else {
      const event = validEvent(r, t, variant === 'id-201' ? 'i'.repeat(201) : `fz-${i}`);
      const size = variant === 'text-20001' ? 20_001 : 60_000;
      body = { ...event, type: 'chat.message', chat: { id: 'c' }, message: { id: `m${i}`, sender: 'visitor', text: 'x'.repeat(size) } };
    }
    return { ...signed(t, Buffer.from(JSON.stringify(body))), detail: variant };
  },
  'signature-bad': (r, t, i): Built => {
    const body = Buffer.from(JSON.stringify(validBody(r, t, i)));
    const now = Math.floor(Date.now() / 1000);
    const hex = createHmac('sha256', t.secret).update(`${now}.`).update(body).digest('hex');
    const variant = r.pick([
      'missing',
      'empty',
      'stale',
      'future',
      'wrong-secret',
      'other-property-secret',
      'garbage',
      'no-v1',
      'no-t',
      't-float',
      't-huge',
      'short-hex',
      'non-hex',
      'uppercase-hex',
      'extra-good-v1',
      'many-parts',
      'spaces',
    ]);
    const header: Record<string, string | null> = {
      missing: null,
      empty: '',
      stale: signBody(t.secret, body, new Date(Date.now() - 301_000)),
      future: signBody(t.secret, body, new Date(Date.now() + 301_000)),
      'wrong-secret': signBody('not-the-secret', body),
      'other-property-secret': signBody(t.otherSecret, body),
      garbage: r
        .bytes(r.int(1, 200))
        .toString('latin1')
        .replace(/[^\x21-\x7e]/g, 'x'),
      'no-v1': `t=${now}`,
      'no-t': `v1=${hex}`,
      't-float': `t=${now}.5,v1=${hex}`,
      't-huge': `t=${'9'.repeat(400)},v1=${hex}`,
      'short-hex': `t=${now},v1=${hex.slice(0, 63)}`,
      'non-hex': `t=${now},v1=${'z'.repeat(64)}`,
      'uppercase-hex': `t=${now},v1=${hex.toUpperCase()}`,
      'extra-good-v1': `t=${now},v1=${'0'.repeat(64)},v1=${hex}`,
      'many-parts': Array.from({ length: 500 }, (_, k) => `v1=${k}`).join(',') + `,t=${now}`,
      spaces: ` t = ${now} , v1 = ${hex} `,
    };
    const value = header[variant]!;
    return {
      method: 'POST',
      path: '/v1/events',
      headers: { 'content-type': 'application/json', ...(value === null ? {} : { 'x-switchboard-signature': value }) },
      body,
      detail: variant,
    };
  },
  'content-type-odd': (r, t, i): Built => {
    const good = r.chance(0.5)
      ? signed(t, Buffer.from(JSON.stringify(validBody(r, t, i))))
      : tawk(t, Buffer.from(r.pick(tawkFixtures)), `hook-${i}`);
    const type = r.pick([
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/octet-stream',
      'text/json',
      'application/jsonp',
      'application/json, text/plain',
      'application/ld+json',
      ';',
      'x'.repeat(2000),
    ]);
    const headers = { ...good.headers };
    if (type === '') delete headers['content-type'];
    else headers['content-type'] = type;
    return { ...good, headers, expectStatus: [415], detail: `${good.path.slice(0, 20)} ${JSON.stringify(type.slice(0, 40))}` };
  },
  'content-type-json': (r, t, i): Built => {
    // application/json in other spellings is accepted like the plain one.
    const good = signed(t, Buffer.from(JSON.stringify(validEvent(r, t, `fz-${i}`))));
    const type = r.pick([
      'Application/JSON',
      'application/json; charset=utf-8',
      'application/json;charset="UTF-8"',
      'APPLICATION/JSON ; CHARSET=utf8',
      ' application/json ',
    ]);
    return { ...good, headers: { ...good.headers, 'content-type': type }, expectStatus: [202], detail: JSON.stringify(type) };
  },
  oversize: (r, t): Built => {
    const size = t.maxBodyBytes + r.int(1, 200_000);
    const body = Buffer.from(`{"events":[${'1,'.repeat(Math.floor(size / 2))}1]}`);
    const chunked = r.chance(0.5);
    return { ...signed(t, body), chunked, detail: `${body.length} B ${chunked ? 'chunked' : 'declared'}` };
  },
  'method-path': (r): Built => {
    const variant = r.pick([
      ['GET', '/v1/events'],
      ['PUT', '/v1/events'],
      ['DELETE', '/v1/webhooks/tawk/shop'],
      ['POST', '/'],
      ['POST', '/v1/event'],
      ['POST', '/v1/events/'],
      ['POST', '/v1/webhooks/tawk/'],
      ['POST', '/v1/webhooks/tawk/%E0%A4%A'],
      ['POST', '/v1/webhooks/tawk/a/b'],
      ['POST', '/v1/events?x=%ZZ'],
      ['POST', '//v1//events'],
      ['POST', `/v1/webhooks/tawk/${'x'.repeat(5000)}`],
      ['PATCH', '/v1/webhooks/tawk/%00'],
      ['OPTIONS', '*'],
    ]);
    return {
      method: variant[0]!,
      path: variant[1]!,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{}'),
      detail: `${variant[0]} ${variant[1]!.slice(0, 40)}`,
    };
  },
  'tawk-valid': (r, t, i): Built => {
    const body = Buffer.from(r.pick(tawkFixtures));
    return tawk(t, body, `hook-${i}`);
  },
  'tawk-replayed': (r, t, i): Built => {
    // One of a few signed bodies, posted again and again under new X-Hook-Event-Id values.
    const k = r.int(0, replayBodies - 1);
    if (r.chance(0.5)) {
      const body = tawkFixture('ticket-create-offline-form');
      const email = `fz-replay-${k}@example.org`;
      body.ticket = { ...body.ticket, id: `fz-replay-ticket-${k}` };
      body.requester = { ...body.requester, email };
      return {
        ...tawk(t, Buffer.from(JSON.stringify(body)), `replay-${i}`),
        expectStatus: [202],
        replay: { key: email, events: 1 },
        detail: `ticket ${k}`,
      };
    }
    const body = tawkFixture('chat-start-with-visitor-message');
    body.chatId = `fz-replay-chat-${k}`;
    return {
      ...tawk(t, Buffer.from(JSON.stringify(body)), `replay-${i}`),
      expectStatus: [202],
      replay: { key: body.chatId, events: 2 },
      detail: `chat ${k}`,
    };
  },
  'tawk-huge-strings': (r, t, i): Built => {
    // A free-text field far over its bound: cut and accepted, never refused (the service
    // would redeliver for 12 hours). Ids are the exception: refused, never cut.
    const size = r.int(t.maxBodyBytes / 8, t.maxBodyBytes / 2);
    const word = r.pick(['word ', 'x', '😀', 'é ', '\u202e']);
    // Whole words (an emoji is never split into a lone surrogate), `size` bytes of UTF-8.
    const long = word.repeat(Math.floor(size / Buffer.byteLength(word)));
    const variant = r.pick(['visitor.name', 'message.text', 'requester.name', 'ticket.subject', 'ticket.message', 'chatId']);
    const body =
      variant.startsWith('requester') || variant.startsWith('ticket')
        ? tawkFixture('ticket-create-offline-form')
        : tawkFixture('chat-start-with-visitor-message');
    if (body.event === 'ticket:create') body.ticket = { ...body.ticket, id: `fz-huge-${i}` };
    else body.chatId = `fz-huge-${i}`;
    const [object, field] = variant.split('.') as [string, string | undefined];
    if (field) (body[object] as Record<string, Json>)[field] = long;
    else body.chatId = long;
    return {
      ...tawk(t, Buffer.from(JSON.stringify(body)), `hook-${i}`),
      expectStatus: variant === 'chatId' ? [400] : [202],
      detail: `${variant} ${long.length}`,
    };
  },
  'tawk-bent': (r, t, i): Built => {
    const fixture = JSON.parse(r.pick(tawkFixtures)) as Json;
    const path = r.pick(paths(fixture));
    const value = r.chance(0.15) ? undefined : r.pick(weirdValues(r));
    const body = Buffer.from(JSON.stringify(setAt(fixture, path, value)));
    return {
      ...tawk(t, body, `hook-${i}`),
      detail: `${path.join('.') || '(root)'} = ${value === undefined ? '(removed)' : JSON.stringify(value).slice(0, 24)}`,
    };
  },
  'tawk-broken': (r, t, i): Built => {
    const body = Buffer.from(r.pick(tawkFixtures));
    const variant = r.pick([
      'no-signature',
      'bad-signature',
      'flipped-body',
      'no-hook-id',
      'bad-hook-id',
      'unknown-property',
      'webhooks-disabled',
      'truncated-resigned',
      'garbage-resigned',
      'sha256-signature',
    ]);
    const good = tawk(t, body, `hook-${i}`);
    const headers = { ...good.headers };
    let path = good.path;
    let sent: Buffer = body;
    switch (variant) {
      case 'no-signature':
        delete headers['x-tawk-signature'];
        break;
      case 'bad-signature':
        headers['x-tawk-signature'] = tawkSign('wrong', body);
        break;
      case 'sha256-signature':
        headers['x-tawk-signature'] = createHmac('sha256', t.tawkSecret).update(body).digest('hex');
        break;
      case 'flipped-body':
        sent = flip(body, r, r.int(1, 5));
        break;
      case 'no-hook-id':
        delete headers['x-hook-event-id'];
        break;
      case 'bad-hook-id':
        headers['x-hook-event-id'] = r.pick(['', ' ', 'a b', 'x'.repeat(151), '../etc', 'é']);
        break;
      case 'unknown-property':
        path = `/v1/webhooks/tawk/${r.pick(['nope', '999999', '0', '-1', 'SHOP%20', '%00', 'shop%00', '%ED%A0%80', '99999999999999999999'])}`;
        break;
      case 'webhooks-disabled':
        path = `/v1/webhooks/tawk/${t.otherSlug}`;
        break;
      case 'truncated-resigned':
        sent = body.subarray(0, r.int(0, body.length - 1));
        headers['x-tawk-signature'] = tawkSign(t.tawkSecret, sent);
        break;
      case 'garbage-resigned':
        sent = r.bytes(r.int(1, 2000));
        headers['x-tawk-signature'] = tawkSign(t.tawkSecret, sent);
        break;
    }
    return { ...good, path, headers, body: sent, detail: variant };
  },
} satisfies Record<string, (r: Rng, t: HttpFuzzTarget, index: number) => Built>;

export type HttpCaseKind = keyof typeof kinds;
const kindList = Object.keys(kinds) as HttpCaseKind[];

function signed(t: HttpFuzzTarget, body: Buffer): Built {
  return {
    method: 'POST',
    path: '/v1/events',
    headers: { 'content-type': 'application/json', 'x-switchboard-signature': signBody(t.secret, body) },
    body,
  };
}

function tawk(t: HttpFuzzTarget, body: Buffer, hookId: string): Built {
  return {
    method: 'POST',
    path: `/v1/webhooks/tawk/${t.slug}`,
    headers: { 'content-type': 'application/json', 'x-tawk-signature': tawkSign(t.tawkSecret, body), 'x-hook-event-id': hookId },
    body,
  };
}

/** Case `index` of a run; kinds go round-robin so each gets its share. */
export function httpCase(target: HttpFuzzTarget, seed: number, index: number): HttpCase {
  const r = caseRng(seed, index);
  const kind = kindList[index % kindList.length]!;
  const built = kinds[kind](r, target, index);
  const { detail, ...request } = built;
  return { index, kind, name: `#${index} ${kind}${detail ? `(${detail})` : ''}`, ...request };
}
