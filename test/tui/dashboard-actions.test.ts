import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Property } from '../../core/db/schema.ts';
import { seedDemo } from '../../core/demo/seed-demo.ts';
import { closeItem } from '../../core/inbox/item-actions.ts';
import type { Dashboard } from '../../tui/dashboard.ts';
import { BullJobQueue } from '../../queue/bullmq-job-queue.ts';
import { createRedis, type RedisConnection } from '../../queue/redis-connection.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';
import { fakeTerminal, screenShows, screenText, type FakeTerminal } from './fake-terminal.ts';
import { startOnTerminal } from './dashboard-fixture.ts';

// Item actions, the trash tab and the reply editor on the real screen over fake TTY streams,
// against the demo inbox in a real Postgres and a job queue on a real Redis (own prefix).

let t: TestDatabase;
let redis: RedisConnection;
let jobs: BullJobQueue;
let property: Property;
let prefix: string;

beforeAll(async () => {
  t = await createTestDatabase();
  property = (await seedDemo(t.db)).property;
  prefix = `tui-actions-${t.name}`;
  redis = createRedis(inject('redisUrl'), 'producer');
  jobs = new BullJobQueue(redis, prefix);
});
afterAll(async () => {
  await jobs
    ?.queue('mail-outbound')
    .obliterate({ force: true })
    .catch(() => {});
  await jobs?.close();
  redis?.disconnect();
  await t?.drop();
});

function start(term: FakeTerminal): Dashboard {
  return startOnTerminal(term, { db: t.db, redis, queuePrefix: prefix, property, jobs });
}

/** The refs of the list's rows as rendered (the status bar, last, may start with a ref too). */
const rowRefs = (text: string) =>
  text
    .split('\n')
    .slice(0, -1)
    .filter((l) => /^[CT]\d+ /.test(l))
    .map((l) => l.split(' ')[0]);

/** Pages and moves until `ref` is selected in the inbox list. */
async function select(d: Dashboard, term: FakeTerminal, ref: string): Promise<void> {
  const index = await waitFor(async () => {
    const s = d.state().inbox;
    if (s.loadedSeq !== s.loadSeq) return undefined;
    const i = s.items.findIndex((x) => x.ref === ref);
    if (i >= 0) return i;
    if (s.nextCursor) term.press('n');
    return undefined;
  }, `${ref} in the list`);
  term.press('j'.repeat(index));
  await waitFor(async () => d.state().inbox.items[d.state().inbox.selected]?.ref === ref, `${ref} selected`);
}

