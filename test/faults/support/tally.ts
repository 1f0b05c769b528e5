// The tally of a fault run: what Switchboard acknowledged, held against what is in Postgres
// and what reached the SMTP server. Lost is promised but not done; duplicated is done twice.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../core/db/schema.ts';
import { loadResponseTargets, type Acknowledged, type LoadPlan } from './mixed-load.ts';

/**
 * The at-risk and breach records of the run's response clocks (response_alerts, and the system
 * note each breach writes), held against what the items' messages and events say was due.
 */
export interface BreachTally {
  /**
   * An item's clock at risk or breached more than once for one wait: two records of one kind of a first clock, or of a next clock
   * with no agent reply between their starts; or more breach notes than breaches.
   */
  firedTwice: number;
  /**
   * An item that waited unanswered, open, past its at-risk or due time (by more than the margin) without that record; or a breach
   * without its note.
   */
  missed: { atRisk: number; breach: number; notes: number };
  /**
   * A first-response at-risk or breach recorded on an item whose answer was stored (by more than the margin) before the record and
   * before it was due.
   */
  wrong: number;
  /** The first few items missed, for the log: `c12 at_risk` (a conversation) or `t7 breach` (a ticket). */
  missedItems: string[];
  /** Items still to come due (the run waits for them). */
  pending: number;
  /** What was recorded; and of the records expected, how late the latest came after its time (or after the item was stored, if later). */
  fired: { atRisk: number; breach: number; latestMs: number };
}

