import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '../../core/db/schema.ts';
import { createProperty } from '../../core/properties/property-store.ts';
import type { Dashboard } from '../../tui/dashboard.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';
import { fakeTerminal, screenShows, screenText, type FakeTerminal } from './fake-terminal.ts';
import { closeDemoDashboard, dashboardRedis, openDemoDashboard, startOnTerminal } from './dashboard-fixture.ts';

// Filters by name, the property switcher, the mouse and Redis recovery on the real screen over
// fake TTY streams, against the demo inbox in a real Postgres and a real Redis.

let t: TestDatabase;
let redis: Redis;
let property: Property;

beforeAll(async () => {
  ({ t, property, redis } = await openDemoDashboard());
});
afterAll(() => closeDemoDashboard(t, redis));

function start(term: FakeTerminal, connection: Redis = redis): Dashboard {
  return startOnTerminal(term, { db: t.db, redis: connection, queuePrefix: `tui-more-${t.name}`, property });
}

const settled = (d: Dashboard) => d.state().inbox.loadedSeq === d.state().inbox.loadSeq;
const statusBar = (text: string) => text.split('\n').at(-1) ?? '';

describe('dashboard filters, property switcher, mouse', () => {
  it('filters by an agent typed into the prompt, says so for an unknown tag, and clears with F', async () => {
    const term = fakeTerminal(80, 24);
    const d = start(term);
    try {
      await screenShows(d, 'the inbox', () => settled(d) && d.state().inbox.items.length > 3);
      // An agent that has items in the demo inbox.
      term.press('aa'); // assigned
      await waitFor(
        async () => d.state().inbox.filters.agent === 'assigned' && settled(d) && d.state().inbox.items.length > 0,
        'assigned items',
      );
      const agent = d.state().inbox.items[0]!.agent!;
      term.press('f');
      await screenShows(d, 'the filter prompt', (s) => s.includes('filter the inbox') && s.includes('Agent (email or name'));
      term.press('\x15'); // ctrl-u: the prompt holds the current value ("assigned")
      term.press(`${agent.name}\r`);
      let text = await screenShows(
        d,
        'filtered by the agent',
        (s) => settled(d) && typeof d.state().inbox.filters.agent === 'object' && statusBar(s).includes(`@${agent.name}`),
      );
      expect(d.state().inbox.items.length).toBeGreaterThan(0);
      expect(d.state().inbox.items.every((i) => i.agent?.id === agent.id)).toBe(true);
      expect(text.split('\n')).toHaveLength(24);
      // An unknown tag: the message bar, no crash, the filters stay.
      term.press('f\t\tno-such-tag\r');
      text = await screenShows(d, 'the unknown tag', (s) => /no tag "no-such-tag"/.test(s));
      expect(d.state().inbox.filters.tag ?? null).toBeNull();
      term.press('m'); // missed only: chats, and the status bar says so
      await screenShows(d, 'missed only', (s) => settled(d) && statusBar(s).includes('missed'));
      expect(d.state().inbox.items.every((i) => i.missed)).toBe(true);
      term.press('F');
      await screenShows(d, 'cleared', (s) => settled(d) && s.includes('filters cleared') && d.state().inbox.filters.agent === 'any');
    } finally {
      await d.quit();
    }
  });

  it('switches to another property with C-p: its (empty) inbox, its name in the header', async () => {
    const other = await createProperty(t.db, {
      slug: `other-${t.name}`
        .slice(0, 60)
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-'),
      name: 'Other shop',
    });
    const term = fakeTerminal(100, 30);
    const d = start(term);
    try {
      await screenShows(d, 'the demo inbox', (s) => settled(d) && /\bT\d+\b/.test(s) && s.includes('demo (C-p switch)'));
      const listed = () =>
        waitFor(
          async () =>
            d.state().overlay?.type === 'properties' &&
            d.state().overlay!.type === 'properties' &&
            (d.state().overlay as { items: unknown[] | null }).items !== null,
          'the properties',
        );
      term.press('\x10'); // ctrl-p
      await screenShows(d, 'the switcher', (s) => s.includes('switch property') && s.includes(other.slug));
      await listed();
      term.press('j\r');
      const text = await screenShows(
        d,
        'the other property',
        (s) => settled(d) && s.includes(`${other.slug} (C-p switch)`) && s.includes('nothing matches these filters'),
      );
      expect(text).not.toMatch(/^[CT]\d+ /m);
      expect(statusBar(text)).toContain(other.slug);
      await waitFor(
        async () => /unassigned 0 .*missed (with email )?0 .*breached 0 .*at risk 0 .*pending 0/.test(screenText(d.screen)),
        'the piles of the other property',
      );
      // And back.
      term.press('\x10');
      await screenShows(d, 'the switcher again', (s) => s.includes('switch property'));
      await listed();
      term.press('k\r');
      await screenShows(d, 'the demo inbox again', (s) => settled(d) && s.includes('demo (C-p switch)') && /^[CT]\d+ /m.test(s));
    } finally {
      await d.quit();
    }
  });

  it('folds the quoted part of an email in a ticket thread; z shows it', async () => {
    const ticket = await t.db
      .selectFrom('tickets')
      .select(['id', 'number'])
      .where('property_id', '=', property.id)
      .where('trashed_at', 'is', null)
      .orderBy('number', 'desc')
      .executeTakeFirstOrThrow();
    const body = [
      'Still broken, see below.',
      '',
      'On Mon, 2 Mar 2026 at 10:00, Support <help@shop.example> wrote:',
      '> Please try again',
      '> after clearing the cache.',
      '> Thanks',
    ].join('\n');
    await t.db
      .insertInto('messages')
      .values({
        property_id: property.id,
        ticket_id: ticket.id,
        conversation_id: null,
        sender: 'visitor',
        agent_id: null,
        author_name: null,
        body,
        external_id: null,
        inbound_email_id: null,
        outbox_email_id: null,
        created_at: new Date(Date.now() + 60_000),
      })
      .execute();
    const ref = `T${ticket.number}`;
    const term = fakeTerminal(100, 40);
    const d = start(term);
    try {
      await screenShows(d, 'the inbox', () => settled(d) && d.state().inbox.items.length > 0);
      term.press('\t\t'); // tickets, newest first: ours is the first
      await waitFor(
        async () => settled(d) && d.state().inbox.filters.view === 'tickets' && d.state().inbox.items[0]?.ref === ref,
        `${ref} first`,
      );
      term.press('\r');
      let text = await screenShows(
        d,
        'the thread folded',
        (s) => s.includes('Still broken, see below.') && s.includes('[… 4 quoted lines, z to show]'),
      );
      expect(text).not.toContain('after clearing the cache');
      term.press('z');
      text = await screenShows(d, 'the quote shown', (s) => s.includes('> after clearing the cache.') && s.includes('wrote:'));
      expect(text).not.toContain('quoted lines, z to show');
      term.press('z');
      await screenShows(d, 'folded again', (s) => s.includes('[… 4 quoted lines, z to show]'));
    } finally {
      await d.quit();
    }
  });

  it('selects a row with a click and opens it with a second click; the wheel moves', async () => {
    const term = fakeTerminal(100, 30);
    const d = start(term);
    try {
      await screenShows(d, 'the inbox', () => settled(d) && d.state().inbox.items.length > 4);
      // SGR mouse reports, 1-based: row 5 of the screen is the body's line 3, the list's third row.
      // A terminal sends the press and the release as two reports.
      const click = async (x: number, y: number) => {
        term.press(`\x1b[<0;${x};${y}M`);
        await new Promise((r) => setTimeout(r, 10));
        term.press(`\x1b[<0;${x};${y}m`);
      };
      await click(10, 5);
      await waitFor(async () => d.state().inbox.selected === 2, 'the clicked row selected');
      term.press(`\x1b[<65;10;5M`); // wheel down
      await waitFor(async () => d.state().inbox.selected === 3, 'the wheel');
      term.press('k'); // keys work as before
      await waitFor(async () => d.state().inbox.selected === 2, 'k');
      const ref = d.state().inbox.items[2]!.ref;
      await click(10, 5);
      await screenShows(d, 'the item open', (s) => d.state().inbox.mode === 'detail' && s.includes(`${ref}  `));
    } finally {
      await d.quit();
    }
  });
});

