import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '../../core/db/schema.ts';
import { agentLoadToday } from '../../core/inbox/agent-load.ts';
import { attentionPiles } from '../../core/inbox/attention-piles.ts';
import { setResponseTargets } from '../../core/responses/response-settings.ts';
import { noTargets } from '../../core/responses/response-targets.ts';
import type { Dashboard } from '../../tui/dashboard.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { cellColours, fakeTerminal, screenShows, type FakeTerminal } from './fake-terminal.ts';
import { closeDemoDashboard, openDemoDashboard, startOnTerminal } from './dashboard-fixture.ts';

// The attention bar, pile keys and due colours on the real screen over fake TTY streams: the
// demo inbox with targets set (first reply 4h, next 8h), so that some of it is breached.

const H = 3_600_000;
let t: TestDatabase;
let redis: Redis;
let property: Property;

beforeAll(async () => {
  ({ t, property, redis } = await openDemoDashboard());
  await setResponseTargets(t.db, property.id, { ...noTargets, base: { first: 4 * H, next: 8 * H } });
});
afterAll(() => closeDemoDashboard(t, redis));

function start(term: FakeTerminal): Dashboard {
  return startOnTerminal(term, { db: t.db, redis, queuePrefix: `tui-attn-${t.name}`, property });
}

const settled = (d: Dashboard) => d.state().inbox.loadedSeq === d.state().inbox.loadSeq;

/** The line of the attention bar: the one above the status bar. */
const barLine = (text: string) => text.split('\n').at(-2)!;

