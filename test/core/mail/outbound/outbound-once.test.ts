import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { upsertContact } from '../../../../core/contacts/contacts.ts';
import { sendOutboxEmail } from '../../../../core/mail/outbound/send-outbox-email.ts';
import { replyToTicket } from '../../../../core/tickets/reply-to-ticket.ts';
import { createTicket } from '../../../../core/tickets/ticket-store.ts';
import { MailTransports } from '../../../../worker/mail-transports.ts';
import { startPipeline, type Pipeline } from '../../../support/pipeline-harness.ts';
import { messageIdOf, startSmtpCapture, type SmtpCapture } from '../../../support/smtp-capture.ts';

// Sending is recorded at the last moment before the SMTP server can take the message: after
// the server accepted DATA, before the terminating "." is written. Whatever breaks before
// that record leaves the server without a message (it discards a DATA that never ended) and
// the row queued; so the retry delivers the email exactly once.

let p: Pipeline | undefined;
let smtp: SmtpCapture | undefined;
afterEach(async () => {
  await smtp?.close();
  await p?.close();
  p = undefined;
  smtp = undefined;
});

/** A pipeline with one ticket and an agent's reply waiting in the outbox. */
async function agentReplyQueued() {
  p = await startPipeline({ trigger_enabled: false, inbound_domain: 'in.shop.example', support_address: 'help@shop.example' });
  const contact = await upsertContact(p.t.db, p.property.id, { email: 'rita@example.com' });
  const ticket = await createTicket(p.t.db, { propertyId: p.property.id, subject: 'Refund', contact });
  return (await replyToTicket(p.t.db, p.jobs, p.property.id, `T${ticket.number}`, { body: 'Your refund is on its way.' })).outbox;
}

it('a sender whose database connection dies before the end of DATA delivers nothing, and its retry delivers once', async () => {
  const outbox = await agentReplyQueued();

  smtp = await startSmtpCapture();
  let kill = true;
  smtp.beforeRecipient = async () => {
    if (!kill) return;
    kill = false;
    // The sender's transaction (row locked, marked sent, not yet committed) loses its connection.
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()`.execute(
      p!.t.db,
    );
  };
  const transports = new MailTransports(smtp.url);
  await expect(sendOutboxEmail(p!.t.db, (property) => transports.forProperty(property), outbox.id)).rejects.toThrow();
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(smtp.messages).toEqual([]);
  const after = await p!.t.db
    .selectFrom('outbox_emails')
    .select(['status', 'sent_at'])
    .where('id', '=', outbox.id)
    .executeTakeFirstOrThrow();
  expect(after).toEqual({ status: 'queued', sent_at: null });

  expect(await sendOutboxEmail(p!.t.db, (property) => transports.forProperty(property), outbox.id)).toMatchObject({
    status: 'sent',
    sent: true,
  });
  expect(await sendOutboxEmail(p!.t.db, (property) => transports.forProperty(property), outbox.id)).toMatchObject({
    status: 'sent',
    sent: false,
  });
  expect(smtp.messages.map((m) => messageIdOf(m.raw))).toEqual([outbox.message_id]);
});

it('a server that refuses the message after its data puts the row back: recorded sent only when it is', async () => {
  const outbox = await agentReplyQueued();
  smtp = await startSmtpCapture();
  smtp.respondWith = 451;
  const transports = new MailTransports(smtp.url);
  await expect(sendOutboxEmail(p!.t.db, (property) => transports.forProperty(property), outbox.id)).rejects.toThrow(/451|try again/);
  // The COMMIT had happened before the server answered: the row went back to queued.
  expect(
    await p!.t.db
      .selectFrom('outbox_emails')
      .select(['status', 'attempts', 'last_error'])
      .where('id', '=', outbox.id)
      .executeTakeFirstOrThrow(),
  ).toMatchObject({ status: 'queued', attempts: 1, last_error: expect.stringMatching(/try again/i) });
  smtp.respondWith = 'accept';
  expect(await sendOutboxEmail(p!.t.db, (property) => transports.forProperty(property), outbox.id)).toMatchObject({
    status: 'sent',
    sent: true,
  });
  expect(
    await p!.t.db.selectFrom('outbox_emails').select(['status', 'attempts']).where('id', '=', outbox.id).executeTakeFirstOrThrow(),
  ).toEqual({ status: 'sent', attempts: 2 });
});
