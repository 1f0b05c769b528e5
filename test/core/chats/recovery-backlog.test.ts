import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { parseChatEvents } from '../../../core/chats/chat-event.ts';
import { processChatEvent } from '../../../core/chats/process-chat-event.ts';
import { fireRecoveryTrigger } from '../../../core/chats/recovery-trigger.ts';
import { storeChatEvents } from '../../../core/chats/store-chat-events.ts';
import { NotVisibleYetError } from '../../../core/errors.ts';
import { at, eventId, startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';

// After an outage the chat-event jobs run late. A recovery trigger due meanwhile must not
// fire on a chat whose stored, not yet applied events hold the agent's answer.

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

it('waits for the chat’s stored events before deciding, then sees the answer', async () => {
  p = await startPipeline({ trigger_delay_seconds: 30 });
  const started = parseChatEvents({
    id: eventId(),
    type: 'chat.started',
    property: 'shop',
    at: at(),
    chat: { id: 'late' },
    visitor: { id: 'v' },
  });
  const [startRow] = (await storeChatEvents(p.t.db, p.property.id, started)).newRowIds;
  await processChatEvent(p.t.db, p.jobs, startRow!);
  const conversation = await p.t.db.selectFrom('conversations').select('id').where('external_id', '=', 'late').executeTakeFirstOrThrow();

  // The agent answered in time, but the event is still waiting for its job.
  const answer = parseChatEvents({
    id: eventId(),
    type: 'chat.message',
    property: 'shop',
    at: at(),
    chat: { id: 'late' },
    message: { id: 'a1', sender: 'agent', agent: { id: 'ag' }, text: 'Hi!' },
  });
  const [answerRow] = (await storeChatEvents(p.t.db, p.property.id, answer)).newRowIds;
  await expect(fireRecoveryTrigger(p.t.db, p.jobs, conversation.id)).rejects.toBeInstanceOf(NotVisibleYetError);

  await processChatEvent(p.t.db, p.jobs, answerRow!);
  expect(await fireRecoveryTrigger(p.t.db, p.jobs, conversation.id)).toBe('answered');
  expect(await p.t.db.selectFrom('messages').select('id').where('sender', '=', 'trigger').execute()).toHaveLength(0);
});

it('an event that arrives after the deadline does not hold the trigger back', async () => {
  p = await startPipeline({ trigger_delay_seconds: 0 });
  const started = parseChatEvents({
    id: eventId(),
    type: 'chat.started',
    property: 'shop',
    at: at(-5000),
    chat: { id: 'slow' },
    visitor: { id: 'v' },
  });
  await processChatEvent(p.t.db, p.jobs, (await storeChatEvents(p.t.db, p.property.id, started)).newRowIds[0]!);
  const conversation = await p.t.db.selectFrom('conversations').select('id').where('external_id', '=', 'slow').executeTakeFirstOrThrow();
  const later = parseChatEvents({
    id: eventId(),
    type: 'chat.message',
    property: 'shop',
    at: at(60_000),
    chat: { id: 'slow' },
    message: { id: 'v1', sender: 'visitor', text: 'still there?' },
  });
  await storeChatEvents(p.t.db, p.property.id, later);
  expect(await fireRecoveryTrigger(p.t.db, p.jobs, conversation.id)).toBe('fired');
});

it('a trigger run long after its chat went quiet does not fire', async () => {
  p = await startPipeline({ trigger_delay_seconds: 0, inactivity_timeout_seconds: 60 });
  const started = parseChatEvents({
    id: eventId(),
    type: 'chat.started',
    property: 'shop',
    at: at(),
    chat: { id: 'stale' },
    visitor: { id: 'v' },
  });
  await processChatEvent(p.t.db, p.jobs, (await storeChatEvents(p.t.db, p.property.id, started)).newRowIds[0]!);
  const conversation = await p.t.db.selectFrom('conversations').select('id').where('external_id', '=', 'stale').executeTakeFirstOrThrow();
  await sql`UPDATE conversations SET created_at = now() - interval '2 hours', last_message_at = now() - interval '2 hours'`.execute(p.t.db);
  expect(await fireRecoveryTrigger(p.t.db, p.jobs, conversation.id)).toBe('stale');
  expect(await p.t.db.selectFrom('messages').select('id').where('sender', '=', 'trigger').execute()).toHaveLength(0);
});
