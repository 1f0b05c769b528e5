import { describe, expect, it } from 'vitest';
import type { AgentLoad } from '../../../core/inbox/agent-load.ts';
import { formatAgentsTable } from '../../../tui/screens/agents-table.ts';
import { agentsFailed, agentsLoaded } from '../../../tui/state/agents-state.ts';
import { initialDashboardState } from '../../../tui/state/dashboard-state.ts';
import { toInboxQuery } from '../../../tui/state/inbox-filters.ts';
import { clickRow } from '../../../tui/state/mouse.ts';
import { propertySwitched } from '../../../tui/state/property-switcher.ts';
import { press } from './state-fixtures.ts';
import type { DashboardState } from '../../../tui/state/dashboard-types.ts';

// The Agents tab, pure: its loads, its keys, and its table at 80 and 200 columns.

const now = Date.parse('2026-03-02T12:00:00Z');
const row = (id: string, name: string, open: number, waitedMinutes: number | null, breaches: number): AgentLoad => ({
  agent: { id, name, email: `${name.toLowerCase()}@example.com` },
  open,
  oldestWaitingSince: waitedMinutes === null ? null : new Date(now - waitedMinutes * 60_000),
  breaches,
});
const rows = [row('1', 'Ann', 4, 125, 2), row('2', 'Bo', 1, null, 0), row('3', 'Cy', 0, null, 0)];

function shown(): DashboardState {
  const s = press(initialDashboardState(), '4').state;
  return { ...s, agents: agentsLoaded(s.agents, s.agents.loadSeq, rows) };
}

describe('agents tab', () => {
  it('4 shows the tab and reads it; a late answer to an older read is dropped', () => {
    const first = press(initialDashboardState(), '4');
    expect(first.state.tab).toBe('agents');
    expect(first.effects).toEqual([{ type: 'loadAgents' }]);
    const again = press(first.state, '1', '4').state;
    expect(agentsLoaded(again.agents, first.state.agents.loadSeq, rows).rows).toEqual([]);
    expect(agentsFailed(shown().agents, shown().agents.loadSeq, 'down')).toMatchObject({ rows, error: 'down' });
  });

  it("moves with j k and enter lists the agent's open items, oldest first, in the inbox", () => {
    const s = press(shown(), 'j', 'j', 'j', 'k');
    expect(s.state.agents.selected).toBe(1);
    const opened = press(s.state, 'enter');
    expect(opened.effects).toEqual([{ type: 'load' }]);
    expect(opened.state.tab).toBe('inbox');
    expect(toInboxQuery(opened.state.inbox.filters, null, 20)).toMatchObject({
      status: 'open',
      agent: { id: '2' },
      sort: 'created',
      order: 'asc',
    });
    expect(opened.state.message?.text).toContain('Bo: open items');
    // A click on a row selects it (two lines above: the title and the header); a second opens it.
    expect(clickRow(shown(), 4, 20).state.agents.selected).toBe(2);
    expect(clickRow(shown(), 2, 20).state.tab).toBe('inbox');
  });

  it('a property switch forgets the agents and reads those of the other property when shown', () => {
    const switched = propertySwitched(shown(), { id: '9', slug: 'other', name: 'Other' });
    expect(switched.state.agents.rows).toEqual([]);
    expect(switched.effects).toContainEqual({ type: 'loadAgents' });
    expect(agentsLoaded(switched.state.agents, shown().agents.loadSeq, rows).rows).toEqual([]);
  });

  it('formats AGENT, OPEN, OLDEST WAITING and BREACHES TODAY, the email where there is room', () => {
    const narrow = formatAgentsTable(rows, 80, now);
    expect(narrow.header).toMatch(/^AGENT\s+OPEN\s+OLDEST WAITING\s+BREACHES TODAY/);
    expect(narrow.header).not.toContain('EMAIL');
    expect(narrow.rows[0]).toMatch(/^Ann\s+4\s+2h 05m\s+2\s*$/);
    expect(narrow.rows[1]).toMatch(/^Bo\s+1\s+-\s+0\s*$/);
    expect(narrow.breached).toEqual([true, false, false]);
    const wide = formatAgentsTable(rows, 200, now);
    expect(wide.header).toMatch(/^AGENT\s+EMAIL\s+OPEN/);
    expect(wide.rows[0]).toContain('ann@example.com');
    for (const line of [...narrow.rows, narrow.header]) expect([...line]).toHaveLength(80);
    for (const line of [...wide.rows, wide.header]) expect([...line]).toHaveLength(200);
  });
});
