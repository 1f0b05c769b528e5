import { Agent, request } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, tawkSecret, maxBodyBytes, type IngressHarness } from '../worker/ingress/ingress-harness.ts';
import { makeProperty } from '../support/inbox-fixture.ts';
import { FuzzTally, runPool, withinMs } from './support/fuzz-tally.ts';
import { httpCase, type HttpCase, type HttpFuzzTarget } from './support/http-fuzz-cases.ts';
import { fuzzSettings } from './support/seeded-random.ts';

// Fuzzing the HTTP ingress (POST /v1/events, POST /v1/webhooks/tawk/:property) on a real
// server, database and BullMQ queue: thousands of bent requests. Every answer must be JSON
// with a 2xx or 4xx status, never a 5xx or a dropped connection (Postgres is up all along),
// and the status a case expects when it has one (415 for a wrong Content-Type, 202 for a
// webhook string over its bound); the rows stored must be exactly the events the 202s said
// were accepted, a signed webhook body replayed under new hook ids stored once; the server
// must still take a valid request at the end.

const { seed, cases } = fuzzSettings(10_000);
const CASE_MS = 15_000;
const LANES = 4;

let h: IngressHarness;
let target: HttpFuzzTarget;
const agent = new Agent({ keepAlive: true, maxSockets: LANES });

beforeAll(async () => {
  h = await startHarness();
  // A second property without a webhook secret: its webhook is disabled (404).
  const other = await makeProperty(h.t.db, 'other');
  target = {
    slug: 'shop',
    propertyId: h.property.id,
    secret: h.property.signing_secret,
    tawkSecret,
    otherSlug: other.slug,
    otherSecret: other.signing_secret,
    maxBodyBytes,
  };
});

afterAll(async () => {
  agent.destroy();
  await h?.close();
});

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** Sends one request; resolves with the answer, rejects if the connection fails before a complete one. */
function send(c: HttpCase): Promise<Answer> {
  const url = new URL(h.base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...c.headers };
    if (!c.chunked) headers['content-length'] = String(c.body.length);
    const req = request({ host: url.hostname, port: url.port, method: c.method, path: c.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (c.chunked) {
      for (let at = 0; at < c.body.length; at += 16 * 1024) req.write(c.body.subarray(at, at + 16 * 1024));
      req.end();
    } else {
      req.end(c.body);
    }
  });
}

describe('fuzzing the HTTP ingress', () => {
  it(`answers ${cases} bent requests with JSON 2xx/4xx and stores exactly what it accepted`, async () => {
    const tally = new FuzzTally();
    const statuses = new Map<string, number>();
    let accepted = 0;
    // Replayed webhook bodies: key → the events one delivery of it stands for.
    const replayed = new Map<string, number>();
    const started = performance.now();
    const indexes = function* () {
      for (let i = 0; i < cases; i++) yield i;
    };
    await runPool(indexes(), LANES, async (index) => {
      const c = httpCase(target, seed, index);
      const begun = performance.now();
      const result = { name: c.name, kind: c.kind, outcome: 'FAILED', ms: 0, failure: undefined as string | undefined };
      try {
        const answer = await withinMs(send(c), CASE_MS, c.name);
        let body: { accepted?: unknown; duplicates?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
        try {
          body = JSON.parse(answer.body) as typeof body;
        } catch {
          body = undefined;
        }
        const code = typeof body?.error?.code === 'string' ? body.error.code : '';
        result.outcome = `${answer.status}${code ? ` ${code}` : ''}`;
        if (answer.status >= 500 || answer.status < 200 || (answer.status >= 300 && answer.status < 400))
          result.failure = `status ${answer.status}: ${answer.body.slice(0, 300)}`;
        else if (!answer.contentType.startsWith('application/json') || body === undefined)
          result.failure = `not a JSON answer (${answer.contentType}): ${answer.body.slice(0, 200)}`;
        else if (c.expectStatus && !c.expectStatus.includes(answer.status))
          result.failure = `expected ${c.expectStatus.join(' or ')}, got ${answer.status}: ${answer.body.slice(0, 200)}`;
        else if (answer.status === 202) {
          if (typeof body.accepted !== 'number') result.failure = `202 without an accepted count: ${answer.body.slice(0, 200)}`;
          else accepted += body.accepted;
          if (c.replay) {
            // Every delivery of a replayed body is answered in full: new or duplicate.
            if (body.accepted !== 0 && body.accepted !== c.replay.events)
              result.failure = `a replay accepted ${String(body.accepted)} of ${c.replay.events} events`;
            else if (Number(body.accepted) + Number(body.duplicates) !== c.replay.events)
              result.failure = `a replay answered ${answer.body.slice(0, 200)} for ${c.replay.events} events`;
            replayed.set(c.replay.key, c.replay.events);
          }
        } else if (typeof body.error?.message !== 'string' || body.error.message === '')
          result.failure = `error answer without a message: ${answer.body.slice(0, 200)}`;
      } catch (error) {
        result.outcome = 'NO ANSWER';
        result.failure = error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}` : String(error);
      }
      result.ms = performance.now() - begun;
      statuses.set(result.outcome, (statuses.get(result.outcome) ?? 0) + 1);
      tally.add(result);
    });
    const wall = performance.now() - started;

    // The server is still there and still takes a valid request.
    const last = await h.postEvents({
      id: `fz-final-${seed}`,
      type: 'chat.ended',
      property: 'shop',
      at: new Date().toISOString(),
      chat: { id: 'c' },
    });
    expect(last.status).toBe(202);
    accepted += last.body.accepted ?? 0;
    const stored = Number(
      (
        await h.t.db
          .selectFrom('chat_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    // A replayed body is stored once: its rows are one delivery's events, however many came.
    const replayRows = await h.t.db
      .selectFrom('chat_events')
      .select((eb) => [eb.fn.coalesce('chat_id', sql<string>`payload->'visitor'->>'email'`).as('key'), eb.fn.countAll<string>().as('n')])
      .where((eb) => eb.or([eb('chat_id', 'like', 'fz-replay-%'), eb(sql<string>`payload->'visitor'->>'email'`, 'like', 'fz-replay-%')]))
      .groupBy('key')
      .execute();
    const storedPerReplay = new Map(replayRows.map((row) => [row.key, Number(row.n)]));
    const deliveries = tally.results.filter((r) => r.kind === 'tawk-replayed').length;
    console.log(
      tally.summary('HTTP ingress fuzz', seed, wall, [
        `events accepted by 202s: ${accepted}, chat_events rows: ${stored}`,
        `replayed webhook bodies: ${replayed.size} distinct, ${deliveries} deliveries under new hook ids, rows ${[...storedPerReplay.values()].reduce((a, b) => a + b, 0)} (one delivery's worth each: ${[...replayed.values()].reduce((a, b) => a + b, 0)})`,
      ]),
    );

    expect(tally.results.length).toBe(cases);
    expect(tally.failures.map((f) => `${f.name}: ${f.failure}`)).toEqual([]);
    expect(stored).toBe(accepted);
    expect(Object.fromEntries(storedPerReplay)).toEqual(Object.fromEntries(replayed));
  });
});
