import { afterAll, beforeAll, expect, it } from 'vitest';
import { processChatEvent } from '../../../core/chats/process-chat-event.ts';
import type { JobName, JobPayloads } from '../../../core/jobs/job-catalog.ts';
import type { JobQueue } from '../../../core/jobs/job-queue.ts';
import { setResponseTargets } from '../../../core/responses/response-settings.ts';
import { noTargets } from '../../../core/responses/response-targets.ts';
import { eventId, startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';

// A chat's clock checks are queued once the chat's transaction has committed. Queued inside
// it, a check due at once (a chat stored long ago, its events queued again after a Redis wipe)
// could run before the commit, find no chat, fire nothing and, done, keep the job id reconcile
// asks for again: the at-risk and the breach were never recorded (the fault suite's FLUSHALL
// run missed them). Real Postgres and Redis; the queue below only looks before passing adds on.

let p: Pipeline;

beforeAll(async () => {
  p = await startPipeline({ trigger_enabled: false });
  await setResponseTargets(p.t.db, p.property.id, { ...noTargets, base: { first: 60_000 } });
});
afterAll(async () => {
  await p?.close();
});

it('a chat past its due time is committed before its checks are queued, and fires at risk and breach once through the worker', async () => {
  const chat = eventId();
  const at = new Date(Date.now() - 5 * 60_000);
  const property = p.property.slug;
  const started = eventId();
  const res = await p.post({
    events: [
      { id: started, property, type: 'chat.started', chat: { id: chat }, at: at.toISOString(), visitor: { id: 'v-kim', name: 'Kim' } },
      {
        id: eventId(),
        property,
        type: 'chat.message',
        chat: { id: chat },
        at: new Date(at.getTime() + 1000).toISOString(),
        message: { id: eventId(), sender: 'visitor', text: 'Anyone?' },
      },
    ],
  });
  expect(res.status).toBe(202);
  const last = await p.t.db
    .selectFrom('chat_events')
    .select('id')
    .where('chat_id', '=', chat)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();

  // Each check asked for: was its chat there, committed, for another connection to see?
  const asked: { item: string; visible: boolean }[] = [];
  const looking: JobQueue = {
    async add<N extends JobName>(name: N, data: JobPayloads[N], options?: { delayMs?: number; idSuffix?: string }) {
      if (name === 'response-check') {
        const id = /^conversation-(\d+)$/.exec((data as JobPayloads['response-check']).item)?.[1];
        const row = id ? await p.t.db.selectFrom('conversations').select('id').where('id', '=', id).executeTakeFirst() : undefined;
        asked.push({ item: (data as JobPayloads['response-check']).item, visible: row !== undefined });
      }
      return p.jobs.add(name, data, options);
    },
    addBulk: (requests) => p.jobs.addBulk(requests),
    remove: (name, data, options) => p.jobs.remove(name, data, options),
    requeue: (name, data, options) => p.jobs.requeue(name, data, options),
  };
  await processChatEvent(p.t.db, looking, last.id);
  const conversation = await p.t.db
    .selectFrom('conversations')
    .select(['id', 'due_at', 'at_risk_at'])
    .where('external_id', '=', chat)
    .executeTakeFirstOrThrow();
  expect(conversation.due_at!.getTime()).toBe(at.getTime() + 60_000);
  // The at-risk and the due time have both passed: two checks, due now, each after the commit.
  expect(asked).toEqual([
    { item: `conversation-${conversation.id}`, visible: true },
    { item: `conversation-${conversation.id}`, visible: true },
  ]);

  const worker = await p.startWorker();
  try {
    const alerts = () =>
      p.t.db
        .selectFrom('response_alerts')
        .select(['clock', 'kind'])
        .where('conversation_id', '=', conversation.id)
        .orderBy('kind')
        .execute();
    for (let i = 0; i < 100 && (await alerts()).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await alerts()).toEqual([
      { clock: 'first', kind: 'at_risk' },
      { clock: 'first', kind: 'breach' },
    ]);
  } finally {
    await worker.close();
  }
});
