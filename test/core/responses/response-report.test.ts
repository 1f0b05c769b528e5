import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertContact } from '../../../core/contacts/contacts.ts';
import { createConversation } from '../../../core/conversations/conversation-store.ts';
import type { MessageSender } from '../../../core/db/schema.ts';
import { upsertAgent } from '../../../core/directory/agents.ts';
import { resolveLabel } from '../../../core/directory/labels.ts';
import { parseScheduleText } from '../../../core/hours/business-hours-text.ts';
import { appendMessage } from '../../../core/messages/append-message.ts';
import { createProperty } from '../../../core/properties/property-store.ts';
import { setBusinessHours } from '../../../core/responses/response-settings.ts';
import { daysOf, quantile, responseReport, type ResponseReport } from '../../../core/responses/response-report.ts';
import { createTicket } from '../../../core/tickets/ticket-store.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

// The response report over a week, on a real Postgres, with business hours Mon-Fri
// 09:00-17:00 UTC (so nights and the weekend are not counted). Every expected duration below
// is worked out by hand from the times written next to it. The window is Mon 2026-11-30 to
// Mon 2026-12-07 (exclusive).

const M = 60_000;
const from = new Date('2026-11-30T00:00:00Z');
const to = new Date('2026-12-07T00:00:00Z');
const at = (iso: string) => new Date(`${iso}Z`);

let t: TestDatabase;
let pid: string;
const agents: Record<'ann' | 'bo' | 'cy', string> = { ann: '', bo: '', cy: '' };
let salesId: string;
const items: Record<string, { kind: 'conversation' | 'ticket'; id: string }> = {};

async function ticket(
  name: string,
  o: { agent?: string; departmentId?: string; priority?: number; conversationId?: string; created: string },
) {
  const contact = await upsertContact(t.db, pid, { email: `${name}@example.com`, name: null });
  const row = await createTicket(t.db, {
    propertyId: pid,
    subject: name,
    contact,
    agentId: o.agent ?? null,
    departmentId: o.departmentId ?? null,
    priority: o.priority,
    conversationId: o.conversationId,
    createdAt: at(o.created),
  });
  items[name] = { kind: 'ticket', id: row.id };
}
async function chat(name: string, o: { agent?: string; created: string; propertyId?: string }) {
  const row = await createConversation(t.db, {
    propertyId: o.propertyId ?? pid,
    kind: 'chat',
    visitor: { name: null, email: null },
    contactId: null,
    agentId: o.agent ?? null,
    departmentId: null,
    createdAt: at(o.created),
  });
  items[name] = { kind: 'conversation', id: row.id };
}
async function say(
  name: string,
  sender: MessageSender,
  when: string,
  o: { agent?: string; inboundEmailId?: string; propertyId?: string } = {},
) {
  const item = items[name]!;
  const target = item.kind === 'ticket' ? { ticketId: item.id } : { conversationId: item.id };
  await appendMessage(t.db, {
    propertyId: o.propertyId ?? pid,
    target,
    sender,
    body: `${sender} at ${when}`,
    agentId: o.agent ?? null,
    createdAt: at(when),
    inboundEmailId: o.inboundEmailId,
  });
}
async function breach(
  name: string,
  clock: 'first' | 'next' | 'resolution',
  fired: string,
  o: { kind?: 'breach' | 'at_risk'; agent?: string; departmentId?: string; priority?: number } = {},
) {
  const item = items[name]!;
  await t.db
    .insertInto('response_alerts')
    .values({
      property_id: pid,
      conversation_id: item.kind === 'conversation' ? item.id : null,
      ticket_id: item.kind === 'ticket' ? item.id : null,
      clock,
      kind: o.kind ?? 'breach',
      started_at: at(fired),
      due_at: at(fired),
      fired_at: at(fired),
      agent_id: o.agent ?? null,
      department_id: o.departmentId ?? null,
      priority: o.priority ?? 1,
    })
    .execute();
}

