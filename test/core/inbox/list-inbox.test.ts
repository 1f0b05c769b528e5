import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertAgent } from '../../../core/directory/agents.ts';
import { resolveLabel } from '../../../core/directory/labels.ts';
import { ValidationError } from '../../../core/errors.ts';
import { listInbox, type InboxQuery, type InboxSort, type SortOrder } from '../../../core/inbox/list-inbox.ts';
import { moveToTrash } from '../../../core/inbox/trash.ts';
import { base, day, makeItem, makeProperty, touch, type ItemSpec, type MadeItem } from '../../support/inbox-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

// Every filter and sort of the inbox, checked against an oracle: a plain JS filter and sort
// over the specs the items were made from. Pages are small so that every listing crosses
// several cursors, including ties on the sort key between conversations and tickets.

let t: TestDatabase;
let propertyId: string;
let agents: string[];
let departments: string[];
let tags: string[];
const items: (ItemSpec & MadeItem)[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  const property = await makeProperty(t.db, 'shop');
  propertyId = property.id;
  agents = [
    (await upsertAgent(t.db, propertyId, { email: 'ann@shop.example', name: 'Ann' })).id,
    (await upsertAgent(t.db, propertyId, { email: 'bob@shop.example', name: 'Bob' })).id,
  ];
  departments = [
    (await resolveLabel(t.db, 'departments', propertyId, 'Sales', { create: true })).id,
    (await resolveLabel(t.db, 'departments', propertyId, 'Billing', { create: true })).id,
  ];
  tags = [
    (await resolveLabel(t.db, 'tags', propertyId, 'vip', { create: true })).id,
    (await resolveLabel(t.db, 'tags', propertyId, 'refund', { create: true })).id,
  ];
  for (let i = 0; i < 30; i++) {
    const kind = i % 3 === 0 ? 'ticket' : 'conversation';
    const status =
      kind === 'ticket' ? (['open', 'pending', 'closed'] as const)[i % 3 === 0 ? (i / 3) % 3 : 0] : i % 4 < 2 ? 'open' : 'closed';
    const agentId = i % 3 === 1 ? null : agents[i % 2]!;
    const spec: ItemSpec = {
      kind,
      created: Math.floor(i / 2), // pairs share a creation time, often across kinds
      updated: Math.floor(i / 2) + ((i * 7) % 5),
      statusChanged: Math.floor(i / 2) + (i % 3),
      status,
      missed: kind === 'conversation' && status === 'open' && agentId === null,
      priority: (i * 5) % 4,
      agentId,
      departmentId: i % 4 === 0 ? departments[0]! : i % 4 === 1 ? departments[1]! : null,
      tagIds: i % 5 === 0 ? [tags[0]!] : i % 5 === 1 ? [tags[0]!, tags[1]!] : [],
      contact: { email: `visitor${i}@example.com`, name: `Visitor ${i}` },
    };
    items.push({ ...spec, ...(await makeItem(t.db, propertyId, spec)) });
  }
  // Another property with look-alike items: never listed in the first one.
  const other = await makeProperty(t.db, 'other');
  for (let i = 0; i < 6; i++) await makeItem(t.db, other.id, { kind: i % 2 ? 'ticket' : 'conversation', created: i, status: 'open' });
});

afterAll(async () => {
  await t?.drop();
});

const sortField: Record<InboxSort, (s: ItemSpec) => number> = {
  created: (s) => s.created,
  updated: (s) => s.updated ?? s.created,
  status_changed: (s) => s.statusChanged ?? s.created,
  priority: (s) => s.priority ?? 1,
  // Not walked by this file's exhaustive comparisons (no targets here): test/responses covers it.
  due: () => 0,
};

/** The oracle's order: sort key, then conversations before tickets, then id; reversed for desc. */
function expectedOrder(list: (ItemSpec & MadeItem)[], sort: InboxSort, order: SortOrder): string[] {
  const sorted = [...list].sort(
    (a, b) =>
      sortField[sort](a) - sortField[sort](b) ||
      (a.kind === b.kind ? 0 : a.kind === 'conversation' ? -1 : 1) ||
      Number(a.id) - Number(b.id),
  );
  return (order === 'desc' ? sorted.reverse() : sorted).map((i) => i.ref);
}

