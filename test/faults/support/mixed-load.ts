// The fault suite's fixed mixed load (also bench/scale's): chats over HTTP, mail over SMTP and
// agents' replies through the core action, each sent the way a real client would — retried
// until Switchboard says yes (202, 250, a committed reply) — and recorded once it did, so the
// tally can tell what was promised from what was done.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import { signBody } from '../../../core/chats/event-signature.ts';
import { upsertContact } from '../../../core/contacts/contacts.ts';
import type { Database, Property } from '../../../core/db/schema.ts';
import type { JobQueue } from '../../../core/jobs/job-queue.ts';
import { replyAddress } from '../../../core/mail/reply-address.ts';
import { replyToTicket } from '../../../core/tickets/reply-to-ticket.ts';
import { createTicket } from '../../../core/tickets/ticket-store.ts';

/** How big the load is; the defaults are the issue's: 2,000 chat events, 2,000 emails, 500 replies. */
export interface LoadSize {
  /** Chats of five events each. */
  chats: number;
  newEmails: number;
  emailReplies: number;
  agentReplies: number;
  /** Tickets seeded before the load, that replies (both ways) go to. */
  seededTickets: number;
  /** New emails an agent answers as soon as their ticket is there, well before its first-response target. */
  answeredEmails: number;
}

export const issueLoad: LoadSize = {
  chats: 400,
  newEmails: 1400,
  emailReplies: 600,
  agentReplies: 500,
  seededTickets: 100,
  answeredEmails: 100,
};

/**
 * The response targets the load runs under (24×7: no business hours), short enough that the
 * at-risk and breach timers of most items come due while the faults happen: every missed chat
 * (open 20 s), every unanswered new email and every ticket made from a missed chat goes at
 * risk and breaches; an answered chat or an answered email (answered within a second or so)
 * never does.
 */
export const loadResponseTargets = { firstMs: 5000, nextMs: 5000, atRiskShare: 0.8 };

/** The three kinds of chat, in a fixed mix: 40% answered, 40% missed with an email, 20% missed without. */
export type ChatKind = 'answered' | 'missed-email' | 'missed-anonymous';

export interface PlannedEvent {
  id: string;
  type: string;
  body: Record<string, unknown>;
}

export interface PlannedChat {
  id: string;
  kind: ChatKind;
  /** The requests of the chat, in order: each one or more events, sent `afterMs` after the previous one. */
  requests: { events: PlannedEvent[]; afterMs: number }[];
  events: PlannedEvent[];
}

export interface PlannedEmail {
  /** With its angle brackets, as stored. */
  messageId: string;
  from: string;
  rcptTo: string;
  raw: string;
  /** The seeded ticket a reply belongs on; null for new mail (a ticket of its own). */
  ticketNumber: number | null;
  /** New mail an agent answers as soon as its ticket exists: the answer's body. */
  answer: string | null;
}

export interface PlannedReply {
  ticketNumber: number;
  body: string;
}

export interface LoadPlan {
  run: string;
  chats: PlannedChat[];
  emails: PlannedEmail[];
  replies: PlannedReply[];
  seeded: { number: number; contactEmail: string }[];
  /**
   * How long a missed chat stays open before it ends: past the trigger's delay, and by default
   * long enough for a trigger held up by a fault (a killed worker's stalled job, jobs wiped with
   * Redis and queued again by reconcile) to still find its visitor waiting.
   */
  missedChatOpenMs: number;
}

/** What Switchboard acknowledged: only these are promised. */
export interface Acknowledged {
  events: Set<string>;
  emails: Set<string>;
  replies: Set<string>;
  /** Answers to new mail (PlannedEmail.answer) stored. */
  answers: Set<string>;
  /** Attempts that failed and were retried (outages seen by clients). */
  retries: { http: number; smtp: number; reply: number };
}

const chatKinds: ChatKind[] = ['answered', 'answered', 'missed-email', 'missed-email', 'missed-anonymous'];

