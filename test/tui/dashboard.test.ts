import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '../../core/db/schema.ts';
import type { Dashboard } from '../../tui/dashboard.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';
import { fakeTerminal, screenShows, type FakeTerminal } from './fake-terminal.ts';
import { closeDemoDashboard, dashboardRedis, openDemoDashboard, startOnTerminal } from './dashboard-fixture.ts';

// The real blessed screen over fake TTY streams, on the demo inbox in a real Postgres and
// queue counts from a real Redis.

let t: TestDatabase;
let redis: Redis;
let property: Property;

beforeAll(async () => {
  ({ t, property, redis } = await openDemoDashboard());
});
afterAll(() => closeDemoDashboard(t, redis));

function start(term: FakeTerminal): Dashboard {
  return startOnTerminal(term, { db: t.db, redis, queuePrefix: `tui-test-${t.name}`, property });
}

/** Waits until the rendered screen satisfies `check`; returns its text. */
/** The distinct STATUS cells of the list's rows, e.g. "closed" or "closed,open". */
function statusesShown(text: string): string {
  const rows = text.split('\n').filter((l) => /^[CT]\d+ /.test(l));
  return [...new Set(rows.map((l) => l.split(/\s+/)[2]))].sort().join(',');
}

describe('the dashboard', () => {
  it('lists the demo inbox, filters by status with a key, opens an item, shows help and quits', async () => {
    const term = fakeTerminal(100, 30);
    const d = start(term);
    try {
      let text = await screenShows(
        d,
        'the demo inbox',
        (s) => /unassigned \d+ (\(?\d\S*\)? )?· missed \d+/.test(s) && /\bT\d+\b/.test(s) && /\bC\d+\b/.test(s),
      );
      expect(text).toContain(' 1 Inbox ');
      expect(text).toMatch(/ID\s+TYPE\s+STATUS/);
      expect(text).toMatch(/demo p1\+ │ both status:all agent:any created desc/);
      expect(text).toMatch(/^ID {5}TYPE {4}STATUS /m); // columns keep their padding
      expect(text).toContain('pg up');
      expect(text).toContain('redis up');
      const rows = text.split('\n').length;
      expect(rows).toBe(30);

      term.press('s'); // status: open
      text = await screenShows(d, 'open items only', (s) => s.includes('status:open') && statusesShown(s) === 'open');
      term.press('s'); // pending
      term.press('s'); // closed
      text = await screenShows(d, 'closed items only', (s) => s.includes('status:closed') && statusesShown(s) === 'closed');

      // Open the first closed item: its header and transcript replace the list.
      const first = d.state().inbox.items[0]!;
      term.press('\r');
      text = await screenShows(d, 'the item', (s) => s.includes(`${first.ref}  ${first.title.slice(0, 20)}`) && s.includes('<  visitor'));
      expect(text).toContain(`contact `);
      term.press('\x1b');
      await screenShows(d, 'the list again', (s) => /ID\s+TYPE\s+STATUS/.test(s));

      term.press('?');
      text = await screenShows(d, 'the help', (s) => s.includes('Keys (any key closes)'));
      expect(text).toContain('open the item');
      term.press('j');
      await screenShows(d, 'help closed', (s) => !s.includes('Keys (any key closes)'));

      term.press('q');
      await d.closed;
    } finally {
      await d.quit();
    }
  });

  it('marks trigger messages in a missed chat', async () => {
    const term = fakeTerminal(100, 30);
    const d = start(term);
    try {
      await screenShows(d, 'the inbox', (s) => /\bC\d+\b/.test(s));
      // Missed chats with no email stay open and unassigned; their transcript has the trigger.
      const { id } = await t.db
        .selectFrom('messages')
        .select('conversation_id as id')
        .where('sender', '=', 'trigger')
        .where('conversation_id', 'is not', null)
        .orderBy('conversation_id', 'desc')
        .executeTakeFirstOrThrow();
      term.press('/');
      await screenShows(d, 'the search prompt', (s) => s.includes('(enter search'));
      // Search by visitor would be fuzzy; page until the item is selected instead.
      term.press('\x1b');
      const ref = `C${id}`;
      const index = await waitFor(async () => {
        const i = d.state().inbox.items.findIndex((x) => x.ref === ref);
        if (i >= 0) return i;
        if (d.state().inbox.nextCursor && d.state().inbox.loadedSeq === d.state().inbox.loadSeq) term.press('n');
        return undefined;
      }, `${ref} in the list`);
      term.press('j'.repeat(index));
      await waitFor(async () => d.state().inbox.selected === index, 'the selection');
      term.press('\r');
      const text = await screenShows(d, 'the trigger mark', (s) => s.includes('** TRIGGER'));
      expect(text).toContain(ref);
    } finally {
      await d.quit();
    }
  });

  it('shows every queue on the Queues tab, with counts from Redis', async () => {
    const term = fakeTerminal(100, 30);
    const d = start(term);
    try {
      term.press('2');
      const text = await screenShows(d, 'the queues', (s) => s.includes('chat-events') && s.includes('maintenance'));
      expect(text).toMatch(/ 1 Inbox {3}2 Queues/);
      expect(text).toMatch(/QUEUE\s+WAITING\s+ACTIVE/);
      expect(text).toMatch(/mail-outbound\s+0\s+0\s+0\s+0\s+0\s+0\s+running/);
    } finally {
      await d.quit();
    }
  });
});

describe('the dashboard without Redis', () => {
  it('shows Redis down in the status bar, keeps the inbox, and clears it once Redis is back', async () => {
    // Disconnected with no offline queue: every Redis read fails at once, as when it is lost.
    const lost = dashboardRedis();
    lost.on('error', () => {});
    await lost.connect();
    lost.disconnect();
    const term = fakeTerminal(80, 24);
    const d = startOnTerminal(term, { db: t.db, redis: lost, queuePrefix: `tui-test-${t.name}`, property });
    try {
      let text = await screenShows(d, 'redis down', (s) => s.includes('redis down') && s.includes('pg up'));
      expect(text).toMatch(/\bT\d+\b/);
      term.press('2');
      // No counts were ever read: the queues tab shows the error instead of a table.
      text = await screenShows(d, 'the queues error', (s) => !s.includes('QUEUE') && /writeable|closed|Redis/.test(s));
      await lost.connect();
      await d.refresh();
      // The probe recovers with the connection; the queue objects are rebuilt once it is ready
      // (dashboard-filters-mouse-recovery.test.ts checks that the counts come back).
      text = await screenShows(d, 'redis up again', (s) => s.includes('redis up'));
      expect(text.split('\n')).toHaveLength(24);
    } finally {
      await d.quit();
      lost.disconnect();
    }
  });
});