describe('the attention bar', () => {
  it('at 80×24: every pile with its count and oldest wait, abbreviated to fit; breached in red', async () => {
    const piles = await attentionPiles(t.db, property.id);
    const breached = piles.find((p) => p.name === 'breached')!;
    expect(breached.count).toBeGreaterThan(0); // the demo's old chats are past 4h
    const term = fakeTerminal(80, 24);
    const d = start(term);
    try {
      const text = await screenShows(d, 'the bar', (s) => /breach(ed)? \d+/.test(barLine(s)));
      const bar = barLine(text);
      expect(text.split('\n')).toHaveLength(24);
      expect([...bar].length).toBeLessThanOrEqual(80);
      for (const p of piles) expect(bar).toMatch(new RegExp(`\\b${p.count}\\b`));
      expect(bar).toMatch(new RegExp(`breach(ed)? ${breached.count} \\d+[dhm]`));
      expect(text.split('\n').at(-1)).toMatch(/pg up redis up │ \? help$/);
      expect(text).not.toContain('open unassigned'); // the old count of the status bar is gone
      expect(text).toMatch(/^ID\s+STATUS\s+WAITING\s+DUE\s+CONTACT\s+TITLE/m); // no room for the department and tags
      const col = bar.indexOf('breach');
      expect(cellColours(d.screen, 22, col).bg).toBe(1); // red
    } finally {
      await d.quit();
    }
  });

  it('at 200×50: the piles in full with their keys and oldest waits', async () => {
    const term = fakeTerminal(200, 50);
    const d = start(term);
    try {
      const text = await screenShows(d, 'the bar', (s) => barLine(s).includes('B breached'));
      const bar = barLine(text);
      expect(bar).toMatch(/^U open unassigned \d+ \(oldest \d+[dhm][ \dhm]*\) {2}· {2}M missed with email \d+/);
      expect(bar).toMatch(/B breached \d+ \(oldest \d+[dhm]/);
      expect(bar).toMatch(/W at risk \d+/);
      expect(bar).toMatch(/L pending \d+/);
    } finally {
      await d.quit();
    }
  });

  it('B lists the breached pile, longest overdue first, as many rows as the bar counts', async () => {
    const breached = (await attentionPiles(t.db, property.id)).find((p) => p.name === 'breached')!;
    const term = fakeTerminal(200, 50);
    const d = start(term);
    try {
      await screenShows(d, 'the bar', (s) => barLine(s).includes('B breached'));
      term.press('B');
      const text = await screenShows(
        d,
        'the breached pile',
        (s) =>
          d.state().inbox.filters.due === 'breached' &&
          d.state().inbox.loadedSeq === d.state().inbox.loadSeq &&
          s.includes('breached: oldest first'),
      );
      const rows = text.split('\n').filter((l) => /^[CT]\d+ /.test(l));
      expect(rows).toHaveLength(breached.count);
      const due = d.state().inbox.items.map((i) => i.dueAt!.getTime());
      expect(due).toEqual([...due].sort((a, b) => a - b));
      // Every row is overdue: its DUE says by how much, and it is red (but the selected one).
      expect(rows.every((r) => /\d+[dhm]( \d+[hm])? over /.test(r))).toBe(true);
      expect(text).toMatch(/^ID\s+TYPE\s+STATUS\s+WAITING\s+DUE\s+PRIO\s+AGENT\s+DEPT\s+TAGS\s+CONTACT/m);
      expect(breached.count).toBeGreaterThan(1);
      expect(cellColours(d.screen, 3, 0).fg).toBe(1); // the second row, red
      expect(cellColours(d.screen, 2, 0).bg).toBe(6); // the selected first row keeps its cyan
    } finally {
      await d.quit();
    }
  });
});

describe('the filter picker', () => {
  it("lists the property's tags under the prompt, narrows them as typed, and applies the one chosen", async () => {
    const term = fakeTerminal(80, 24);
    const d = start(term);
    try {
      await screenShows(d, 'the inbox', (s) => /^[CT]\d+ /m.test(s));
      term.press('f\t\t'); // the tag field
      let text = await screenShows(
        d,
        'the tags',
        (s) => s.includes('Tag (type to narrow') && s.includes('feature-request') && s.includes('onboarding'),
      );
      expect(text).toContain('↑↓ choose');
      term.press('ref');
      text = await screenShows(d, 'narrowed', (s) => s.includes('> ref_') && !s.includes('onboarding'));
      expect(text).toMatch(/refund/);
      term.press('\r');
      text = await screenShows(
        d,
        'filtered by the tag',
        (s) =>
          d.state().inbox.filters.tag?.name === 'refund' && d.state().inbox.loadedSeq === d.state().inbox.loadSeq && s.includes('#refund'),
      );
      expect(d.state().inbox.items.every((i) => i.tags.includes('refund'))).toBe(true);
      // The agents, by part of a name, with the down arrow.
      term.press('f');
      await screenShows(d, 'the agents', (s) => s.includes('Agent (email or name') && /<[^>]+@[^>]+>/.test(s));
      const first = (d.state().overlay as { choices: { agent: { id: string; name: string }[] } }).choices.agent[0]!;
      term.press('\x15\x1b[B'); // ctrl-u empties the draft; down highlights the first agent
      await screenShows(
        d,
        'the first agent chosen',
        (s) => (d.state().overlay as { picked?: number }).picked === 0 && s.includes(first.name),
      );
      term.press('\r');
      await screenShows(d, 'filtered by the agent', (s) => settled(d) && s.includes(`@${first.name}`));
      expect(d.state().inbox.filters.agent).toEqual({ id: first.id, name: first.name });
    } finally {
      await d.quit();
    }
  });
});

describe('the Agents tab', () => {
  it("4 lists each agent's open items, oldest wait and breaches today; enter lists that agent's open items", async () => {
    const load = await agentLoadToday(t.db, property.id);
    const busy = load.find((r) => r.open > 0)!;
    const ticket = await t.db.selectFrom('tickets').select('id').where('property_id', '=', property.id).executeTakeFirstOrThrow();
    await t.db
      .insertInto('response_alerts')
      .values({
        property_id: property.id,
        ticket_id: ticket.id,
        clock: 'first',
        kind: 'breach',
        started_at: new Date(1),
        due_at: new Date(2),
        agent_id: busy.agent.id,
        priority: 1,
      })
      .execute();
    const term = fakeTerminal(80, 24);
    const d = start(term);
    try {
      term.press('4');
      const text = await screenShows(
        d,
        'the agents',
        (s) => s.includes(' 4 Agents ') && /AGENT\s+OPEN\s+OLDEST WAITING\s+BREACHES TODAY/.test(s) && d.state().agents.loadedSeq > 0,
      );
      // The status bar speaks of the tab, not of inbox filters that do not apply to it.
      expect(text.split('\n')[23]).toMatch(/^demo │ agents · enter lists their open items/);
      expect(text.split('\n')[23]).not.toMatch(/status:/);
      for (const r of load)
        expect(text).toMatch(
          new RegExp(
            `^${r.agent.name.slice(0, 8)}.*\\s${r.open}\\s+(\\d+[dhm]( \\d+[hm])?|-)\\s+${r.agent.id === busy.agent.id ? r.breaches + 1 : r.breaches}$`,
            'm',
          ),
        );
      const index = load.indexOf(busy);
      const line = 3 + index; // header row, title, column header
      // Breached today: red, once the selection (cyan) is on another row.
      if (index === 0) {
        term.press('j');
        await screenShows(d, 'the second row selected', () => d.state().agents.selected === 1);
      }
      expect(cellColours(d.screen, line, 0).fg).toBe(1);
      if (index === 0) term.press('k');
      term.press('j'.repeat(index) + '\r');
      await screenShows(
        d,
        "the agent's items",
        (s) => settled(d) && d.state().tab === 'inbox' && s.includes(`${busy.agent.name}: open items`),
      );
      expect(d.state().inbox.items).toHaveLength(Math.min(busy.open, d.state().inbox.pageSize));
      expect(d.state().inbox.items.every((i) => i.agent?.id === busy.agent.id && i.status === 'open')).toBe(true);
    } finally {
      await d.quit();
    }
  });
});
