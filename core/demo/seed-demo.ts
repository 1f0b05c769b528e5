import type { Kysely, Transaction } from 'kysely';
import type { Agent, Contact, Conversation, Database, Property } from '../db/schema.ts';
import { upsertContact } from '../contacts/contacts.ts';
import { createConversation, updateConversation } from '../conversations/conversation-store.ts';
import { upsertAgent } from '../directory/agents.ts';
import { resolveLabel } from '../directory/labels.ts';
import { appendMessage } from '../messages/append-message.ts';
import { createProperty, findPropertyBySlug, getPropertyById, updateProperty } from '../properties/property-store.ts';
import { parseBusinessHours } from '../hours/business-hours.ts';
import { parseHolidayText, parseScheduleText } from '../hours/business-hours-text.ts';
import { refreshResponseClocks } from '../responses/response-clock-store.ts';
import { checkTargets, noTargets, type ResponseTargets } from '../responses/response-targets.ts';
import { createTicket } from '../tickets/ticket-store.ts';

// A realistic, deterministic demo inbox: a few agents, departments and tags; answered chats,
// missed chats with and without an email, offline messages, and tickets in every status,
// spread over the last 30 days, with business hours and response targets, so that some items
// are breached and some at risk. Seeding twice changes nothing.

const agents = [
  ['giulia.rossi@acme.example', 'Giulia Rossi'],
  ['marco.bianchi@acme.example', 'Marco Bianchi'],
  ['sara.conti@acme.example', 'Sara Conti'],
  ['luca.moretti@acme.example', 'Luca Moretti'],
] as const;
const departments = ['Sales', 'Support', 'Billing'];
const tags = ['billing', 'bug', 'feature-request', 'vip', 'refund', 'onboarding'];
const visitors = [
  ['Alice Martin', 'alice.martin@example.com'],
  ['Bruno Esposito', 'bruno.esposito@example.it'],
  ['Chiara Galli', 'chiara.galli@example.it'],
  ['David Kim', 'david.kim@example.org'],
  ['Elena Fontana', 'elena@fontana.example'],
  ['Farid Haddad', 'farid.haddad@example.net'],
  ['Greta Lombardi', null],
  ['Hugo Laurent', 'hugo@laurent.example'],
  ['Irene Barbieri', null],
  ['Jonas Weber', 'jonas.weber@example.de'],
] as const;
const questions = [
  'Hi, I was charged twice for my subscription this month. Can you refund one of them?',
  'Does the Pro plan include phone support?',
  'The checkout page shows an error when I enter my VAT number.',
  'Buongiorno, vorrei sapere i tempi di spedizione per la Sicilia.',
  'How do I export all my invoices as PDF?',
  'I cannot log in since yesterday, the reset link never arrives.',
  'Can I change the billing email on my account?',
  'Is there a discount for non-profit organisations?',
  'The mobile app crashes when I open the settings screen.',
  'Do you ship to Switzerland? What about customs fees?',
];
const answers = [
  'Thanks for reaching out! Let me check that for you right away.',
  'I have looked into it: you are right, I have issued the refund. It will show in 3-5 days.',
  'Yes, it does — from Monday to Friday, 9:00 to 18:00 CET.',
  'Could you send me a screenshot of the error? I will pass it to our developers.',
  'Done! Anything else I can help with?',
];

const H = 3_600_000;

/**
 * The demo's business hours: a shop whose chat is staffed around the clock but closed on
 * Christmas and New Year's Day, so that `switchboard demo` shows a breach within a minute at
 * any hour a newcomer tries it (hours of 9 to 6 would freeze every clock at night).
 */
const demoHours = () =>
  parseBusinessHours({
    zone: 'Europe/Rome',
    week: parseScheduleText('daily 00:00-24:00'),
    holidays: ['12-25', '01-01'].map(parseHolidayText),
  });

