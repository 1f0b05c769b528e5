import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { upsertContact } from '../../core/contacts/contacts.ts';
import { createConversation } from '../../core/conversations/conversation-store.ts';
import { upsertAgent } from '../../core/directory/agents.ts';
import { parseScheduleText } from '../../core/hours/business-hours-text.ts';
import { appendMessage } from '../../core/messages/append-message.ts';
import { createProperty } from '../../core/properties/property-store.ts';
import { setBusinessHours } from '../../core/responses/response-settings.ts';
import { createTicket } from '../../core/tickets/ticket-store.ts';
import { expectOneLineError as oneLineError, runCli } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// `switchboard report responses` as a lead types it, on a real Postgres: the figures of a
// small week (hours Mon-Fri 09:00-17:00 UTC), in a table and as JSON, and each mistake in one line.

const M = 60_000;
let t: TestDatabase;
let env: Record<string, string>;
const cli = (...args: string[]) => runCli(args, env);
const at = (iso: string) => new Date(`${iso}Z`);

beforeAll(async () => {
  t = await createTestDatabase();
  env = { DATABASE_URL: t.url, REDIS_URL: inject('redisUrl'), SWITCHBOARD_QUEUE_PREFIX: `cli-report-${t.name}` };
  const pid = (await createProperty(t.db, { slug: 'rep' })).id;
  // A second property: the commands must be told which one (--property).
  await createProperty(t.db, { slug: 'rep-other' });
  await setBusinessHours(t.db, pid, { zone: 'UTC', week: parseScheduleText('mon-fri 09:00-17:00'), holidays: [] });
  const ann = await upsertAgent(t.db, pid, { email: 'ann@example.com', name: 'Ann' });
  const bo = await upsertAgent(t.db, pid, { email: 'bo@example.com', name: 'Bo' });
  // A ticket: Tue 08:00 (closed) -> 10:30 = 90m of first response, Ann's.
  const contact = await upsertContact(t.db, pid, { email: 'v@example.com', name: null });
  const ticket = await createTicket(t.db, {
    propertyId: pid,
    subject: 'Help',
    contact,
    agentId: ann.id,
    createdAt: at('2026-12-01T08:00:00'),
  });
  await appendMessage(t.db, {
    propertyId: pid,
    target: { ticketId: ticket.id },
    sender: 'visitor',
    body: 'hi',
    createdAt: at('2026-12-01T08:00:00'),
  });
  await appendMessage(t.db, {
    propertyId: pid,
    target: { ticketId: ticket.id },
    sender: 'agent',
    agentId: ann.id,
    body: 'hello',
    createdAt: at('2026-12-01T10:30:00'),
  });
  // A chat of Bo's: first 30m (Wed 09:00 -> 09:30), next 2h (10:00 -> 12:00).
  const chat = await createConversation(t.db, {
    propertyId: pid,
    kind: 'chat',
    visitor: { name: null, email: null },
    contactId: null,
    agentId: bo.id,
    departmentId: null,
    createdAt: at('2026-12-02T09:00:00'),
  });
  for (const [sender, when] of [
    ['visitor', '09:00'],
    ['agent', '09:30'],
    ['visitor', '10:00'],
    ['agent', '12:00'],
  ] as const)
    await appendMessage(t.db, {
      propertyId: pid,
      target: { conversationId: chat.id },
      sender,
      agentId: sender === 'agent' ? bo.id : null,
      body: sender,
      createdAt: at(`2026-12-02T${when}:00`),
    });
  await t.db
    .insertInto('response_alerts')
    .values({
      property_id: pid,
      ticket_id: ticket.id,
      clock: 'first',
      kind: 'breach',
      started_at: at('2026-12-01T09:00:00'),
      due_at: at('2026-12-01T10:00:00'),
      fired_at: at('2026-12-01T10:00:00'),
      agent_id: ann.id,
      priority: 1,
    })
    .execute();
}, 60_000);
afterAll(async () => {
  await t?.drop();
});

interface ReportJson {
  property: string;
  from: string;
  to: string;
  zone: string;
  by: string | null;
  total: { first: Record<string, unknown>; next: Record<string, unknown> };
  groups: { key: string | null; label: string; first: { measured: number }; next: { measured: number } }[];
  breachesPerDay: { date: string; breaches: number }[];
}

