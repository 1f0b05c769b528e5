// The tally of a fault run: what Switchboard acknowledged, held against what is in Postgres
// and what reached the SMTP server. Lost is promised but not done; duplicated is done twice.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../core/db/schema.ts';
import type { Acknowledged, LoadPlan } from './mixed-load.ts';

export interface Tally {
  lost: {
    chatEvents: number;
    chatMessages: number;
    triggers: number;
    conversions: number;
    emails: number;
    misfiledReplies: number;
    agentReplies: number;
    outboundNotSent: number;
    outboundNotReceived: number;
  };
  duplicated: { tickets: number; messages: number; emailsSentTwice: number; wrongTriggers: number };
  /**
   * Emails recorded as sent that the SMTP server never got, each recorded while a mail worker
   * that was then killed -9 was sending: the instant between committing "sent" and writing the
   * terminating "." that docs/OPERATIONS.md describes (core/mail/send-outbox-email.ts). Not
   * counted as lost; the suite bounds them by the kills of mail workers.
   */
  outboundLostToKills: number;
  /** For the record: what was done. */
  done: { tickets: number; outboundSent: number; smtpMessages: number; triggersFired: number };
  totalLost: number;
  totalDuplicated: number;
}

const count = (rows: { n: string | number | bigint }[]) => Number(rows[0]?.n ?? 0);

/** How long a send can be in flight after its transaction started (sent_at is that start). */
const sendInFlightMs = 5000;

/**
 * Computes the tally. `received` is the Message-ID of every message the SMTP server took
 * (one entry per delivery, so a resent email shows twice); `mailWorkerKills`, when each
 * kill -9 of a mail worker happened (epoch ms).
 */