/** Sales chats are answered within a minute; everything else within hours; urgent sooner. */
function demoTargets(salesId: string): ResponseTargets {
  return checkTargets({
    ...noTargets,
    base: { first: 2 * H, next: 4 * H, resolution: 72 * H },
    byPriority: { urgent: { first: 0.5 * H, next: 1 * H } },
    byDepartment: { [salesId]: { first: 60_000, next: 120_000 } },
  });
}

/** Deterministic pseudo-random numbers, so the demo is the same on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** What seeding the demo inbox shares: the transaction, the property and its directory, and one random sequence. */
interface DemoSeed {
  trx: Transaction<Database>;
  property: Property;
  now: Date;
  rnd: () => number;
  pick: <T>(list: readonly T[]) => T;
  agentRows: Agent[];
  departmentIds: string[];
  tagIds: string[];
}

/** Creates (once) the `demo` property and its inbox; returns it and whether it was new. */
export async function seedDemo(db: Kysely<Database>, now = new Date()): Promise<{ property: Property; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const existing = await findPropertyBySlug(trx, 'demo');
    if (existing) return { property: existing, created: false };
    const property = await createProperty(trx, {
      slug: 'demo',
      name: 'Acme Store (demo)',
      supportAddress: 'support@acme.example',
      inboundDomain: 'inbound.acme.example',
    });
    // A short trigger delay, so that `switchboard demo` shows the trigger within seconds.
    await updateProperty(trx, property.id, { trigger_delay_seconds: 15 });
    const pid = property.id;
    const rnd = random(42);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
    const agentRows = [];
    for (const [email, name] of agents) agentRows.push(await upsertAgent(trx, pid, { email, name }));
    const departmentIds = [];
    for (const name of departments) departmentIds.push((await resolveLabel(trx, 'departments', pid, name, { create: true })).id);
    const tagIds = [];
    for (const name of tags) tagIds.push((await resolveLabel(trx, 'tags', pid, name, { create: true })).id);
    const demo: DemoSeed = { trx, property, now, rnd, pick, agentRows, departmentIds, tagIds };
    for (let n = 0; n < 60; n++) await seedDemoChat(demo, n);
    await seedRecentTickets(demo);
    await updateProperty(trx, pid, {
      business_hours: JSON.stringify(demoHours()),
      response_targets: JSON.stringify(demoTargets(departmentIds[0]!)),
    });
    // Every open item's due times, as setting the targets does; the running workers' reconcile
    // asks for the checks that record the breaches (notes, the Agents tab's counts).
    for (const [table, kind] of [
      ['conversations', 'conversation'],
      ['tickets', 'ticket'],
    ] as const) {
      const open = await trx.selectFrom(table).select('id').where('property_id', '=', pid).where('status', '!=', 'closed').execute();
      await refreshResponseClocks(
        trx,
        null,
        open.map((r) => ({ kind, id: r.id })),
        now,
      );
    }
    return { property: await getPropertyById(trx, pid), created: true };
  });
}