describe('switchboard report responses', { timeout: 120_000 }, () => {
  it('prints the figures as JSON, the --to day included', async () => {
    const run = await cli('report', 'responses', '--property', 'rep', '--from', '2026-11-30', '--to', '2026-12-06', '--json');
    expect(run.stderr).toBe('');
    const json = JSON.parse(run.stdout) as ReportJson;
    expect(json).toMatchObject({
      property: 'rep',
      from: '2026-11-30T00:00:00.000Z',
      to: '2026-12-07T00:00:00.000Z',
      zone: 'UTC',
      by: null,
      groups: [],
    });
    // first: 30m and 90m -> median 60m, p90 30 + 0.9 * 60 = 84m; next: 120m.
    expect(json.total.first).toEqual({ measured: 2, unanswered: 0, medianMs: 60 * M, p90Ms: 84 * M, breaches: 1, breachRate: 0.5 });
    expect(json.total.next).toEqual({ measured: 1, unanswered: 0, medianMs: 120 * M, p90Ms: 120 * M, breaches: 0, breachRate: 0 });
    expect(json.breachesPerDay.map((d) => d.breaches)).toEqual([0, 1, 0, 0, 0, 0, 0]);
    expect(json.breachesPerDay[0]!.date).toBe('2026-11-30');
  });

  it('prints a table per group and clock, with --by agent', async () => {
    const run = await cli('--property', 'rep', 'report', 'responses', '--from', '2026-11-30', '--to', '2026-12-06', '--by', 'agent');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Responses of rep, 2026-11-30 00:00 to 2026-12-07 00:00 \(UTC\), in business time/);
    expect(run.stdout).toMatch(/GROUP\s+CLOCK\s+RESPONSES\s+MEDIAN\s+P90\s+UNANSWERED\s+BREACHES\s+BREACH RATE/);
    expect(run.stdout).toMatch(/all\s+first\s+2\s+1h 00m\s+1h 24m\s+0\s+1\s+50%/);
    expect(run.stdout).toMatch(/all\s+next\s+1\s+2h 00m\s+2h 00m\s+0\s+0\s+0%/);
    expect(run.stdout).toMatch(/Ann\s+first\s+1\s+1h 30m\s+1h 30m\s+0\s+1\s+100%/);
    expect(run.stdout).toMatch(/Ann\s+next\s+0\s+-\s+-\s+0\s+0\s+-/);
    expect(run.stdout).toMatch(/Bo\s+next\s+1\s+2h 00m/);
    expect(run.stdout).toMatch(/breaches per day: 11-30 0 · 12-01 1 · 12-02 0/);
  });

  it('defaults to the last 7 days, up to now', async () => {
    const json = JSON.parse((await cli('report', 'responses', '-p', 'rep', '--json')).stdout) as ReportJson;
    expect(json.breachesPerDay).toHaveLength(7);
    const span = Date.parse(json.to) - Date.parse(json.from);
    expect(span).toBeGreaterThan(6 * 86_400_000);
    expect(span).toBeLessThanOrEqual(7 * 86_400_000);
    expect(Math.abs(Date.parse(json.to) - Date.now())).toBeLessThan(60_000);
  });

  it('refuses bad dates, groupings and windows in one line', async () => {
    oneLineError(
      await cli('report', 'responses', '-p', 'rep', '--from', '2026-13-01'),
      /--from "2026-13-01" is not a date: use YYYY-MM-DD or an ISO time/,
    );
    oneLineError(await cli('report', 'responses', '-p', 'rep', '--to', 'yesterday'), /--to "yesterday" is not a date/);
    oneLineError(await cli('report', 'responses', '-p', 'rep', '--by', 'team'), /--by "team" is not one of: agent, department, priority/);
    oneLineError(
      await cli('report', 'responses', '-p', 'rep', '--from', '2026-12-08', '--to', '2026-12-01'),
      /--from \(2026-12-08T00:00:00.000Z\) must be before --to/,
    );
    oneLineError(await cli('report', 'responses', '-p', 'rep', '--from', '2024-01-01', '--to', '2026-01-01'), /at most 366 days/);
    oneLineError(await cli('report', 'responses', '--json'), /there are 2 properties/);
  });
});