export async function takeTally(db: Kysely<Database>, propertyId: string, plan: LoadPlan, ack: Acknowledged, received: string[], mailWorkerKills: number[] = []): Promise<Tally> {
  const events = [...ack.events];
  const stored = await db.selectFrom('chat_events').select('event_id').where('property_id', '=', propertyId).where('processed_at', 'is not', null).where('event_id', 'in', events.length ? events : ['-']).execute();
  const chatEvents = events.length - stored.length;

  const messageEvents = plan.chats.flatMap((chat) => chat.events.filter((e) => e.type === 'chat.message' && ack.events.has(e.id)).map((e) => `${chat.id}/${(e.body as { message: { id: string } }).message.id}`));
  const messages = await db.selectFrom('messages').select('external_id').where('property_id', '=', propertyId).where('external_id', 'in', messageEvents.length ? messageEvents : ['-']).execute();
  const chatMessages = messageEvents.length - messages.length;

  // Every missed chat fired its trigger once; no answered chat did.
  const conversations = await db
    .selectFrom('conversations as c')
    .select(['c.external_id', sql<number>`(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.sender = 'trigger')`.as('triggers'), sql<number>`(SELECT count(*) FROM tickets t WHERE t.conversation_id = c.id)`.as('tickets')])
    .where('c.property_id', '=', propertyId)
    .execute();
  const byChat = new Map(conversations.map((c) => [c.external_id!, { triggers: Number(c.triggers), tickets: Number(c.tickets) }]));
  let triggers = 0;
  let wrongTriggers = 0;
  let conversions = 0;
  let triggersFired = 0;
  for (const chat of plan.chats) {
    if (!chat.events.every((e) => ack.events.has(e.id))) continue;
    const seen = byChat.get(chat.id) ?? { triggers: 0, tickets: 0 };
    triggersFired += seen.triggers;
    if (chat.kind === 'answered') wrongTriggers += seen.triggers;
    else if (seen.triggers === 0) triggers++;
    if (chat.kind === 'missed-email' && seen.tickets === 0) conversions++;
  }

  const emailIds = [...ack.emails];
  const inbound = await db
    .selectFrom('inbound_emails as i')
    .leftJoin('tickets as t', 't.id', 'i.ticket_id')
    .select(['i.message_id', 'i.status', 't.number'])
    .where('i.property_id', '=', propertyId)
    .where('i.message_id', 'in', emailIds.length ? emailIds : ['-'])
    .where('i.processed_at', 'is not', null)
    .execute();
  const filed = new Map(inbound.map((r) => [r.message_id!, r]));
  let emails = 0;
  let misfiledReplies = 0;
  for (const email of plan.emails) {
    if (!ack.emails.has(email.messageId)) continue;
    const row = filed.get(email.messageId);
    if (!row || row.status !== 'threaded') emails++;
    else if (email.ticketNumber !== null && row.number !== email.ticketNumber) misfiledReplies++;
  }

  const replyBodies = [...ack.replies];
  const agentMessages = await db.selectFrom('messages').select('body').where('property_id', '=', propertyId).where('sender', '=', 'agent').where('body', 'in', replyBodies.length ? replyBodies : ['-']).execute();
  const agentReplies = new Set(replyBodies).size - new Set(agentMessages.map((m) => m.body)).size;

  const outbox = await db.selectFrom('outbox_emails').select(['message_id', 'status', 'sent_at']).where('property_id', '=', propertyId).execute();
  const outboundNotSent = outbox.filter((o) => o.status !== 'sent').length;
  const deliveries = new Map<string, number>();
  for (const id of received) deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
  const notReceived = outbox.filter((o) => o.status === 'sent' && !deliveries.has(o.message_id));
  const inFlightAtKill = (sentAt: Date | null) => sentAt !== null && mailWorkerKills.some((k) => k >= sentAt.getTime() && k - sentAt.getTime() <= sendInFlightMs);
  const outboundLostToKills = notReceived.filter((o) => inFlightAtKill(o.sent_at)).length;
  const outboundNotReceived = notReceived.length - outboundLostToKills;
  const emailsSentTwice = [...deliveries.values()].filter((n) => n > 1).length;

  // Duplicates: a conversation converted twice, an inbound email filed twice, an agent reply or
  // a chat message stored twice (external ids are unique by constraint; counted anyway). A
  // converted chat's transcript is copied onto its ticket: those copies are not duplicates.
  const ticketDuplicates = count(
    await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT conversation_id FROM tickets WHERE property_id = ${propertyId} AND conversation_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d`.execute(db).then((r) => r.rows),
  );
  const newTicketsPerEmail = count(
    await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT inbound_email_id FROM messages WHERE property_id = ${propertyId} AND inbound_email_id IS NOT NULL AND sender = 'visitor' GROUP BY 1 HAVING count(*) > 1) d`.execute(db).then((r) => r.rows),
  );
  const messageDuplicates = count(
    await sql<{ n: number }>`
      SELECT count(*) AS n FROM (
        SELECT body FROM messages WHERE property_id = ${propertyId} AND sender = 'agent' AND outbox_email_id IS NOT NULL GROUP BY ticket_id, body HAVING count(*) > 1
        UNION ALL
        SELECT external_id FROM messages WHERE property_id = ${propertyId} AND external_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1
        UNION ALL
        SELECT conversation_id::text FROM messages WHERE property_id = ${propertyId} AND sender = 'trigger' AND conversation_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1
      ) d`.execute(db).then((r) => r.rows),
  );
  const expectedNewTickets = plan.emails.filter((e) => e.ticketNumber === null && ack.emails.has(e.messageId)).length;
  // Tickets not made from a chat are the seeded ones and one per new email: any more is mail filed twice.
  const emailTickets =
    count(await sql<{ n: number }>`SELECT count(*) AS n FROM tickets WHERE property_id = ${propertyId} AND conversation_id IS NULL`.execute(db).then((r) => r.rows)) - plan.seeded.length;
  const tickets = count(await sql<{ n: number }>`SELECT count(*) AS n FROM tickets WHERE property_id = ${propertyId}`.execute(db).then((r) => r.rows));

  const lost = { chatEvents, chatMessages, triggers, conversions, emails, misfiledReplies, agentReplies, outboundNotSent, outboundNotReceived };
  const duplicated = { tickets: ticketDuplicates + Math.max(0, emailTickets - expectedNewTickets), messages: messageDuplicates + newTicketsPerEmail, emailsSentTwice, wrongTriggers };
  return {
    lost,
    duplicated,
    outboundLostToKills,
    done: { tickets, outboundSent: outbox.length - outboundNotSent, smtpMessages: received.length, triggersFired },
    totalLost: Object.values(lost).reduce((a, b) => a + b, 0),
    totalDuplicated: Object.values(duplicated).reduce((a, b) => a + b, 0),
  };
}

/** One line per fault run, as the issue asks: lost, duplicated tickets, duplicated messages, emails sent more than once. */
export function formatTally(fault: string, tally: Tally, ack: Acknowledged, seconds: number): string {
  const l = tally.lost;
  return (
    `[tally] ${fault.padEnd(16)} lost ${tally.totalLost} · duplicated tickets ${tally.duplicated.tickets} · duplicated messages ${tally.duplicated.messages} · ` +
    `emails sent more than once ${tally.duplicated.emailsSentTwice} · triggers on answered chats ${tally.duplicated.wrongTriggers}\n` +
    `         accepted ${ack.events.size} chat events, ${ack.emails.size} emails, ${ack.replies.size} agent replies ` +
    `(client retries: http ${ack.retries.http}, smtp ${ack.retries.smtp}, replies ${ack.retries.reply}); ` +
    `done: ${tally.done.tickets} tickets, ${tally.done.triggersFired} triggers, ${tally.done.outboundSent} emails sent, ${tally.done.smtpMessages} received by SMTP; settled in ${seconds.toFixed(1)} s` +
    (tally.outboundLostToKills ? `\n         sent emails lost to a kill -9 of their mail worker mid-send (not counted as lost): ${tally.outboundLostToKills}` : '') +
    (tally.totalLost ? `\n         lost by kind: ${Object.entries(l).filter(([, n]) => n).map(([k, n]) => `${k} ${n}`).join(', ')}` : '')
  );
}
