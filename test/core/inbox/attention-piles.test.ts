import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertContact } from '../../../core/contacts/contacts.ts';
import { createConversation } from '../../../core/conversations/conversation-store.ts';
import { attentionPiles, pileQueries } from '../../../core/inbox/attention-piles.ts';
import { markPending } from '../../../core/inbox/item-actions.ts';
import { listInbox } from '../../../core/inbox/list-inbox.ts';
import { appendMessage } from '../../../core/messages/append-message.ts';
import { setResponseTargets } from '../../../core/responses/response-settings.ts';
import { noTargets } from '../../../core/responses/response-targets.ts';
import { createTicket } from '../../../core/tickets/ticket-store.ts';
import { makeProperty } from '../../support/inbox-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

// The piles of the attention bar on a real Postgres: exact counts, the oldest wait of each,
// the estimate past the cap, and the inbox query that lists each pile.

const H = 3_600_000;
let t: TestDatabase;
let pid: string;

beforeAll(async () => {
  t = await createTestDatabase();
  pid = (await makeProperty(t.db, 'piles')).id;
  await setResponseTargets(t.db, pid, { ...noTargets, base: { first: 10 * H } });
  // Tickets whose visitors wrote 11, 9 and 2 hours ago: breached, at risk, neither.
  for (const hoursAgo of [11, 9, 2]) {
    const at = new Date(Date.now() - hoursAgo * H);
    const contact = await upsertContact(t.db, pid, { email: `v${hoursAgo}@example.com` });
    const ticket = await createTicket(t.db, { propertyId: pid, subject: `${hoursAgo}h`, contact, createdAt: at });
    await appendMessage(t.db, { propertyId: pid, target: { ticketId: ticket.id }, sender: 'visitor', body: 'Help', createdAt: at });
  }
  const quiet = await upsertContact(t.db, pid, { email: 'pending@example.com' });
  const pending = await createTicket(t.db, { propertyId: pid, subject: 'pending', contact: quiet });
  await markPending(t.db, pid, `T${pending.number}`);
  const missed = await createConversation(t.db, {
    propertyId: pid,
    kind: 'chat',
    visitor: { name: 'Mo', email: 'mo@example.com' },
    createdAt: new Date(Date.now() - 3 * H),
  });
  await t.db.updateTable('conversations').set({ missed: true, ended_at: new Date() }).where('id', '=', missed.id).execute();
  // A missed chat without an email: unassigned, but nobody can write back, so not in the missed pile.
  const anonymous = await createConversation(t.db, {
    propertyId: pid,
    kind: 'chat',
    visitor: { name: 'Anon' },
    createdAt: new Date(Date.now() - 1 * H),
  });
  await t.db.updateTable('conversations').set({ missed: true, ended_at: new Date() }).where('id', '=', anonymous.id).execute();
  await setResponseTargets(t.db, pid, { ...noTargets, base: { first: 10 * H } }); // the clocks of all of them
});
afterAll(async () => {
  await t?.drop();
});

describe('attention piles', () => {
  it('counts each pile exactly, with its oldest wait, and each pile query lists the same items', async () => {
    const piles = Object.fromEntries((await attentionPiles(t.db, pid)).map((p) => [p.name, p]));
    // Three tickets and the two missed chats (the pending ticket is not open).
    expect(piles.unassigned).toMatchObject({ count: 5, estimate: false });
    expect(piles.missed).toMatchObject({ count: 1, estimate: false });
    expect(piles.breached).toMatchObject({ count: 1 });
    expect(piles.atRisk).toMatchObject({ count: 1 });
    expect(piles.pending).toMatchObject({ count: 1 });
    expect(Date.now() - piles.unassigned!.oldestSince!.getTime()).toBeGreaterThanOrEqual(11 * H);
    expect(Date.now() - piles.breached!.oldestSince!.getTime()).toBeGreaterThanOrEqual(11 * H);
    expect(Date.now() - piles.atRisk!.oldestSince!.getTime()).toBeGreaterThanOrEqual(9 * H);
    expect(Date.now() - piles.missed!.oldestSince!.getTime()).toBeGreaterThanOrEqual(3 * H);
    for (const pile of Object.values(piles)) {
      const listed = await listInbox(t.db, pid, { ...pileQueries[pile!.name], limit: 500 });
      expect(listed.items.length, pile!.name).toBe(pile!.count);
    }
  });

  it('past the cap, the count is an estimate and says so', async () => {
    const piles = Object.fromEntries((await attentionPiles(t.db, pid, { cap: 2 })).map((p) => [p.name, p]));
    expect(piles.unassigned!.estimate).toBe(true);
    expect(piles.unassigned!.count).toBeGreaterThan(2);
    expect(piles.breached).toMatchObject({ count: 1, estimate: false });
  });
});
