import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertAgent } from '../../../core/directory/agents.ts';
import { agentLoad, startOfTeamDay } from '../../../core/inbox/agent-load.ts';
import { makeItem, makeProperty } from '../../support/inbox-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

// The lead's view of the agents on a real Postgres: open items (not closed, pending or
// trashed, not another property's), the oldest wait among them, and breach alerts since midnight.

const H = 3_600_000;
let t: TestDatabase;
let pid: string;
let ids: { ann: string; bo: string; cy: string };
const midnight = startOfTeamDay(null);

beforeAll(async () => {
  t = await createTestDatabase();
  pid = (await makeProperty(t.db, 'load')).id;
  const other = (await makeProperty(t.db, 'load-other')).id;
  const ann = await upsertAgent(t.db, pid, { email: 'ann@example.com', name: 'Ann' });
  const bo = await upsertAgent(t.db, pid, { email: 'bo@example.com', name: 'Bo' });
  const cy = await upsertAgent(t.db, pid, { email: 'cy@example.com', name: 'Cy' });
  ids = { ann: ann.id, bo: bo.id, cy: cy.id };
  const otherAgent = await upsertAgent(t.db, other, { email: 'ann@example.com', name: 'Ann' });

  // Ann: an open chat waiting 5h, an open ticket waiting 2h, a closed ticket, a pending one, a trashed chat.
  const c1 = await makeItem(t.db, pid, { kind: 'conversation', created: 0, agentId: ann.id });
  const t1 = await makeItem(t.db, pid, { kind: 'ticket', created: 0, agentId: ann.id });
  await makeItem(t.db, pid, { kind: 'ticket', created: 0, agentId: ann.id, status: 'closed' });
  await makeItem(t.db, pid, { kind: 'ticket', created: 0, agentId: ann.id, status: 'pending' });
  const trashed = await makeItem(t.db, pid, { kind: 'conversation', created: 0, agentId: ann.id });
  await t.db
    .updateTable('conversations')
    .set({ waiting_since: new Date(Date.now() - 5 * H) })
    .where('id', '=', c1.id)
    .execute();
  await t.db
    .updateTable('tickets')
    .set({ waiting_since: new Date(Date.now() - 2 * H) })
    .where('id', '=', t1.id)
    .execute();
  await t.db
    .updateTable('conversations')
    .set({ trashed_at: new Date(), waiting_since: new Date(Date.now() - 50 * H) })
    .where('id', '=', trashed.id)
    .execute();
  // Bo: one open ticket nobody waits on. Cy: nothing. Unassigned and another property's items count for nobody here.
  await makeItem(t.db, pid, { kind: 'ticket', created: 0, agentId: bo.id });
  await makeItem(t.db, pid, { kind: 'ticket', created: 0, agentId: null });
  await makeItem(t.db, other, { kind: 'conversation', created: 0, agentId: otherAgent.id });

  // Breach alerts: Ann two today and one yesterday, Bo an at-risk alert today (not a breach), another property's breach.
  const alert = (
    propertyId: string,
    agentId: string | null,
    kind: 'breach' | 'at_risk',
    firedAt: Date,
    ticketId: string,
    startedMs: number,
  ) =>
    t.db
      .insertInto('response_alerts')
      .values({
        property_id: propertyId,
        ticket_id: ticketId,
        clock: 'first',
        kind,
        started_at: new Date(startedMs),
        due_at: new Date(startedMs + H),
        fired_at: firedAt,
        agent_id: agentId,
        priority: 1,
      })
      .execute();
  const justAfterMidnight = new Date(midnight.getTime() + 1000);
  await alert(pid, ann.id, 'breach', justAfterMidnight, t1.id, 1);
  await alert(pid, ann.id, 'breach', new Date(), t1.id, 2);
  await alert(pid, ann.id, 'breach', new Date(midnight.getTime() - 1000), t1.id, 3);
  await alert(pid, bo.id, 'at_risk', new Date(), t1.id, 4);
  const otherTicket = await makeItem(t.db, other, { kind: 'ticket', created: 0, agentId: otherAgent.id });
  await alert(other, otherAgent.id, 'breach', new Date(), otherTicket.id, 5);
});
afterAll(async () => {
  await t?.drop();
});

describe('agent load', () => {
  it('counts open, untrashed items per agent, their oldest wait, and breaches since the given time', async () => {
    const rows = await agentLoad(t.db, pid, midnight);
    expect(rows.map((r) => r.agent.name)).toEqual(['Ann', 'Bo', 'Cy']);
    const [ann, bo, cy] = rows;
    expect(ann).toMatchObject({ agent: { id: ids.ann, email: 'ann@example.com' }, open: 2, breaches: 2 });
    const waited = Date.now() - ann!.oldestWaitingSince!.getTime();
    expect(waited).toBeGreaterThanOrEqual(5 * H);
    expect(waited).toBeLessThan(6 * H); // not the trashed chat's 50h
    expect(bo).toMatchObject({ agent: { id: ids.bo }, open: 1, oldestWaitingSince: null, breaches: 0 });
    expect(cy).toMatchObject({ agent: { id: ids.cy }, open: 0, oldestWaitingSince: null, breaches: 0 });
  });

  it('moves the breach window with `since`', async () => {
    const sinceYesterday = await agentLoad(t.db, pid, new Date(midnight.getTime() - 24 * H));
    expect(sinceYesterday[0]!.breaches).toBe(3);
    const fromNow = await agentLoad(t.db, pid, new Date(Date.now() + 60_000));
    expect(fromNow.every((r) => r.breaches === 0)).toBe(true);
  });

  it("starts the day at midnight in the property's zone, else at local midnight", () => {
    const at = new Date(2026, 2, 2, 15, 30);
    expect(startOfTeamDay(null, at)).toEqual(new Date(2026, 2, 2));
    // 03:30 UTC is still the evening before in New York (EST, UTC-5): its day began at 05:00 UTC the day before.
    expect(startOfTeamDay({ zone: 'America/New_York' }, new Date('2026-03-02T03:30:00Z'))).toEqual(new Date('2026-03-01T05:00:00Z'));
    // Rome on the day DST starts (29 March 2026): midnight is still CET, UTC+1.
    expect(startOfTeamDay({ zone: 'Europe/Rome' }, new Date('2026-03-29T12:00:00Z'))).toEqual(new Date('2026-03-28T23:00:00Z'));
  });
});