/** How far from an answer, an end or now a due time must be for the tally to expect (or forbid) a record. */
const breachMarginMs = 2000;

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
  breaches: BreachTally;
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
export async function takeTally(
  db: Kysely<Database>,
  propertyId: string,
  plan: LoadPlan,
  ack: Acknowledged,
  received: string[],
  mailWorkerKills: number[] = [],
): Promise<Tally> {
  const events = [...ack.events];
  const stored = await db
    .selectFrom('chat_events')
    .select('event_id')
    .where('property_id', '=', propertyId)
    .where('processed_at', 'is not', null)
    .where('event_id', 'in', events.length ? events : ['-'])
    .execute();
  const chatEvents = events.length - stored.length;

  const messageEvents = plan.chats.flatMap((chat) =>
    chat.events
      .filter((e) => e.type === 'chat.message' && ack.events.has(e.id))
      .map((e) => `${chat.id}/${(e.body as { message: { id: string } }).message.id}`),
  );
  const messages = await db
    .selectFrom('messages')
    .select('external_id')
    .where('property_id', '=', propertyId)
    .where('external_id', 'in', messageEvents.length ? messageEvents : ['-'])
    .execute();
  const chatMessages = messageEvents.length - messages.length;

  // Every missed chat fired its trigger once; no answered chat did.
  const conversations = await db
    .selectFrom('conversations as c')
    .select([
      'c.external_id',
      sql<number>`(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.sender = 'trigger')`.as('triggers'),
      sql<number>`(SELECT count(*) FROM tickets t WHERE t.conversation_id = c.id)`.as('tickets'),
    ])
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

  const replyBodies = [...ack.replies, ...ack.answers];
  const agentMessages = await db
    .selectFrom('messages')
    .select('body')
    .where('property_id', '=', propertyId)
    .where('sender', '=', 'agent')
    .where('body', 'in', replyBodies.length ? replyBodies : ['-'])
    .execute();
  const agentReplies = new Set(replyBodies).size - new Set(agentMessages.map((m) => m.body)).size;

  const outbox = await db
    .selectFrom('outbox_emails')
    .select(['message_id', 'status', 'sent_at'])
    .where('property_id', '=', propertyId)
    .execute();
  const outboundNotSent = outbox.filter((o) => o.status !== 'sent').length;
  const deliveries = new Map<string, number>();
  for (const id of received) deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
  const notReceived = outbox.filter((o) => o.status === 'sent' && !deliveries.has(o.message_id));
  const inFlightAtKill = (sentAt: Date | null) =>
    sentAt !== null && mailWorkerKills.some((k) => k >= sentAt.getTime() && k - sentAt.getTime() <= sendInFlightMs);
  const outboundLostToKills = notReceived.filter((o) => inFlightAtKill(o.sent_at)).length;
  const outboundNotReceived = notReceived.length - outboundLostToKills;
  const emailsSentTwice = [...deliveries.values()].filter((n) => n > 1).length;

  // Duplicates: a conversation converted twice, an inbound email filed twice, an agent reply or
  // a chat message stored twice (external ids are unique by constraint; counted anyway). A
  // converted chat's transcript is copied onto its ticket: those copies are not duplicates.
  const ticketDuplicates = count(
    await sql<{
      n: number;
    }>`SELECT count(*) AS n FROM (SELECT conversation_id FROM tickets WHERE property_id = ${propertyId} AND conversation_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d`
      .execute(db)
      .then((r) => r.rows),
  );
  const newTicketsPerEmail = count(
    await sql<{
      n: number;
    }>`SELECT count(*) AS n FROM (SELECT inbound_email_id FROM messages WHERE property_id = ${propertyId} AND inbound_email_id IS NOT NULL AND sender = 'visitor' GROUP BY 1 HAVING count(*) > 1) d`
      .execute(db)
      .then((r) => r.rows),
  );
  const messageDuplicates = count(
    await sql<{ n: number }>`
      SELECT count(*) AS n FROM (
        SELECT body FROM messages WHERE property_id = ${propertyId} AND sender = 'agent' AND outbox_email_id IS NOT NULL GROUP BY ticket_id, body HAVING count(*) > 1
        UNION ALL
        SELECT external_id FROM messages WHERE property_id = ${propertyId} AND external_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1
        UNION ALL
        SELECT conversation_id::text FROM messages WHERE property_id = ${propertyId} AND sender = 'trigger' AND conversation_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1
      ) d`
      .execute(db)
      .then((r) => r.rows),
  );
  const expectedNewTickets = plan.emails.filter((e) => e.ticketNumber === null && ack.emails.has(e.messageId)).length;
  // Tickets not made from a chat are the seeded ones and one per new email: any more is mail filed twice.
  const emailTickets =
    count(
      await sql<{ n: number }>`SELECT count(*) AS n FROM tickets WHERE property_id = ${propertyId} AND conversation_id IS NULL`
        .execute(db)
        .then((r) => r.rows),
    ) - plan.seeded.length;
  const tickets = count(
    await sql<{ n: number }>`SELECT count(*) AS n FROM tickets WHERE property_id = ${propertyId}`.execute(db).then((r) => r.rows),
  );

  const breaches = await takeBreachTally(db, propertyId, plan, ack);
  const lost = {
    chatEvents,
    chatMessages,
    triggers,
    conversions,
    emails,
    misfiledReplies,
    agentReplies,
    outboundNotSent,
    outboundNotReceived,
  };
  const duplicated = {
    tickets: ticketDuplicates + Math.max(0, emailTickets - expectedNewTickets),
    messages: messageDuplicates + newTicketsPerEmail,
    emailsSentTwice,
    wrongTriggers,
  };
  return {
    lost,
    duplicated,
    outboundLostToKills,
    done: { tickets, outboundSent: outbox.length - outboundNotSent, smtpMessages: received.length, triggersFired },
    breaches,
    totalLost: Object.values(lost).reduce((a, b) => a + b, 0),
    totalDuplicated: Object.values(duplicated).reduce((a, b) => a + b, 0),
  };
}

const ms = (d: Date | null | undefined) => (d ? d.getTime() : null);

/**
 * The breach tally, from the database alone. Expectations are kept to items whose story is
 * plain: a missed chat (never answered, open until its end), a new email's ticket (answered
 * by an agent or never), a ticket made from a missed chat (never answered, open); their first
 * clock starts at the chat's start or the visitor's first message and runs 24×7. A time is
 * expected to have fired when the item was still waiting, open, more than the margin after it
 * (by when the events that stopped it were stored, not by their timestamps: a check cannot see
 * an answer before it is stored), and forbidden when the answer was stored more than the margin
 * before it. Every item's records (the seeded tickets' too, with their next clocks) count for
 * firing twice.
 */