describe('recovery', () => {
  it('shows queue counts again once Redis is back, and queue context in the status bar', async () => {
    const lost = dashboardRedis();
    lost.on('error', () => {});
    await lost.connect();
    const term = fakeTerminal(80, 24);
    const d = start(term, lost);
    try {
      term.press('2');
      let text = await screenShows(d, 'the queues', (s) => s.includes('QUEUE') && s.includes('redis up'));
      // The whole queue summary fits 80 columns since the attention piles have a line of their own.
      expect(statusBar(text)).toMatch(/│ \d+ queues · wait \d+ act \d+ delay \d+ fail \d+/);
      expect(statusBar(text)).not.toContain('status:');
      lost.disconnect();
      await d.refresh();
      text = await screenShows(d, 'redis down', (s) => s.includes('redis down') && s.includes('counts above'));
      expect(statusBar(text)).toMatch(/│ stale w\d+ a\d+ d\d+ f\d+/);
      await lost.connect();
      await d.refresh();
      await d.refresh();
      text = await screenShows(d, 'counts again', (s) => s.includes('redis up') && s.includes('QUEUE') && !s.includes('counts above'));
      expect(d.state().queues.statsError).toBeNull();
      expect(statusBar(text)).not.toContain('stale');
    } finally {
      await d.quit();
      lost.disconnect();
    }
  });

  it('shows queue counts once Redis is back when it was already lost at start', async () => {
    // The queue objects are made on a connection that has ended: they are rebuilt once it is ready.
    const lost = dashboardRedis();
    lost.on('error', () => {});
    await lost.connect();
    lost.disconnect();
    const term = fakeTerminal(80, 24);
    const d = start(term, lost);
    try {
      term.press('2');
      await screenShows(
        d,
        'no counts',
        (s) => s.includes('redis down') && !s.includes('QUEUE') && statusBar(s).includes('queues: no counts'),
      );
      await lost.connect();
      await d.refresh();
      await d.refresh();
      const text = await screenShows(
        d,
        'the counts',
        (s) => s.includes('redis up') && s.includes('QUEUE') && /^chat-events\s+\d+/m.test(s),
      );
      expect(text.split('\n')).toHaveLength(24);
      expect(d.state().queues.statsError).toBeNull();
    } finally {
      await d.quit();
      lost.disconnect();
    }
  });
});
