// A real ingress on port 0 over a fresh database and a Redis queue prefix of its own, with
// helpers to send signed requests and look at what was stored and queued.
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { inject } from 'vitest';
import { signBody } from '../../../core/chats/event-signature.ts';
import type { ChatEventRow, Property } from '../../../core/db/schema.ts';
import type { JobQueue } from '../../../core/jobs/job-queue.ts';
import { updateProperty } from '../../../core/properties/property-store.ts';
import { BullJobQueue } from '../../../queue/bullmq-job-queue.ts';
import { startHttpIngress, type HttpIngress, type HttpIngressOptions } from '../../../worker/ingress/http-ingress.ts';
import { createLogger } from '../../../worker/logger.ts';
import { createRedis } from '../../../queue/redis-connection.ts';
import { makeProperty } from '../../support/inbox-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

export const maxBodyBytes = 64 * 1024;
export const tawkSecret = 'tawk-secret-for-tests';

/** An answer: status, headers and the parsed JSON body. */
export interface Answer {
  status: number;
  headers: Headers;
  body: { accepted?: number; duplicates?: number; ignored?: string; error?: { code: string; message: string } };
}

/** A running ingress with its database, queue and a property (slug "shop") to post to. */
export interface IngressHarness {
  t: TestDatabase;
  ingress: HttpIngress;
  base: string;
  property: Property;
  /** The chat-events BullMQ queue under this harness's prefix. */
  queue: Queue;
  post(path: string, body: string, headers?: Record<string, string>): Promise<Answer>;
  /** POST /v1/events, signed with the property's secret unless `signature` is given. */
  postEvents(body: unknown, options?: { signature?: string | null; secret?: string; at?: Date }): Promise<Answer>;
  /** POST /v1/webhooks/tawk/shop, signed with the webhook secret unless `signature` is given. */
  postTawk(raw: string, hookId: string | null, options?: { signature?: string; property?: string }): Promise<Answer>;
  rows(): Promise<ChatEventRow[]>;
  close(): Promise<void>;
}

/** Starts an ingress for one test file; `jobs` replaces the real BullMQ queue when given. */
export async function startHarness(options: { jobs?: JobQueue; ingress?: Partial<HttpIngressOptions> } = {}): Promise<IngressHarness> {
  const t = await createTestDatabase();
  const property = await updateProperty(t.db, (await makeProperty(t.db, 'shop')).id, { tawk_webhook_secret: tawkSecret });
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  const redis = createRedis(inject('redisUrl'), 'producer');
  const bull = new BullJobQueue(redis, prefix);
  const ingress = await startHttpIngress({
    db: t.db,
    jobs: options.jobs ?? bull,
    logger: createLogger('silent', 'ingress-test'),
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes,
    ...options.ingress,
  });
  const base = `http://127.0.0.1:${ingress.port}`;
  const queue = new Queue('chat-events', { connection: redis, prefix });
  const post = async (path: string, body: string, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(base + path, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };
  return {
    t,
    ingress,
    base,
    property,
    queue,
    post,
    postEvents(body, { signature, secret = property.signing_secret, at = new Date() } = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const header = signature === undefined ? signBody(secret, raw, at) : signature;
      return post('/v1/events', raw, header === null ? {} : { 'X-Switchboard-Signature': header });
    },
    postTawk(raw, hookId, { signature = tawkSignature(tawkSecret, raw), property: ref = 'shop' } = {}) {
      return post(`/v1/webhooks/tawk/${ref}`, raw, { 'X-Tawk-Signature': signature, ...(hookId ? { 'X-Hook-Event-Id': hookId } : {}) });
    },
    rows: () => t.db.selectFrom('chat_events').selectAll().orderBy('id').execute(),
    async close() {
      await ingress.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      await bull.close();
      await redis.quit();
      await t.drop();
    },
  };
}

/** The X-Tawk-Signature of a raw body: hex HMAC-SHA1 with the webhook secret. */
export function tawkSignature(secret: string, raw: string): string {
  return createHmac('sha1', secret).update(raw).digest('hex');
}

/** A webhook sample from test/fixtures/tawk, as the raw text the service would send. */
export function tawkFixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/tawk/${name}.json`, import.meta.url), 'utf8');
}

let counter = 0;

/** A valid chat event of the property "shop"; `overrides` replace top-level fields. */
export function chatEvent(
  type: 'chat.started' | 'chat.message' | 'chat.ended' | 'offline.submitted',
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const id = `evt-${process.pid}-${++counter}`;
  const base = { id, property: 'shop', at: new Date().toISOString() };
  const byType = {
    'chat.started': { chat: { id: 'chat-1' }, visitor: { id: 'v-1', name: 'Ana' } },
    'chat.message': { chat: { id: 'chat-1' }, message: { id: `m-${id}`, sender: 'visitor', text: 'Hello?' } },
    'chat.ended': { chat: { id: 'chat-1' }, reason: 'visitor_left' },
    'offline.submitted': { visitor: { name: 'Ana', email: 'ana@example.com' }, message: { text: 'Call me back' } },
  };
  return { ...base, type, ...byType[type], ...overrides };
}