/** Follows cursors to the end; returns every ref in order. */
async function allPages(query: InboxQuery, limit = 4): Promise<string[]> {
  const refs: string[] = [];
  let cursor = query.cursor;
  for (let pages = 0; pages < 100; pages++) {
    const page = await listInbox(t.db, propertyId, { ...query, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    refs.push(...page.items.map((i) => i.ref));
    if (!page.nextCursor) return refs;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

const filters: [string, InboxQuery, (s: ItemSpec) => boolean][] = [
  ['everything', {}, () => true],
  ['conversations only', { show: 'conversations' }, (s) => s.kind === 'conversation'],
  ['tickets only', { show: 'tickets' }, (s) => s.kind === 'ticket'],
  ['open', { status: 'open' }, (s) => s.status === 'open'],
  ['closed', { status: 'closed' }, (s) => s.status === 'closed'],
  ['pending', { status: 'pending' }, (s) => s.status === 'pending'],
  ['all statuses', { status: 'all' }, () => true],
  ['assigned', { agent: 'assigned' }, (s) => s.agentId !== null],
  ['unassigned', { agent: 'unassigned' }, (s) => s.agentId === null],
  ['open and unassigned', { status: 'open', agent: 'unassigned' }, (s) => s.status === 'open' && s.agentId === null],
  ['missed', { missed: true }, (s) => s.missed === true],
];

describe('listInbox filters and sorts', () => {
  const sorts: InboxSort[] = ['created', 'updated', 'status_changed', 'priority'];
  for (const [name, query, keep] of filters) {
    for (const sort of sorts) {
      for (const order of ['desc', 'asc'] as const) {
        it(`${name}, by ${sort} ${order}`, async () => {
          const expected = expectedOrder(items.filter(keep), sort, order);
          expect(expected.length).toBeGreaterThan(0);
          expect(await allPages({ ...query, sort, order })).toEqual(expected);
        });
      }
    }
  }

  it('filters by a given agent, department and tag', async () => {
    expect(await allPages({ agent: { id: agents[1]! } })).toEqual(
      expectedOrder(
        items.filter((s) => s.agentId === agents[1]),
        'created',
        'desc',
      ),
    );
    expect(await allPages({ departmentId: departments[1]! })).toEqual(
      expectedOrder(
        items.filter((s) => s.departmentId === departments[1]),
        'created',
        'desc',
      ),
    );
    expect(await allPages({ tagId: tags[1]! })).toEqual(
      expectedOrder(
        items.filter((s) => s.tagIds?.includes(tags[1]!)),
        'created',
        'desc',
      ),
    );
    expect(await allPages({ tagId: tags[0]!, status: 'open', sort: 'priority' })).toEqual(
      expectedOrder(
        items.filter((s) => s.tagIds?.includes(tags[0]!) && s.status === 'open'),
        'priority',
        'desc',
      ),
    );
  });

  it('filters by a created-date range: from inclusive, to exclusive', async () => {
    const from = new Date(base + 3 * day);
    const to = new Date(base + 7 * day);
    const expected = expectedOrder(
      items.filter((s) => s.created >= 3 && s.created < 7),
      'updated',
      'asc',
    );
    expect(expected.length).toBe(8);
    expect(await allPages({ createdFrom: from, createdTo: to, sort: 'updated', order: 'asc' })).toEqual(expected);
  });

  it('shows nothing of another property', async () => {
    const refs = await allPages({}, 100);
    expect(refs.sort()).toEqual(items.map((i) => i.ref).sort());
  });

  it('a due or waiting listing of pending or closed items is empty: clocks run only while an item is open', async () => {
    // A due time and a wait stored on every item, open or not (core never leaves one on a
    // pending or closed item; here they are written directly): only the open ones are listed,
    // and a pending or closed status with a due sort, a due filter or a waiting filter lists
    // nothing without asking Postgres to walk every running clock.
    const stamp = sql`timestamptz '2026-01-01' + (id % 7) * interval '1 hour'`;
    try {
      for (const table of ['conversations', 'tickets'] as const) {
        await sql`UPDATE ${sql.table(table)} SET due_at = ${stamp}, at_risk_at = ${stamp}, waiting_since = ${stamp} WHERE property_id = ${propertyId}`.execute(
          t.db,
        );
      }
      const open = items
        .filter((s) => s.status === 'open')
        .map((i) => i.ref)
        .sort();
      expect(open.length).toBeGreaterThan(0);
      expect((await allPages({ status: 'open', sort: 'due', order: 'asc' })).sort()).toEqual(open);
      expect((await allPages({ status: 'open', due: 'breached' })).sort()).toEqual(open);
      for (const status of ['pending', 'closed'] as const) {
        expect(items.some((s) => s.status === status)).toBe(true);
        for (const sort of ['due', 'created'] as const) {
          expect(await allPages({ status, sort })).toEqual(
            sort === 'due'
              ? []
              : expectedOrder(
                  items.filter((s) => s.status === status),
                  'created',
                  'desc',
                ),
          );
        }
        expect(await allPages({ status, due: 'breached' })).toEqual([]);
        expect(await allPages({ status, due: { before: new Date() } })).toEqual([]);
        expect(await allPages({ status, waitingSince: new Date() })).toEqual([]);
      }
    } finally {
      for (const table of ['conversations', 'tickets'] as const) {
        await sql`UPDATE ${sql.table(table)} SET due_at = NULL, at_risk_at = NULL, waiting_since = NULL WHERE property_id = ${propertyId}`.execute(
          t.db,
        );
      }
    }
  });

  it('refuses bad input with a clear error', async () => {
    await expect(listInbox(t.db, propertyId, { cursor: 'not-a-cursor' })).rejects.toThrow(ValidationError);
    const page = await listInbox(t.db, propertyId, { limit: 2 });
    await expect(listInbox(t.db, propertyId, { cursor: page.nextCursor!, sort: 'priority' })).rejects.toThrow(/different sort/);
    await expect(listInbox(t.db, propertyId, { limit: 0 })).rejects.toThrow(/page size/);
    await expect(listInbox(t.db, propertyId, { sort: 'name' as InboxSort })).rejects.toThrow(/unknown sort/);
    await expect(listInbox(t.db, propertyId, { text: '  ?! ' + '.' })).rejects.toThrow(/no letters or digits/);
  });
});

describe('free text', () => {
  let textDb: TestDatabase;
  let pid: string;
  beforeAll(async () => {
    textDb = await createTestDatabase();
    pid = (await makeProperty(textDb.db, 'text')).id;
    await makeItem(textDb.db, pid, {
      kind: 'ticket',
      created: 1,
      subject: 'Refund for order 4512',
      contact: { email: 'mario.rossi@example.it', name: 'Mario Rossi' },
    });
    await makeItem(textDb.db, pid, {
      kind: 'conversation',
      created: 2,
      body: 'Il pacco è arrivato danneggiato',
      contact: { email: 'giulia@example.org', name: 'Giulia Verdi' },
    });
    await makeItem(textDb.db, pid, {
      kind: 'ticket',
      created: 3,
      subject: 'Invoice copy',
      body: 'Please send the PDF invoice again',
      contact: { email: 'li@example.net', name: 'Li Wei' },
    });
  });
  afterAll(async () => {
    await textDb?.drop();
  });
  const search = async (text: string) => (await listInbox(textDb.db, pid, { text })).items.map((i) => i.title);

  it('matches the subject, message bodies, contact name and email, by word prefix, any case', async () => {
    expect(await search('refund')).toEqual(['Refund for order 4512']);
    expect(await search('4512')).toEqual(['Refund for order 4512']);
    expect(await search('DANNEGG')).toEqual(['Il pacco è arrivato danneggiato']);
    expect(await search('pdf invoice')).toEqual(['Invoice copy']);
    expect(await search('Mario')).toEqual(['Refund for order 4512']);
    expect(await search('mario.rossi@example.it')).toEqual(['Refund for order 4512']);
    expect(await search('example')).toHaveLength(3);
    expect(await search('verdi arrivato')).toEqual(['Il pacco è arrivato danneggiato']);
    expect(await search('nothing-like-this')).toEqual([]);
  });
});

describe('keyset cursors while rows change', () => {
  it('continues after the last row seen: new and moved rows never shift or repeat the unchanged ones', async () => {
    const query: InboxQuery = { sort: 'updated', order: 'desc', limit: 6 };
    const before = await allPages(query, 100);
    const first = await listInbox(t.db, propertyId, query);
    const seen = first.items.map((i) => i.ref);
    const lastSeen = seen[seen.length - 1]!;
    const unseen = before.slice(seen.length);

    // Meanwhile: a new item arrives on top, an unseen item is updated (moves to the top), a
    // seen one goes stale (its update time back to its creation: below the cursor), and an
    // unseen one goes to the trash.
    const fresh = await makeItem(t.db, propertyId, { kind: 'conversation', created: 400, updated: 400 });
    const bumped = items.find((i) => i.ref === unseen[2])!;
    const staled = items.find((i) => i.ref === seen[1])!;
    const trashed = unseen[4]!;
    await touch(t.db, bumped, 500);
    await touch(t.db, staled, staled.created);
    await moveToTrash(t.db, propertyId, trashed);

    const rest = await allPages({ ...query, cursor: first.nextCursor! }, 6);
    const after = await allPages(query, 100);
    // The rest is exactly what now follows the last row seen, in the new order...
    expect(rest).toEqual(after.slice(after.indexOf(lastSeen) + 1));
    // ...so every unchanged unseen row comes once, in its order; the moved-up and trashed do not.
    expect(rest.filter((r) => r !== staled.ref)).toEqual(unseen.filter((r) => r !== bumped.ref && r !== trashed));
    expect(rest).not.toContain(fresh.ref);
    expect(rest.filter((r) => r === staled.ref)).toHaveLength(1);
  });
});