async function takeBreachTally(db: Kysely<Database>, propertyId: string, plan: LoadPlan, ack: Acknowledged): Promise<BreachTally> {
  const now = Date.now();
  const alerts = await db
    .selectFrom('response_alerts')
    .select(['conversation_id', 'ticket_id', 'clock', 'kind', 'started_at', 'due_at', 'fired_at'])
    .where('property_id', '=', propertyId)
    .orderBy('started_at')
    .execute();
  const itemKey = (a: { conversation_id: string | null; ticket_id: string | null }) =>
    a.ticket_id ? `t${a.ticket_id}` : `c${a.conversation_id}`;

  // Twice: a first clock runs once per item, so two records of one kind are one wait recorded
  // twice. A next clock starts again only after an agent's reply (the load reopens nothing):
  // two records of one kind with no agent reply between their starts are one wait recorded twice.
  const agentMessages = await db
    .selectFrom('messages')
    .select(['conversation_id', 'ticket_id', 'created_at'])
    .where('property_id', '=', propertyId)
    .where('sender', '=', 'agent')
    .orderBy('created_at')
    .execute();
  const agentTimes = new Map<string, number[]>();
  for (const m of agentMessages) agentTimes.set(itemKey(m), [...(agentTimes.get(itemKey(m)) ?? []), ms(m.created_at)!]);
  let firedTwice = 0;
  const byClock = new Map<string, typeof alerts>();
  for (const a of alerts) {
    const key = `${itemKey(a)}/${a.clock}/${a.kind}`;
    byClock.set(key, [...(byClock.get(key) ?? []), a]);
  }
  for (const [key, list] of byClock) {
    if (key.includes('/first/')) firedTwice += list.length - 1;
    else {
      const replies = agentTimes.get(key.slice(0, key.indexOf('/'))) ?? [];
      for (let i = 1; i < list.length; i++) {
        const [from, to] = [ms(list[i - 1]!.started_at)!, ms(list[i]!.started_at)!];
        if (!replies.some((at) => at >= from && at < to)) firedTwice++;
      }
    }
  }
  // Each breach writes one system note on its item; a ticket made from a chat also carries
  // copies of the chat's notes (same body, same time), which are not its own.
  const noteCounts = await sql<{ item: string; notes: number; breaches: number }>`
    WITH notes AS (
      SELECT m.id, m.conversation_id, m.ticket_id, m.body, m.created_at FROM messages m
      WHERE m.property_id = ${propertyId} AND m.sender = 'system' AND m.body LIKE 'The % target (% of business time) was breached: due %'
    ), own AS (
      SELECT n.* FROM notes n
      WHERE NOT EXISTS (
        SELECT 1 FROM tickets t JOIN notes c ON c.conversation_id = t.conversation_id
        WHERE t.id = n.ticket_id AND c.body = n.body AND c.created_at = n.created_at)
    ), items AS (
      SELECT coalesce('t' || ticket_id, 'c' || conversation_id) AS item, count(*) AS notes, 0 AS breaches FROM own GROUP BY 1
      UNION ALL
      SELECT coalesce('t' || ticket_id, 'c' || conversation_id), 0, count(*) FROM response_alerts WHERE property_id = ${propertyId} AND kind = 'breach' GROUP BY 1
    )
    SELECT item, sum(notes)::int AS notes, sum(breaches)::int AS breaches FROM items GROUP BY item`.execute(db);
  let notesMissed = 0;
  for (const r of noteCounts.rows) {
    if (r.notes > r.breaches) firedTwice += r.notes - r.breaches;
    else notesMissed += r.breaches - r.notes;
  }

  // What each item of a plain story was due, and when it stopped waiting (as stored).
  const targetAt = (start: number, share: number) => start + Math.round(loadResponseTargets.firstMs * share);
  const shares = { at_risk: loadResponseTargets.atRiskShare, breach: 1 } as const;
  interface Story {
    key: string;
    start: number;
    /** When the database learnt of the wait (the chat's start or the email stored). */
    openKnownAt: number;
    /** When the wait stopped, as the database learnt it (an answer or an end stored); null: it never did. */
    stoppedKnownAt: number | null;
    /** The stored answer: its time, and when it was stored. */
    answer: { at: number; knownAt: number } | null;
  }
  const stories: Story[] = [];
  const processed = new Map(
    (
      await db
        .selectFrom('chat_events')
        .select(['event_id', 'processed_at'])
        .where('property_id', '=', propertyId)
        .where('processed_at', 'is not', null)
        .execute()
    ).map((e) => [e.event_id, ms(e.processed_at)!]),
  );
  const conversations = new Map(
    (
      await db
        .selectFrom('conversations')
        .select(['id', 'external_id', 'created_at', 'status'])
        .where('property_id', '=', propertyId)
        .execute()
    ).map((c) => [c.external_id!, c]),
  );
  const firstAgent = new Map<string, number>();
  for (const m of agentMessages) {
    const key = itemKey(m);
    if (!firstAgent.has(key)) firstAgent.set(key, ms(m.created_at)!);
  }
  for (const chat of plan.chats) {
    if (!chat.events.every((e) => ack.events.has(e.id))) continue;
    const c = conversations.get(chat.id);
    if (!c) continue;
    const key = `c${c.id}`;
    const start = ms(c.created_at)!;
    if (chat.kind === 'answered') {
      // The answer came in the chat's first request: stored when its event was.
      const answerEvent = chat.events.find(
        (e) => e.type === 'chat.message' && (e.body as { message: { sender: string } }).message.sender === 'agent',
      )!;
      const knownAt = processed.get(answerEvent.id);
      const at = firstAgent.get(key);
      stories.push({
        key,
        start,
        openKnownAt: processed.get(chat.events[0]!.id) ?? start,
        stoppedKnownAt: knownAt ?? null,
        answer: at !== undefined && knownAt !== undefined ? { at, knownAt } : null,
      });
    } else {
      // A missed chat waits, unanswered, until its end is stored (if the end closes it).
      const end = chat.events.find((e) => e.type === 'chat.ended')!;
      const stoppedKnownAt = c.status === 'open' ? null : (processed.get(end.id) ?? null);
      const openKnownAt = processed.get(chat.events[0]!.id);
      if (openKnownAt !== undefined) stories.push({ key, start, openKnownAt, stoppedKnownAt, answer: null });
    }
  }
  const tickets = await db
    .selectFrom('tickets as t')
    .leftJoin('conversations as c', 'c.id', 't.conversation_id')
    .leftJoin('inbound_emails as i', (j) => j.onRef('i.ticket_id', '=', 't.id').on('i.status', '=', 'threaded'))
    .select([
      't.id',
      't.status',
      't.created_at',
      't.conversation_id',
      'c.created_at as chat_start',
      'i.message_id',
      'i.processed_at as filed_at',
    ])
    .select(
      sql<Date | null>`(SELECT min(m.created_at) FROM messages m WHERE m.ticket_id = t.id AND m.sender = 'visitor')`.as('first_visitor'),
    )
    .where('t.property_id', '=', propertyId)
    .execute();
  const newEmails = new Map(plan.emails.filter((e) => e.ticketNumber === null && ack.emails.has(e.messageId)).map((e) => [e.messageId, e]));
  const seen = new Set<string>();
  for (const t of tickets) {
    const key = `t${t.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (t.status !== 'open' && !firstAgent.has(key)) continue;
    if (t.conversation_id) {
      // Made from a missed chat: counts from the chat's start, and nobody answers it.
      if (t.chat_start) stories.push({ key, start: ms(t.chat_start)!, openKnownAt: ms(t.created_at)!, stoppedKnownAt: null, answer: null });
    } else if (t.message_id && newEmails.has(t.message_id) && t.first_visitor) {
      // A new email's ticket: an agent's reply is stored when it is made (created_at is its transaction's time).
      const at = firstAgent.get(key);
      stories.push({
        key,
        start: ms(t.first_visitor)!,
        openKnownAt: ms(t.filed_at) ?? ms(t.first_visitor)!,
        stoppedKnownAt: at ?? null,
        answer: at !== undefined ? { at, knownAt: at } : null,
      });
    }
  }

  const recorded = new Map<string, (typeof alerts)[number]>();
  for (const a of alerts) if (a.clock === 'first') recorded.set(`${itemKey(a)}/${a.kind}`, a);
  let pending = 0;
  let wrong = 0;
  let latestMs = 0;
  const missed = { atRisk: 0, breach: 0, notes: notesMissed };
  const missedItems: string[] = [];
  for (const story of stories) {
    for (const kind of ['at_risk', 'breach'] as const) {
      const at = targetAt(story.start, shares[kind]);
      const record = recorded.get(`${story.key}/${kind}`);
      if (story.answer && story.answer.at < at && record && story.answer.knownAt < ms(record.fired_at)! - breachMarginMs) wrong++;
      // Waited: stored as waiting, and still waiting (as stored) well after both its time and that.
      const waited = story.stoppedKnownAt === null || story.stoppedKnownAt > Math.max(at, story.openKnownAt) + breachMarginMs;
      if (!waited || (story.answer?.at !== undefined && story.answer.at < at)) continue;
      if (at > now - breachMarginMs) pending++;
      else if (!record) {
        missed[kind === 'at_risk' ? 'atRisk' : 'breach']++;
        if (missedItems.length < 12) missedItems.push(`${story.key} ${kind}`);
      } else latestMs = Math.max(latestMs, ms(record.fired_at)! - Math.max(at, story.openKnownAt));
    }
  }
  return {
    firedTwice,
    missed,
    missedItems,
    wrong,
    pending,
    fired: {
      atRisk: alerts.filter((a) => a.kind === 'at_risk').length,
      breach: alerts.filter((a) => a.kind === 'breach').length,
      latestMs,
    },
  };
}

/** Breaches missed, in all: at-risk records, breach records and breach notes. */
export const breachesMissed = (b: BreachTally): number => b.missed.atRisk + b.missed.breach + b.missed.notes;

/** One line per fault run, as the issue asks: lost, duplicated tickets, duplicated messages, emails sent more than once. */
export function formatTally(fault: string, tally: Tally, ack: Acknowledged, seconds: number): string {
  const l = tally.lost;
  return (
    `[tally] ${fault.padEnd(16)} lost ${tally.totalLost} · duplicated tickets ${tally.duplicated.tickets} · duplicated messages ${tally.duplicated.messages} · ` +
    `emails sent more than once ${tally.duplicated.emailsSentTwice} · triggers on answered chats ${tally.duplicated.wrongTriggers} · ` +
    `breaches fired twice ${tally.breaches.firedTwice}, breaches missed ${breachesMissed(tally.breaches)}, breaches on answered items ${tally.breaches.wrong}\n` +
    `         accepted ${ack.events.size} chat events, ${ack.emails.size} emails, ${ack.replies.size} agent replies ` +
    `(client retries: http ${ack.retries.http}, smtp ${ack.retries.smtp}, replies ${ack.retries.reply}); ` +
    `done: ${tally.done.tickets} tickets, ${tally.done.triggersFired} triggers, ${tally.done.outboundSent} emails sent, ${tally.done.smtpMessages} received by SMTP; settled in ${seconds.toFixed(1)} s` +
    `\n         response clocks: ${tally.breaches.fired.atRisk} at risk, ${tally.breaches.fired.breach} breaches recorded, the latest expected ${(tally.breaches.fired.latestMs / 1000).toFixed(1)} s after its time` +
    (breachesMissed(tally.breaches)
      ? ` (missed: at risk ${tally.breaches.missed.atRisk}, breach ${tally.breaches.missed.breach}, notes ${tally.breaches.missed.notes}; ${tally.breaches.missedItems.join(', ')})`
      : '') +
    (tally.breaches.pending ? ` (${tally.breaches.pending} not yet due)` : '') +
    (tally.outboundLostToKills
      ? `\n         sent emails lost to a kill -9 of their mail worker mid-send (not counted as lost): ${tally.outboundLostToKills}`
      : '') +
    (tally.totalLost
      ? `\n         lost by kind: ${Object.entries(l)
          .filter(([, n]) => n)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`
      : '')
  );
}