/** The demo's chat number `n`: answered, missed (some of them converted to tickets) or an offline message. */
async function seedDemoChat(demo: DemoSeed, n: number): Promise<void> {
  const { trx, property, now, rnd, pick, agentRows, departmentIds, tagIds } = demo;
  const pid = property.id;
  const [name, email] = pick(visitors);
  const startedAt = new Date(now.getTime() - (60 - n) * 11 * 3600_000 - Math.floor(rnd() * 3600_000));
  const offline = n % 9 === 4;
  const answered = !offline && rnd() < 0.6;
  const contact = email ? await upsertContact(trx, pid, { email, name }) : null;
  const agent = answered ? pick(agentRows) : null;
  const conversation = await createConversation(trx, {
    propertyId: pid,
    kind: offline ? 'offline' : 'chat',
    externalId: `demo-chat-${n + 1}`,
    visitor: { id: `visitor-${n + 1}`, name, email },
    prechat: email && !offline ? { name, email, fields: { order: `#${10_000 + n}` } } : null,
    contactId: contact?.id ?? null,
    departmentId: pick(departmentIds),
    agentId: agent?.id ?? null,
    priority: rnd() < 0.15 ? 2 : rnd() < 0.05 ? 3 : 1,
    tagIds: rnd() < 0.4 ? [pick(tagIds)] : [],
    createdAt: startedAt,
  });
  const target = { conversationId: conversation.id };
  let at = startedAt.getTime();
  await appendMessage(trx, {
    propertyId: pid,
    target,
    sender: 'visitor',
    body: pick(questions),
    authorName: name,
    createdAt: new Date(at),
  });
  if (answered) {
    for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) {
      at += 40_000 + Math.floor(rnd() * 120_000);
      await appendMessage(trx, {
        propertyId: pid,
        target,
        sender: 'agent',
        body: pick(answers),
        agentId: agent!.id,
        createdAt: new Date(at),
      });
    }
  } else if (!offline) {
    at += 60_000;
    await appendMessage(trx, {
      propertyId: pid,
      target,
      sender: 'trigger',
      body: property.trigger_message,
      authorName: property.trigger_sender_name,
      createdAt: new Date(at),
    });
  }
  const ended = new Date(at + 300_000);
  const recent = n > 50;
  // Answered chats are concluded; missed ones stay open (unless recent ones still run).
  await updateConversation(trx, conversation.id, {
    missed: !answered && !recent,
    status: answered ? 'closed' : 'open',
    status_changed_at: answered ? ended : startedAt,
    ended_at: recent && !answered ? null : ended,
    updated_at: ended,
  });
  // A missed chat with an email became a ticket, as the conversion worker does.
  if (!answered && contact && n % 2 === 0) await seedDemoConversion(demo, conversation, contact, name, ended);
}

/** The ticket a missed chat with an email became, as the conversion worker makes it. */
async function seedDemoConversion(demo: DemoSeed, conversation: Conversation, contact: Contact, name: string, ended: Date): Promise<void> {
  const { trx, property, rnd, pick, agentRows, tagIds } = demo;
  const pid = property.id;
  await updateConversation(trx, conversation.id, { status: 'closed', status_changed_at: ended });
  const ticket = await createTicket(trx, {
    propertyId: pid,
    subject: `Missed chat from ${name}`,
    contact,
    conversationId: conversation.id,
    departmentId: conversation.department_id,
    agentId: rnd() < 0.5 ? pick(agentRows).id : null,
    status: pick(['open', 'open', 'pending', 'closed'] as const),
    priority: rnd() < 0.2 ? 2 : 1,
    tagIds: rnd() < 0.5 ? [pick(tagIds)] : [],
    createdAt: ended,
  });
  await appendMessage(trx, {
    propertyId: pid,
    target: { ticketId: ticket.id },
    sender: 'system',
    body: 'Ticket created from a missed chat; an acknowledgement with the transcript was queued to the visitor.',
    createdAt: ended,
  });
}

/** Two tickets of the last two hours: one past 80% of its two-hour target (at risk), one not. */
async function seedRecentTickets({ trx, property, now, departmentIds }: DemoSeed): Promise<void> {
  const pid = property.id;
  const recentTickets = [
    [0, 100 * 60_000, 'Invoice address is wrong', 'The invoice for order #20877 has my old address, can you fix it?'],
    [3, 20 * 60_000, 'Gift wrapping', 'Can you gift-wrap order #20990? It is a birthday present.'],
  ] as const;
  for (const [v, ago, subject, question] of recentTickets) {
    const [name, email] = visitors[v]!;
    const contact = await upsertContact(trx, pid, { email: email!, name });
    const createdAt = new Date(now.getTime() - ago);
    const ticket = await createTicket(trx, { propertyId: pid, subject, contact, departmentId: departmentIds[1]!, createdAt });
    await appendMessage(trx, {
      propertyId: pid,
      target: { ticketId: ticket.id },
      sender: 'visitor',
      body: question,
      authorName: name,
      createdAt,
    });
  }
}