/** Seeds the tickets replies go to, and plans the load for them. */
export async function planLoad(
  db: Kysely<Database>,
  property: Property,
  size: LoadSize,
  triggerDelayMs: number,
  missedChatOpenMs = triggerDelayMs + 20_000,
): Promise<LoadPlan> {
  const run = randomBytes(3).toString('hex');
  const seeded: LoadPlan['seeded'] = [];
  for (let i = 0; i < size.seededTickets; i++) {
    const contactEmail = `customer${i}.${run}@mail.example`;
    const contact = await upsertContact(db, property.id, { email: contactEmail, name: `Customer ${i}` });
    const ticket = await createTicket(db, { propertyId: property.id, subject: `Order ${1000 + i} question`, contact });
    seeded.push({ number: ticket.number, contactEmail });
  }
  const at = () => new Date().toISOString();
  const chats: PlannedChat[] = [];
  for (let i = 0; i < size.chats; i++) {
    const kind = chatKinds[i % chatKinds.length]!;
    const id = `chat-${run}-${i}`;
    const ev = (n: number, type: string, extra: Record<string, unknown>): PlannedEvent => ({
      id: `${id}-e${n}`,
      type,
      body: {
        id: `${id}-e${n}`,
        type,
        property: property.slug,
        get at() {
          return at();
        },
        chat: { id },
        ...extra,
      },
    });
    const visitor = (n: number, text: string) => ev(n, 'chat.message', { message: { id: `${id}-m${n}`, sender: 'visitor', text } });
    const started = ev(0, 'chat.started', {
      visitor: { id: `visitor-${run}-${i}`, name: `Visitor ${i}` },
      ...(kind === 'missed-email' ? { prechat: { name: `Visitor ${i}`, email: `visitor${i}.${run}@chat.example` } } : {}),
    });
    // An answered chat's opening and the agent's answer arrive in one request (as a chat server
    // batches them), so the answer is stored before the trigger is due whatever the load.
    const requests =
      kind === 'answered'
        ? [
            {
              afterMs: 0,
              events: [
                started,
                visitor(1, 'Hello, is my order shipped?'),
                ev(2, 'chat.message', {
                  message: { id: `${id}-m2`, sender: 'agent', agent: { id: 'agent-1', name: 'Anna' }, text: 'Hi! Let me check.' },
                }),
              ],
            },
            { afterMs: 0, events: [visitor(3, 'Thanks!')] },
            { afterMs: 0, events: [ev(4, 'chat.ended', { reason: 'agent_closed' })] },
          ]
        : [
            ...[started, visitor(1, 'Hello?'), visitor(2, 'Anyone there?'), visitor(3, 'I need help with a refund')].map((e) => ({
              afterMs: 0,
              events: [e],
            })),
            { afterMs: missedChatOpenMs, events: [ev(4, 'chat.ended', { reason: 'visitor_left' })] },
          ];
    chats.push({ id, kind, requests, events: requests.flatMap((r) => r.events) });
  }
  const emails: PlannedEmail[] = [];
  const domain = property.inbound_domain!;
  const answerEvery = size.answeredEmails ? Math.max(1, Math.floor(size.newEmails / size.answeredEmails)) : 0;
  const mail = (messageId: string, from: string, to: string, subject: string, text: string) =>
    [
      `From: ${from}`,
      `To: ${to}`,
      `Subject: ${subject}`,
      `Message-ID: ${messageId}`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      text,
      '',
    ].join('\r\n');
  for (let i = 0; i < size.newEmails; i++) {
    const messageId = `<new-${run}-${i}@client.example>`;
    const from = `sender${i}.${run}@client.example`;
    emails.push({
      messageId,
      from,
      rcptTo: `help@${domain}`,
      raw: mail(
        messageId,
        `Sender ${i} <${from}>`,
        `help@${domain}`,
        `Question ${i} about my order`,
        `Hello,\r\nwhere is order ${5000 + i}?\r\nThanks`,
      ),
      ticketNumber: null,
      answer:
        answerEvery && i % answerEvery === 0 && i / answerEvery < size.answeredEmails
          ? `Agent answer to ${messageId} of run ${run}: it ships today.`
          : null,
    });
  }
  for (let i = 0; i < size.emailReplies; i++) {
    const target = seeded[i % seeded.length]!;
    const messageId = `<reply-${run}-${i}@mail.example>`;
    const to = replyAddress(property, target.number);
    emails.push({
      messageId,
      from: target.contactEmail,
      rcptTo: to,
      raw: mail(
        messageId,
        target.contactEmail,
        to,
        `Re: [#${target.number}] Order question`,
        `Reply ${i}: any news?\r\n\r\n> earlier text`,
      ),
      ticketNumber: target.number,
      answer: null,
    });
  }
  // Interleave new mail and replies so that both run through the whole load.
  emails.sort((a, b) => hash(a.messageId) - hash(b.messageId));
  const replies = Array.from({ length: size.agentReplies }, (_, i) => ({
    ticketNumber: seeded[i % seeded.length]!.number,
    body: `Agent reply ${i} of run ${run}: your parcel is on its way.`,
  }));
  return { run, chats, emails, replies, seeded, missedChatOpenMs };
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Where the load goes. */
export interface LoadTargets {
  ingressUrl: string;
  smtpPort: number;
  db: Kysely<Database>;
  jobs: JobQueue;
  property: Property;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A refusal no retry can fix (4xx, 5xx SMTP): the load is wrong or Switchboard is, and the run stops. */
class Refused extends Error {}

/** Runs `task` over `items` with at most `limit` at once. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

/** Sends the whole plan, retrying each item until it is acknowledged or `deadline` passes. */
export async function driveLoad(plan: LoadPlan, targets: LoadTargets, deadline: number): Promise<Acknowledged> {
  const ack: Acknowledged = {
    events: new Set(),
    emails: new Set(),
    replies: new Set(),
    answers: new Set(),
    retries: { http: 0, smtp: 0, reply: 0 },
  };
  const keepTrying = async (what: string, attempt: () => Promise<boolean>, onRetry: () => void) => {
    for (let n = 0; ; n++) {
      const done = await attempt().catch((error: unknown) => {
        if (error instanceof Refused) throw error;
        return false;
      });
      if (done) return;
      if (Date.now() > deadline) throw new Error(`${what} was never acknowledged`);
      onRetry();
      await sleep(Math.min(100 * 2 ** n, 2000));
    }
  };
  const post = async (events: PlannedEvent[]) => {
    const what = `chat events ${events.map((e) => e.id).join(', ')}`;
    await keepTrying(
      what,
      async () => {
        const body = JSON.stringify(events.length === 1 ? events[0]!.body : { events: events.map((e) => e.body) });
        const res = await fetch(`${targets.ingressUrl}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-switchboard-signature': signBody(targets.property.signing_secret, body) },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        if (res.status >= 400 && res.status < 500) throw new Refused(`${what} refused with ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        return res.status === 202;
      },
      () => ack.retries.http++,
    );
    for (const e of events) ack.events.add(e.id);
  };
  const chats = pool(plan.chats, 160, async (chat) => {
    for (const request of chat.requests) {
      if (request.afterMs) await sleep(request.afterMs);
      await post(request.events);
    }
  });
  // An agent answers a new email as soon as its ticket shows up in the inbox (looked for every
  // 100 ms), without holding up the rest of the mail.
  const answers: Promise<void>[] = [];
  const answer = async (email: PlannedEmail, body: string) => {
    let number: number | undefined;
    while (number === undefined) {
      const row = await targets.db
        .selectFrom('inbound_emails as i')
        .innerJoin('tickets as t', 't.id', 'i.ticket_id')
        .select('t.number')
        .where('i.property_id', '=', targets.property.id)
        .where('i.message_id', '=', email.messageId)
        .executeTakeFirst()
        .catch(() => undefined);
      number = row?.number;
      if (number === undefined) {
        if (Date.now() > deadline) throw new Error(`the ticket of ${email.messageId} never showed up to be answered`);
        await sleep(100);
      }
    }
    await keepTrying(
      `answer to ${email.messageId}`,
      async () => {
        try {
          await replyToTicket(targets.db, targets.jobs, targets.property.id, `T${number}`, { body });
          return true;
        } catch {
          const saved = await targets.db
            .selectFrom('messages')
            .select('id')
            .where('property_id', '=', targets.property.id)
            .where('sender', '=', 'agent')
            .where('body', '=', body)
            .executeTakeFirst();
          return saved !== undefined;
        }
      },
      () => ack.retries.reply++,
    );
    ack.answers.add(body);
  };
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: targets.smtpPort,
    secure: false,
    ignoreTLS: true,
    connectionTimeout: 5000,
    socketTimeout: 15_000,
  } as never);
  const emails = pool(plan.emails, 16, async (email) => {
    await keepTrying(
      `email ${email.messageId}`,
      async () => {
        try {
          await transport.sendMail({ envelope: { from: email.from, to: [email.rcptTo] }, raw: email.raw });
          return true;
        } catch (error) {
          const code = (error as { responseCode?: number }).responseCode;
          if (code && code >= 500) throw new Refused(`email ${email.messageId} refused: ${String(error)}`);
          return false;
        }
      },
      () => ack.retries.smtp++,
    );
    ack.emails.add(email.messageId);
    if (email.answer) answers.push(answer(email, email.answer));
  });
  const replies = pool(plan.replies, 8, async (reply) => {
    await keepTrying(
      `reply ${reply.body}`,
      async () => {
        try {
          await replyToTicket(targets.db, targets.jobs, targets.property.id, `T${reply.ticketNumber}`, { body: reply.body });
          return true;
        } catch {
          // An agent whose reply errored looks at the ticket before sending it again: if the
          // commit went through and only its answer was lost, the reply is there.
          const saved = await targets.db
            .selectFrom('messages')
            .select('id')
            .where('property_id', '=', targets.property.id)
            .where('sender', '=', 'agent')
            .where('body', '=', reply.body)
            .executeTakeFirst();
          return saved !== undefined;
        }
      },
      () => ack.retries.reply++,
    );
    ack.replies.add(reply.body);
  });
  try {
    const results = await Promise.allSettled([chats, emails, replies]);
    results.push(...(await Promise.allSettled(answers)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } finally {
    transport.close();
  }
  return ack;
}
