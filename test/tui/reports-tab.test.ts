import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '../../core/db/schema.ts';
import { upsertAgent } from '../../core/directory/agents.ts';
import { upsertContact } from '../../core/contacts/contacts.ts';
import { appendMessage } from '../../core/messages/append-message.ts';
import { createProperty } from '../../core/properties/property-store.ts';
import type { ResponseReport } from '../../core/responses/response-report.ts';
import { createTicket } from '../../core/tickets/ticket-store.ts';
import type { Dashboard } from '../../tui/dashboard.ts';
import { formatReportsView } from '../../tui/screens/reports-view.ts';
import { initialDashboardState } from '../../tui/state/dashboard-state.ts';
import { clickRow } from '../../tui/state/mouse.ts';
import { propertySwitched } from '../../tui/state/property-switcher.ts';
import { reportsFailed, reportsLoaded } from '../../tui/state/reports-state.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { cellColours, fakeTerminal, screenShows } from './fake-terminal.ts';
import { dashboardRedis, startOnTerminal } from './dashboard-fixture.ts';
import { press } from './state/state-fixtures.ts';

// The Reports tab (5): its state and keys, pure; its table at 80 and 200 columns; and on the
// real screen over fake TTY streams, the last 7 days of a property on a real Postgres.

const H = 3_600_000;
const figures = (measured: number, medianMs: number | null, breaches: number) => ({
  measured,
  unanswered: 0,
  medianMs,
  p90Ms: medianMs,
  breaches,
  breachRate: measured ? breaches / measured : null,
});
const report: ResponseReport = {
  propertyId: '1',
  from: new Date('2026-11-30T00:00:00Z'),
  to: new Date('2026-12-07T00:00:00Z'),
  zone: 'UTC',
  by: 'agent',
  total: { key: null, label: 'all', first: figures(3, 2 * H, 1), next: figures(1, 0.5 * H, 0) },
  groups: [{ key: '7', label: 'Ann', first: figures(3, 2 * H, 1), next: figures(1, 0.5 * H, 0) }],
  breachesPerDay: ['11-30', '12-01', '12-02', '12-03', '12-04', '12-05', '12-06'].map((d, n) => ({
    date: `2026-${d}`,
    breaches: n === 3 ? 4 : n === 5 ? 1 : 0,
  })),
};

describe('reports tab, pure', () => {
  it('5 shows the tab and reads it; b reads the next grouping; a late answer to an older read is dropped', () => {
    const shown = press(initialDashboardState(), '5');
    expect(shown.state.tab).toBe('reports');
    expect(shown.effects).toEqual([{ type: 'loadReports' }]);
    const regrouped = press(shown.state, 'b');
    expect(regrouped.state.reports.by).toBe('department');
    expect(regrouped.effects).toEqual([{ type: 'loadReports' }]);
    expect(press(regrouped.state, 'b', 'b').state.reports.by).toBe('agent');
    expect(reportsLoaded(regrouped.state.reports, shown.state.reports.loadSeq, report).report).toBeNull();
    const loaded = reportsLoaded(regrouped.state.reports, regrouped.state.reports.loadSeq, report);
    expect(loaded.report).toBe(report);
    expect(reportsFailed(loaded, loaded.loadSeq, 'down')).toMatchObject({ report, error: 'down' });
    // Nothing to click; a property switch forgets the report and reads the other's.
    const withReport = { ...regrouped.state, reports: loaded };
    expect(clickRow(withReport, 3, 20)).toEqual({ state: withReport, effects: [] });
    const switched = propertySwitched(withReport, { id: '9', slug: 'other', name: 'Other' });
    expect(switched.state.reports).toMatchObject({ report: null, by: 'department' });
    expect(switched.effects).toContainEqual({ type: 'loadReports' });
    expect(reportsLoaded(switched.state.reports, loaded.loadSeq, report).report).toBeNull();
  });

  it('formats a row per group and clock, and the breaches per day as a sparkline', () => {
    for (const width of [80, 200]) {
      const v = formatReportsView(report, width);
      for (const line of [v.intro, v.header, ...v.rows, v.days]) expect([...line]).toHaveLength(width);
      expect(v.header).toMatch(/^BY AGENT\s+CLOCK\s+RESPONSES\s+MEDIAN\s+P90\s+UNANSWERED\s+BREACHES\s+BREACH RATE/);
      expect(v.rows[0]).toMatch(/^all\s+first\s+3\s+2h 00m\s+2h 00m\s+0\s+1\s+33%\s*$/);
      expect(v.rows[3]).toMatch(/^Ann\s+next\s+1\s+30m\s+30m\s+0\s+0\s+0%\s*$/);
      expect(v.breached).toEqual([true, false, true, false]);
      // Seven cells: blank for none, full for the busiest day, the lowest bar for a quarter of it.
      expect(v.days).toMatch(/^breaches per day {2}11-30 {4}█ ▂ {2}12-06 {2}\(0 0 0 4 0 1 0; 5 in all\)/);
    }
  });
});

