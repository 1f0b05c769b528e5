import { describe, expect, it } from 'vitest';
import { waitingAndDue as cliWaitingAndDue } from '../../../cli/commands/inbox-command.ts';
import { dueTone, formatInboxTable, waitingAndDue } from '../../../tui/screens/inbox-table.ts';
import { inboxItem } from '../state/state-fixtures.ts';

// The inbox table's due columns and row tones, pure: the width decides the columns.

const now = Date.parse('2026-03-02T12:00:00Z');
const M = 60_000;
const ago = (minutes: number) => new Date(now - minutes * M);
const breached = inboxItem('T1', {
  waitingSince: ago(5 * 60 + 5),
  dueAt: ago(65),
  atRiskAt: ago(113),
  department: { id: '1', name: 'billing' },
  tags: ['vip', 'refund'],
  agent: { id: '2', name: 'Sara' },
});
const atRisk = inboxItem('C2', { waitingSince: ago(200), dueAt: ago(-45), atRiskAt: ago(10) });
const fine = inboxItem('C3', { waitingSince: ago(30), dueAt: ago(-200), atRiskAt: ago(-100) });
const none = inboxItem('T4');
const items = [breached, atRisk, fine, none];

describe('inbox table', () => {
  it('words WAITING and DUE as the CLI does: "in 45m", "1h 05m over", "-"', () => {
    expect(waitingAndDue(breached, now)).toEqual(['5h 05m', '1h 05m over']);
    expect(waitingAndDue(atRisk, now)).toEqual(['3h 20m', 'in 45m']);
    expect(waitingAndDue(none, now)).toEqual(['-', '-']);
    for (const i of items) expect(waitingAndDue(i, now)).toEqual(cliWaitingAndDue(i, now));
  });

  it('tones a row red once due, yellow from its at-risk time, none otherwise', () => {
    expect(items.map((i) => dueTone(i, now))).toEqual(['breach', 'risk', null, null]);
    expect(dueTone(inboxItem('C5', { dueAt: new Date(now), atRiskAt: ago(10) }), now)).toBe('breach'); // due at now is due
    expect(formatInboxTable(items, 80, 'created', now).tones).toEqual(['breach', 'risk', null, null]);
  });

  it('at 80 columns: ID, STATUS, WAITING, DUE and CONTACT, no department or tags', () => {
    const t = formatInboxTable(items, 80, 'created', now);
    expect(t.header).toMatch(/^ID {5}STATUS {2}WAITING DUE {10}CONTACT {12}TITLE/);
    expect(t.header).not.toMatch(/DEPT|TAGS/);
    expect(t.rows[0]).toMatch(/^T1 {5}open {4}5h 05m {2}1h 05m over {2}ann@example.com/);
    expect(t.rows[1]).toMatch(/^C2 {5}open {4}3h 20m {2}in 45m/);
    expect(t.rows[3]).toMatch(/^T4 {5}open {4}- {7}- {12}ann/);
    for (const line of [t.header, ...t.rows]) expect([...line]).toHaveLength(80);
  });

  it('at 200 columns: every column, department and tags too', () => {
    const t = formatInboxTable(items, 200, 'created', now);
    expect(t.header).toMatch(/^ID\s+TYPE\s+STATUS\s+WAITING\s+DUE\s+PRIO\s+AGENT\s+DEPT\s+TAGS\s+CONTACT\s+CREATED\s+TITLE/);
    expect(t.rows[0]).toMatch(/T1\s+ticket\s+open\s+5h 05m\s+1h 05m over\s+normal\s+Sara\s+billing\s+vip,refund\s+ann@example.com/);
    expect(t.rows[3]).toMatch(/T4\s+ticket\s+open\s+-\s+-\s+normal\s+-\s+-\s+-\s+ann/);
    for (const line of [t.header, ...t.rows]) expect([...line]).toHaveLength(200);
    // A due listing (the breached and at-risk piles) shows when each item was created.
    expect(formatInboxTable(items, 200, 'due', now).header).toMatch(/CONTACT\s+CREATED\s+TITLE/);
  });
});