beforeAll(async () => {
  t = await createTestDatabase();
  pid = (await createProperty(t.db, { slug: 'report' })).id;
  const other = (await createProperty(t.db, { slug: 'report-other' })).id;
  await setBusinessHours(t.db, pid, { zone: 'UTC', week: parseScheduleText('mon-fri 09:00-17:00'), holidays: [] });
  for (const a of ['ann', 'bo', 'cy'] as const)
    agents[a] = (await upsertAgent(t.db, pid, { email: `${a}@example.com`, name: a[0]!.toUpperCase() + a.slice(1) })).id;
  salesId = (await resolveLabel(t.db, 'departments', pid, 'Sales', { create: true })).id;
  const { ann, bo, cy } = agents;

  // T1, mail, Sales, high. First: Thu 16:30 -> Fri 09:45 = 30m + 45m = 75m over the night.
  // Next: Fri 10:00 -> 11:00 = 60m; the system note and the trigger message between do not stop it.
  await ticket('t1', { agent: ann, departmentId: salesId, priority: 2, created: '2026-12-03T16:30:00' });
  await say('t1', 'visitor', '2026-12-03T16:30:00');
  await say('t1', 'agent', '2026-12-04T09:45:00', { agent: ann });
  await say('t1', 'visitor', '2026-12-04T10:00:00');
  await say('t1', 'visitor', '2026-12-04T10:05:00');
  await say('t1', 'system', '2026-12-04T10:30:00');
  await say('t1', 'trigger', '2026-12-04T10:40:00');
  await say('t1', 'agent', '2026-12-04T11:00:00', { agent: ann });

  // C1, a chat (Bo's) started before opening: first Wed 08:00 -> 09:20 counts from 09:00 = 20m.
  // Next: Wed 16:00 -> Thu 10:00 = 1h + 1h = 120m. Then Fri 16:50 unanswered at the window's end.
  await chat('c1', { agent: bo, created: '2026-12-02T08:00:00' });
  await say('c1', 'visitor', '2026-12-02T08:05:00');
  await say('c1', 'agent', '2026-12-02T09:20:00', { agent: bo });
  await say('c1', 'visitor', '2026-12-02T16:00:00');
  await say('c1', 'agent', '2026-12-03T10:00:00', { agent: bo });
  await say('c1', 'visitor', '2026-12-04T16:50:00');

  // T2: an automatic email (an out-of-office) at Fri 12:00 starts nothing; the visitor's own
  // mail at Fri 16:00 (before the window) does: to Mon 10:00 = 1h + weekend 0 + 1h = 120m,
  // measured in the window because the reply is.
  await ticket('t2', { agent: ann, created: '2026-11-27T12:00:00' });
  const auto = await t.db
    .insertInto('inbound_emails')
    .values({
      property_id: pid,
      received_via: 'cli',
      raw: Buffer.from('x'),
      raw_size: 1,
      message_id: '<ooo@example.com>',
      automatic: true,
      reason: 'auto-submitted',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await say('t2', 'visitor', '2026-11-27T12:00:00', { inboundEmailId: auto.id });
  await say('t2', 'visitor', '2026-11-27T16:00:00');
  await say('t2', 'agent', '2026-11-30T10:00:00', { agent: ann });

  // T3: an answer before the window (not in it), then next Tue 09:00 -> 09:30 = 30m by Cy.
  await ticket('t3', { agent: cy, created: '2026-11-25T10:00:00' });
  await say('t3', 'visitor', '2026-11-25T10:00:00');
  await say('t3', 'agent', '2026-11-25T11:00:00', { agent: cy });
  await say('t3', 'visitor', '2026-12-01T09:00:00');
  await say('t3', 'agent', '2026-12-01T09:30:00', { agent: cy });

  // C2 became T5 (transcript copied): counted once, as T5, from the chat's start Tue 10:00 to 12:00 = 120m.
  await chat('c2', { created: '2026-12-01T10:00:00' });
  await say('c2', 'visitor', '2026-12-01T10:01:00');
  await ticket('t5', { agent: cy, conversationId: items.c2!.id, created: '2026-12-01T10:30:00' });
  await say('t5', 'visitor', '2026-12-01T10:01:00');
  await say('t5', 'agent', '2026-12-01T12:00:00', { agent: cy });

  // C3: a Saturday chat nobody answered: one unanswered first response, nobody's.
  await chat('c3', { created: '2026-12-05T10:00:00' });
  await say('c3', 'visitor', '2026-12-05T10:01:00');

  // T4, in the trash: left out, with its breach.
  await ticket('t4', { agent: ann, created: '2026-12-01T09:00:00' });
  await say('t4', 'visitor', '2026-12-01T09:00:00');
  await say('t4', 'agent', '2026-12-02T09:00:00', { agent: ann });
  await t.db.updateTable('tickets').set({ trashed_at: new Date() }).where('id', '=', items.t4!.id).execute();

  // Another property's chat counts for nobody here.
  await chat('x1', { created: '2026-12-01T10:00:00', propertyId: other });
  await say('x1', 'visitor', '2026-12-01T10:00:00', { propertyId: other });
  await say('x1', 'agent', '2026-12-01T10:05:00', { propertyId: other });

  // Breaches: T1's first (Thu, Ann's, Sales, high), C1's next (Fri, Bo's). Not counted: an
  // at-risk alert, a breach before the window, a resolution breach, the trashed T4's and the
  // converted C2's.
  await breach('t1', 'first', '2026-12-03T17:00:00', { agent: ann, departmentId: salesId, priority: 2 });
  await breach('c1', 'next', '2026-12-04T12:00:00', { agent: bo });
  await breach('t1', 'next', '2026-12-04T10:30:00', { kind: 'at_risk', agent: ann, departmentId: salesId, priority: 2 });
  await breach('t3', 'first', '2026-11-25T12:00:00', { agent: cy });
  await breach('t2', 'resolution', '2026-12-01T12:00:00', { agent: ann });
  await breach('t4', 'first', '2026-12-01T12:00:00', { agent: ann });
  await breach('c2', 'first', '2026-12-01T11:00:00');
}, 60_000);
afterAll(async () => {
  await t?.drop();
});

const byLabel = (r: ResponseReport, label: string) => r.groups.find((g) => g.label === label)!;

describe('response report', () => {
  it('measures first and next responses in business time, from the messages that count', async () => {
    const r = await responseReport(t.db, pid, from, to, { itemBatch: 2 });
    expect(r.zone).toBe('UTC');
    // first: 20m, 75m, 120m (T2), 120m (T5); median between 75 and 120; p90 at rank 2.7 -> 120m.
    expect(r.total.first).toEqual({ measured: 4, unanswered: 1, medianMs: 97.5 * M, p90Ms: 120 * M, breaches: 1, breachRate: 0.25 });
    // next: 30m, 60m, 120m; p90 at rank 1.8 -> 60 + 0.8 * 60 = 108m.
    expect(r.total.next).toEqual({ measured: 3, unanswered: 1, medianMs: 60 * M, p90Ms: 108 * M, breaches: 1, breachRate: 1 / 3 });
    expect(r.groups).toEqual([]);
    expect(r.breachesPerDay).toEqual([
      { date: '2026-11-30', breaches: 0 },
      { date: '2026-12-01', breaches: 0 },
      { date: '2026-12-02', breaches: 0 },
      { date: '2026-12-03', breaches: 1 },
      { date: '2026-12-04', breaches: 1 },
      { date: '2026-12-05', breaches: 0 },
      { date: '2026-12-06', breaches: 0 },
    ]);
  });

  it('groups by the agent who replied (unanswered: the assignee), by department and by priority', async () => {
    const r = await responseReport(t.db, pid, from, to, { by: 'agent' });
    expect(r.groups.map((g) => g.label)).toEqual(['Ann', 'Bo', 'Cy', '(unassigned)']);
    expect(byLabel(r, 'Ann')).toMatchObject({
      key: agents.ann,
      first: { measured: 2, medianMs: 97.5 * M, breaches: 1, breachRate: 0.5 },
      next: { measured: 1, medianMs: 60 * M, breaches: 0, breachRate: 0 },
    });
    expect(byLabel(r, 'Bo')).toMatchObject({
      first: { measured: 1, medianMs: 20 * M, breaches: 0 },
      next: { measured: 1, unanswered: 1, medianMs: 120 * M, breaches: 1, breachRate: 1 },
    });
    expect(byLabel(r, 'Cy')).toMatchObject({ first: { measured: 1, medianMs: 120 * M }, next: { measured: 1, medianMs: 30 * M } });
    expect(byLabel(r, '(unassigned)')).toMatchObject({
      key: null,
      first: { measured: 0, unanswered: 1, medianMs: null, breachRate: null },
    });
    // The groups add up to the total.
    expect(r.groups.reduce((n, g) => n + g.first.measured + g.next.measured, 0)).toBe(7);

    const d = await responseReport(t.db, pid, from, to, { by: 'department' });
    expect(d.groups.find((g) => g.key === salesId)).toMatchObject({
      label: 'Sales',
      first: { measured: 1, medianMs: 75 * M, breaches: 1, breachRate: 1 },
      next: { measured: 1, medianMs: 60 * M },
    });
    expect(d.groups.find((g) => g.key === null)).toMatchObject({
      label: '(no department)',
      first: { measured: 3, unanswered: 1, breaches: 0 },
      next: { measured: 2, unanswered: 1, breaches: 1 },
    });

    const p = await responseReport(t.db, pid, from, to, { by: 'priority' });
    expect(p.groups.map((g) => [g.key, g.first.measured, g.next.measured, g.first.breaches])).toEqual([
      ['normal', 3, 2, 0],
      ['high', 1, 1, 1],
    ]);
  });

  it('counts a response in the window of its reply, and a wait started before the window only once answered', async () => {
    // Only Mon 30th: T2's reply (started the Friday before) is the one response; nothing unanswered started then.
    const r = await responseReport(t.db, pid, from, new Date('2026-12-01T00:00:00Z'));
    expect(r.total.first).toMatchObject({ measured: 1, unanswered: 0, medianMs: 120 * M });
    expect(r.total.next).toMatchObject({ measured: 0, unanswered: 0, medianMs: null, breachRate: null });
    // Up to Fri 10:30: T1's next (waiting since 10:00) is unanswered, C1's Friday message not yet written.
    const mid = await responseReport(t.db, pid, from, new Date('2026-12-04T10:30:00Z'));
    expect(mid.total.next).toMatchObject({ measured: 2, unanswered: 1 });
  });

  it('counts days in the zone of the hours, and interpolates percentiles like percentile_cont', () => {
    expect(daysOf(new Date('2026-03-28T23:00:00Z'), new Date('2026-03-30T22:00:00Z'), 'Europe/Rome')).toEqual(['2026-03-29', '2026-03-30']);
    expect(daysOf(from, from, 'UTC')).toEqual([]);
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([10], 0.9)).toBe(10);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
  });
});