describe('the Reports tab on the screen', () => {
  let t: TestDatabase;
  let redis: Redis;
  let property: Property;

  beforeAll(async () => {
    t = await createTestDatabase();
    property = await createProperty(t.db, { slug: 'reports' });
    const ann = await upsertAgent(t.db, property.id, { email: 'ann@example.com', name: 'Ann' });
    // Around the clock (no hours): a first response of 2h, answered an hour ago, breached.
    const contact = await upsertContact(t.db, property.id, { email: 'v@example.com', name: null });
    const now = Date.now();
    const ticket = await createTicket(t.db, {
      propertyId: property.id,
      subject: 'Help',
      contact,
      agentId: ann.id,
      createdAt: new Date(now - 3 * H),
    });
    await appendMessage(t.db, {
      propertyId: property.id,
      target: { ticketId: ticket.id },
      sender: 'visitor',
      body: 'hi',
      createdAt: new Date(now - 3 * H),
    });
    await appendMessage(t.db, {
      propertyId: property.id,
      target: { ticketId: ticket.id },
      sender: 'agent',
      agentId: ann.id,
      body: 'hello',
      createdAt: new Date(now - H),
    });
    await t.db
      .insertInto('response_alerts')
      .values({
        property_id: property.id,
        ticket_id: ticket.id,
        clock: 'first',
        kind: 'breach',
        started_at: new Date(now - 3 * H),
        due_at: new Date(now - 2 * H),
        agent_id: ann.id,
        priority: 1,
      })
      .execute();
    redis = dashboardRedis();
    await redis.connect();
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.drop();
  });

  it('5 shows the last 7 days by agent, breaches in red and per day; b groups by department', async () => {
    const term = fakeTerminal(80, 24);
    const d: Dashboard = startOnTerminal(term, { db: t.db, redis, queuePrefix: `tui-reports-${t.name}`, property });
    try {
      term.press('5');
      const text = await screenShows(d, 'the report', (s) => s.includes(' 5 Reports ') && /^all\s+first/m.test(s));
      expect(text.split('\n')).toHaveLength(24);
      expect(text).toMatch(/^Reports responses, last 7 days/m);
      expect(text).toMatch(/^BY AGENT\s+CLOCK\s+RESPONSES/m);
      expect(text).toMatch(/^all\s+first\s+1\s+2h 00m\s+2h 00m\s+0\s+1\s+100%/m);
      expect(text).toMatch(/^Ann\s+first\s+1\s+2h 00m/m);
      // Today is the last of the seven days: the only breach, the full bar.
      expect(text).toMatch(/^breaches per day {2}\d\d-\d\d {7}█ \d\d-\d\d {2}\(0 0 0 0 0 0 1; 1 in all\)/m);
      const lines = text.split('\n');
      const allFirst = lines.findIndex((l) => /^all\s+first/.test(l));
      expect(cellColours(d.screen, allFirst, 0).fg).toBe(1); // red: a breach in the row
      expect(cellColours(d.screen, allFirst + 1, 0).fg).not.toBe(1);
      term.press('b');
      const byDepartment = await screenShows(
        d,
        'by department',
        (s) => /^BY DEPARTMENT/m.test(s) && /^\(no department\)\s+first\s+1/m.test(s),
      );
      expect(byDepartment).not.toMatch(/^Ann\s/m);
    } finally {
      await d.quit();
    }
  });
});
