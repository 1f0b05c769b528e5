import { readdirSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { verifySignature } from '../../core/chats/event-signature.ts';
import { closeItem } from '../../core/inbox/item-actions.ts';
import { updateProperty } from '../../core/properties/property-store.ts';
import { at, ended, eventId, message, startPipeline, started, type Pipeline } from '../support/pipeline-harness.ts';
import { sleep, waitFor } from '../support/wait-for.ts';

// The real path: signed HTTP → ingress → Postgres → BullMQ (Redis) → workers → Postgres.

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

async function conversation(pipeline: Pipeline, chat: string) {
  return pipeline.t.db.selectFrom('conversations').selectAll().where('external_id', '=', chat).executeTakeFirst();
}
async function messagesOf(pipeline: Pipeline, conversationId: string, sender?: string) {
  let q = pipeline.t.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
  if (sender) q = q.where('sender', '=', sender as never);
  return q.execute();
}

describe('chat-recovery trigger', () => {
  it('posts the trigger message once when no agent answers within the delay', async () => {
    p = await startPipeline({ trigger_delay_seconds: 1, trigger_message: 'Leave us your email!', trigger_sender_name: 'Shop bot' });
    await p.startWorker();
    expect((await p.post({ events: [started('chat-1'), message('chat-1', 'visitor', 'Hello?')] })).status).toBe(202);
    const conv = await waitFor(() => conversation(p!, 'chat-1'), 'the conversation');
    const triggers = await waitFor(async () => {
      const rows = await messagesOf(p!, conv.id, 'trigger');
      return rows.length > 0 && rows;
    }, 'the trigger message');
    expect(triggers[0]).toMatchObject({ body: 'Leave us your email!', author_name: 'Shop bot' });
    // Not before the delay: compared on the rows' own times, not on how fast this test looked.
    expect(triggers[0]!.created_at.getTime() - conv.created_at.getTime()).toBeGreaterThanOrEqual(1000);
    // Re-adding the job (a redelivered start) and letting it run changes nothing: once per chat.
    await p.jobs.add('recovery', { conversationId: conv.id }, { idSuffix: 'again' });
    await waitFor(
      async () => (await p!.jobs.queue('chat-timers').getJob(`recovery-${conv.id}-again`))?.finishedOn,
      'the re-added trigger job',
    );
    expect(await messagesOf(p, conv.id, 'trigger')).toHaveLength(1);
  });

  it('never runs when an agent answers first', async () => {
    p = await startPipeline({ trigger_delay_seconds: 1 });
    await p.startWorker();
    await p.post({ events: [started('chat-2'), message('chat-2', 'visitor', 'Hi'), message('chat-2', 'agent', 'Hello! How can I help?')] });
    const conv = await waitFor(async () => {
      const c = await conversation(p!, 'chat-2');
      return c?.first_agent_reply_at ? c : undefined;
    }, 'the agent answer');
    await sleep(2000);
    expect(await messagesOf(p, conv.id, 'trigger')).toHaveLength(0);
    expect((await conversation(p, 'chat-2'))?.trigger_fired_at).toBeNull();
  });

  it('delivers the trigger to the callback URL, signed', async () => {
    const received: { body: string; signature: string | undefined }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req
        .on('data', (c: Buffer) => chunks.push(c))
        .on('end', () => {
          received.push({
            body: Buffer.concat(chunks).toString(),
            signature: req.headers['x-switchboard-signature'] as string | undefined,
          });
          res.writeHead(received.length === 1 ? 503 : 200).end();
        });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      p = await startPipeline({ trigger_delay_seconds: 0 });
      await updateProperty(p.t.db, p.property.id, { callback_url: `http://127.0.0.1:${port}/chat-callback` });
      await p.startWorker();
      await p.post(started('chat-3'));
      // The first attempt gets a 503 and is retried with backoff.
      await waitFor(async () => received.length >= 2, 'the retried delivery', 20_000);
      const last = received[1]!;
      expect(() => verifySignature(last.signature, Buffer.from(last.body), p!.property.signing_secret)).not.toThrow();
      expect(JSON.parse(last.body)).toMatchObject({ type: 'chat.message', chat: { id: 'chat-3' }, message: { sender: 'trigger' } });
    } finally {
      server.close();
    }
  });
});