describe('dashboard actions', () => {
  it('moves an item to the trash after y, shows it in the trash tab, and restores it', async () => {
    const term = fakeTerminal(100, 30);
    const d = start(term);
    try {
      let text = await screenShows(d, 'the inbox', (s) => rowRefs(s).length > 3);
      const ref = rowRefs(text)[0]!;
      term.press('d');
      text = await screenShows(d, 'the confirmation', (s) => s.includes(`Move ${ref} to the trash?`));
      term.press('n'); // no: nothing changes
      await screenShows(d, 'nothing changed', (s) => s.includes('nothing changed') && !s.includes('to the trash?'));
      expect(rowRefs(screenText(d.screen))[0]).toBe(ref);
      term.press('d');
      await screenShows(d, 'the confirmation again', (s) => s.includes(`Move ${ref} to the trash?`));
      term.press('y');
      text = await screenShows(d, 'the item gone', (s) => s.includes(`${ref} moved to the trash`) && !rowRefs(s).includes(ref));
      const trashed = await t.db
        .selectFrom(ref.startsWith('C') ? 'conversations' : 'tickets')
        .select('trashed_at')
        .where(ref.startsWith('C') ? 'id' : 'number', '=', ref.slice(1) as never)
        .executeTakeFirstOrThrow();
      expect(trashed.trashed_at).not.toBeNull();

      term.press('3');
      text = await screenShows(d, 'the trash tab', (s) => s.includes('3 Trash') && rowRefs(s).includes(ref));
      expect(text).toMatch(/1 item, last trashed first/);
      term.press('R');
      await screenShows(d, 'the trash empty', (s) => s.includes(`${ref} restored`) && s.includes('the trash is empty'));
      term.press('1');
      await screenShows(d, 'the item back', (s) => rowRefs(s)[0] === ref);
    } finally {
      await d.quit();
    }
  });

  it('deletes permanently from the trash only after a confirmation that says it cannot be undone', async () => {
    const term = fakeTerminal(80, 24);
    const d = start(term);
    try {
      let text = await screenShows(d, 'the inbox', (s) => rowRefs(s).length > 3);
      const ref = rowRefs(text)[1]!;
      term.press('j');
      await waitFor(async () => d.state().inbox.selected === 1, 'the selection');
      term.press('d');
      await screenShows(d, 'the confirmation', (s) => s.includes(`Move ${ref} to the trash?`));
      term.press('y');
      await screenShows(d, 'the item gone', (s) => !rowRefs(s).includes(ref) && s.includes('moved to the trash'));
      term.press('3');
      await screenShows(d, 'the trash tab', (s) => rowRefs(s).includes(ref));
      term.press('D');
      text = await screenShows(d, 'the warning', (s) => s.includes('cannot be undone'));
      expect(text).toContain(`Delete ${ref}`);
      term.press('y');
      await screenShows(d, 'deleted', (s) => s.includes(`${ref} deleted permanently`) && s.includes('the trash is empty'));
    } finally {
      await d.quit();
    }
  });

  it('sends a reply typed in the editor: an agent message and an agent_reply outbox row; N adds an internal note, not emailed', async () => {
    const ticket = await t.db
      .selectFrom('tickets')
      .innerJoin('contacts', 'contacts.id', 'tickets.contact_id')
      .select(['tickets.id', 'tickets.number', 'contacts.email'])
      .where('tickets.property_id', '=', property.id)
      .where('tickets.trashed_at', 'is', null)
      .where('contacts.email', 'is not', null)
      .orderBy('tickets.number', 'desc')
      .executeTakeFirstOrThrow();
    const ref = `T${ticket.number}`;
    const term = fakeTerminal(100, 30);
    const d = start(term);
    try {
      await screenShows(d, 'the inbox', (s) => rowRefs(s).length > 3);
      await select(d, term, ref);
      term.press('\r');
      await screenShows(d, 'the ticket', (s) => s.includes(`${ref}  `) && s.includes('contact '));
      term.press('r');
      await screenShows(d, 'the editor', (s) => s.includes(`Reply to ${ref}`));
      await new Promise((r) => setTimeout(r, 20)); // the textarea starts reading on the next tick
      term.press('Thanks for waiting,\ryour refund is on its way.'); // enter as a terminal sends it
      await screenShows(d, 'the text typed', (s) => s.includes('your refund is on its way.'));
      term.press('\x13'); // ctrl-s
      await screenShows(
        d,
        'sent',
        (s) => s.includes(`reply to ${ref} queued for ${ticket.email}`) && !s.includes(`Reply to ${ref} by email`),
      );
      const outbox = await t.db
        .selectFrom('outbox_emails')
        .selectAll()
        .where('ticket_id', '=', ticket.id)
        .where('kind', '=', 'agent_reply')
        .execute();
      expect(outbox).toHaveLength(1);
      expect(outbox[0]!.to_address).toBe(ticket.email);
      const message = await t.db
        .selectFrom('messages')
        .selectAll()
        .where('ticket_id', '=', ticket.id)
        .where('outbox_email_id', '=', outbox[0]!.id)
        .executeTakeFirstOrThrow();
      expect(message.sender).toBe('agent');
      expect(message.body).toBe('Thanks for waiting,\nyour refund is on its way.');
      // The thread shows the reply once the detail reloads.
      await screenShows(d, 'the reply in the thread', (s) => s.includes('>  agent') && s.includes('your refund is on its way.'));
      expect(await jobs.queue('mail-outbound').getJobCounts('waiting', 'delayed', 'prioritized')).toSatisfy(
        (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0) === 1,
      );
      // N: an internal note, shown in the thread as one, not emailed.
      term.press('N');
      await screenShows(d, 'the note prompt', (s) => s.includes(`Internal note on ${ref}`));
      term.press('Checked with the warehouse\r');
      await screenShows(
        d,
        'the note in the thread',
        (s) => s.includes(`internal note added to ${ref}`) && s.includes('%% NOTE (internal)') && s.includes('Checked with the warehouse'),
      );
      expect(
        await t.db
          .selectFrom('messages')
          .select('sender')
          .where('ticket_id', '=', ticket.id)
          .where('body', '=', 'Checked with the warehouse')
          .execute(),
      ).toEqual([{ sender: 'note' }]);
      expect(
        await t.db.selectFrom('outbox_emails').select('id').where('ticket_id', '=', ticket.id).where('kind', '=', 'agent_reply').execute(),
      ).toHaveLength(1);
      // esc discards an editor without sending.
      term.press('r');
      await screenShows(d, 'the editor', (s) => s.includes(`Reply to ${ref}`));
      await new Promise((r) => setTimeout(r, 20));
      term.press('never mind');
      term.press('\x1b');
      await screenShows(d, 'discarded', (s) => s.includes('reply discarded') && !s.includes('never mind'));
      expect(await t.db.selectFrom('outbox_emails').select('id').where('ticket_id', '=', ticket.id).execute()).toHaveLength(1);
    } finally {
      await d.quit();
    }
  });

  it('shows an action error in the message bar and keeps working', async () => {
    const term = fakeTerminal(80, 24);
    const d = start(term);
    try {
      term.press('s'); // open items
      const text = await screenShows(
        d,
        'open items',
        (s) => s.includes('status:open') && rowRefs(s).length > 0 && d.state().inbox.loadedSeq === d.state().inbox.loadSeq,
      );
      const ref = rowRefs(text)[0]!;
      // Closed behind the dashboard's back: the list still shows it open.
      await closeItem(t.db, property.id, ref);
      term.press('c');
      await screenShows(d, 'the error', (s) => s.includes(`${ref} is already closed`));
      term.press('j'); // the next key clears the message and still works
      await screenShows(d, 'the status bar again', (s) => !s.includes('already closed') && s.includes('status:open'));
      expect(d.state().inbox.selected).toBe(1);
      // A prompt: tag the second item.
      const second = d.state().inbox.items[1]!.ref;
      term.press('t');
      await screenShows(d, 'the tag prompt', (s) => s.includes(`Add a tag to ${second}`));
      term.press('vip\r');
      await screenShows(d, 'tagged', (s) => s.includes(`${second} tagged vip`));
      const tagged = d.state().inbox.items.find((i) => i.ref === second);
      await waitFor(
        async () =>
          d
            .state()
            .inbox.items.find((i) => i.ref === second)
            ?.tags.includes('vip'),
        'the tag in the list',
      );
      expect(tagged).toBeDefined();
    } finally {
      await d.quit();
    }
  });
  it('shows a contact history at 80×24, opens an item from it and comes back', async () => {
    const term = fakeTerminal(80, 24);
    const d = start(term);
    try {
      term.press('\t\t'); // tickets: every one has a contact with an email
      const text = await screenShows(
        d,
        'the tickets',
        (s) => d.state().inbox.filters.view === 'tickets' && rowRefs(s).length > 0 && d.state().inbox.loadedSeq === d.state().inbox.loadSeq,
      );
      const ticket = d.state().inbox.items[0]!;
      expect(rowRefs(text)[0]).toBe(ticket.ref);
      term.press('h');
      const history = await screenShows(
        d,
        'the history',
        (s) => s.includes(`History of ${ticket.contact.email}`) && rowRefs(s).includes(ticket.ref),
      );
      const refs = rowRefs(history);
      expect(history.split('\n')).toHaveLength(24);
      // Oldest first: open the first one, then come back to the history and to the list.
      term.press('\r');
      await screenShows(d, 'the item', (s) => s.includes(`${refs[0]}  `) && s.includes('contact '));
      term.press('\x1b');
      await screenShows(d, 'the history again', (s) => s.includes(`History of ${ticket.contact.email}`));
      term.press('\x1b');
      await screenShows(d, 'the list again', (s) => rowRefs(s).includes(ticket.ref) && !s.includes('History of'));
      // The whole key map fits 80×24.
      term.press('?');
      const help = await screenShows(d, 'the help', (s) => s.includes('Keys (any key closes)'));
      for (const line of [
        'confirm / cancel (dialogs)',
        'pile: unassigned / missed',
        'restore / delete for good',
        'reply by email / note',
        'open the item',
        "the contact's history",
      ])
        expect(help).toContain(line);
    } finally {
      await d.quit();
    }
  });

  it('without a job queue, converting says so and changes nothing', async () => {
    const term = fakeTerminal(80, 24);
    const d = startOnTerminal(term, { db: t.db, redis, queuePrefix: prefix, property });
    try {
      term.press('\t'); // conversations
      await screenShows(
        d,
        'the conversations',
        (s) =>
          d.state().inbox.filters.view === 'conversations' &&
          rowRefs(s).length > 0 &&
          d.state().inbox.loadedSeq === d.state().inbox.loadSeq,
      );
      const tickets = async () => (await t.db.selectFrom('tickets').select('id').execute()).length;
      const before = await tickets();
      term.press('C');
      await screenShows(d, 'the error', (s) => s.includes('no job queue'));
      expect(await tickets()).toBe(before);
    } finally {
      await d.quit();
    }
  });
});