describe('clocks', () => {
  it('an event stamped in the future (a fast clock) is stored at the time it is applied, so actions on it work', async () => {
    p = await startPipeline({ trigger_enabled: false });
    await p.startWorker();
    const ahead = new Date(Date.now() + 4 * 60_000).toISOString();
    await p.post({ ...started('chat-fast'), at: ahead });
    const conv = await waitFor(() => conversation(p!, 'chat-fast'), 'the conversation');
    expect(conv.created_at.getTime()).toBeLessThanOrEqual(Date.now());
    await closeItem(p.t.db, p.property.id, `C${conv.id}`);
    expect((await conversation(p, 'chat-fast'))?.status).toBe('closed');
  });
});

describe('missed chats', () => {
  it('a missed chat with a pre-chat email becomes exactly one ticket and one outbox email, however often it ends', async () => {
    p = await startPipeline({ trigger_enabled: false });
    await p.startWorker();
    await p.post({
      events: [
        started('chat-4', { prechat: { name: 'Anna Bianchi', email: 'Anna@Example.com' } }),
        message('chat-4', 'visitor', 'Is anyone there?'),
      ],
    });
    for (let i = 0; i < 3; i++) expect((await p.post(ended('chat-4'))).status).toBe(202);
    const conv = await waitFor(async () => {
      const c = await conversation(p!, 'chat-4');
      return c?.status === 'closed' ? c : undefined;
    }, 'the conversion');
    await sleep(500);
    const tickets = await p.t.db.selectFrom('tickets').selectAll().where('conversation_id', '=', conv.id).execute();
    expect(tickets).toHaveLength(1);
    expect(conv.missed).toBe(true);
    const outbox = await waitFor(async () => {
      const rows = await p!.t.db.selectFrom('outbox_emails').selectAll().execute();
      return rows.every((r) => r.status === 'sent') && rows;
    }, 'the acknowledgement to be sent');
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ to_address: 'anna@example.com', kind: 'ticket_ack', status: 'sent', ticket_id: tickets[0]!.id });
    // Exactly one email reached the SMTP server (the harness's .eml sink). The row is marked
    // sent before the end of DATA, so the sink may write its file a moment after.
    const sinkDir = `/tmp/switchboard-test-mail/${p.prefix}`;
    await waitFor(async () => readdirSync(sinkDir).length > 0, 'the email in the sink');
    expect(readdirSync(sinkDir)).toHaveLength(1);
    expect(outbox[0]!.subject).toBe(`[#${tickets[0]!.number}] Missed chat from Anna Bianchi`);
    expect(outbox[0]!.text_body).toContain('Is anyone there?');
    expect(outbox[0]!.message_id).toMatch(/^<ticket-\d+\.[0-9a-f-]+@shop\.switchboard\.invalid>$/);
    const contact = await p.t.db.selectFrom('contacts').selectAll().where('email', '=', 'anna@example.com').execute();
    expect(contact).toHaveLength(1);
    expect(tickets[0]!.contact_id).toBe(contact[0]!.id);
  });

  it("a converted ticket's note says what happened to its acknowledgement: queued, or held back within the hour", async () => {
    p = await startPipeline({ trigger_enabled: false });
    await p.startWorker();
    const notes = async (chat: string) => {
      const conv = await waitFor(async () => {
        const c = await conversation(p!, chat);
        return c?.status === 'closed' ? c : undefined;
      }, `the conversion of ${chat}`);
      const ticket = await p!.t.db.selectFrom('tickets').select('id').where('conversation_id', '=', conv.id).executeTakeFirstOrThrow();
      return (
        await p!.t.db.selectFrom('messages').select('body').where('ticket_id', '=', ticket.id).where('sender', '=', 'system').execute()
      ).map((m) => m.body);
    };
    await p.post({
      events: [started('chat-n1', { prechat: { name: 'Ugo', email: 'ugo@example.com' } }), message('chat-n1', 'visitor', 'Hello?')],
    });
    await p.post(ended('chat-n1'));
    expect(await notes('chat-n1')).toEqual([
      expect.stringMatching(
        /^Ticket created from missed chat C\d+; an acknowledgement with the transcript is queued to ugo@example\.com\.$/,
      ),
    ]);
    // A second missed chat of the same visitor within the hour: the outbox holds its automatic mail back.
    await p.post({
      events: [started('chat-n2', { prechat: { name: 'Ugo', email: 'ugo@example.com' } }), message('chat-n2', 'visitor', 'Hello again?')],
    });
    await p.post(ended('chat-n2'));
    const second = await notes('chat-n2');
    expect(second).toEqual([
      expect.stringMatching(
        /^Ticket created from missed chat C\d+; no acknowledgement was sent to ugo@example\.com: an automatic email went to ugo@example\.com less than \d+ minutes ago\.$/,
      ),
    ]);
    expect(second.join('\n')).not.toContain('emailed');
  });

  it('a missed chat without an email stays open and missed, with no ticket', async () => {
    p = await startPipeline({ trigger_enabled: false });
    await p.startWorker();
    await p.post({ events: [started('chat-5'), message('chat-5', 'visitor', 'Hello?'), ended('chat-5')] });
    const conv = await waitFor(async () => {
      const c = await conversation(p!, 'chat-5');
      return c?.ended_at ? c : undefined;
    }, 'the end of the chat');
    await sleep(500);
    expect(conv).toMatchObject({ status: 'open', missed: true });
    expect(await p.t.db.selectFrom('tickets').select('id').execute()).toHaveLength(0);
    expect(await p.t.db.selectFrom('outbox_emails').select('id').execute()).toHaveLength(0);
  });

  it('takes the email a visitor typed in a message', async () => {
    p = await startPipeline({ trigger_enabled: false });
    await p.startWorker();
    await p.post({
      events: [
        started('chat-6'),
        message('chat-6', 'visitor', 'nobody answers, write me at luca.verdi@example.org please'),
        ended('chat-6'),
      ],
    });
    const ticket = await waitFor(() => p!.t.db.selectFrom('tickets').selectAll().executeTakeFirst(), 'the ticket');
    const contact = await p.t.db.selectFrom('contacts').selectAll().where('id', '=', ticket.contact_id).executeTakeFirstOrThrow();
    expect(contact.email).toBe('luca.verdi@example.org');
  });

  it('an answered chat that ends is closed, not missed', async () => {
    p = await startPipeline({ trigger_enabled: false });
    await p.startWorker();
    await p.post({
      events: [started('chat-7', { prechat: { email: 'x@example.com' } }), message('chat-7', 'agent', 'Hi!'), ended('chat-7')],
    });
    const conv = await waitFor(async () => {
      const c = await conversation(p!, 'chat-7');
      return c?.ended_at ? c : undefined;
    }, 'the end');
    expect(conv).toMatchObject({ status: 'closed', missed: false });
    await sleep(300);
    expect(await p.t.db.selectFrom('tickets').select('id').execute()).toHaveLength(0);
  });

  it('an offline message with an email becomes a ticket', async () => {
    p = await startPipeline();
    await p.startWorker();
    await p.post({
      id: eventId(),
      type: 'offline.submitted',
      property: 'shop',
      at: at(),
      visitor: { name: 'Marta', email: 'marta@example.com' },
      message: { text: 'Do you ship to Malta?' },
    });
    const ticket = await waitFor(() => p!.t.db.selectFrom('tickets').selectAll().executeTakeFirst(), 'the ticket');
    expect(ticket.subject).toBe('Message from Marta');
    const thread = await p.t.db
      .selectFrom('messages')
      .select(['sender', 'body'])
      .where('ticket_id', '=', ticket.id)
      .orderBy('id')
      .execute();
    expect(thread[0]).toEqual({ sender: 'visitor', body: 'Do you ship to Malta?' });
  });

  it('ends a silent chat after the inactivity timeout', async () => {
    p = await startPipeline({ trigger_enabled: false, inactivity_timeout_seconds: 10 });
    await p.startWorker();
    const old = new Date(Date.now() - 9_000).toISOString();
    await p.post({ ...started('chat-8', { prechat: { email: 'quiet@example.com' } }), at: old });
    const conv = await waitFor(
      async () => {
        const c = await conversation(p!, 'chat-8');
        return c?.ended_at ? c : undefined;
      },
      'the inactivity end',
      10_000,
    );
    expect(conv.missed).toBe(true);
    await waitFor(() => p!.t.db.selectFrom('tickets').selectAll().executeTakeFirst(), 'the ticket');
  });
});
