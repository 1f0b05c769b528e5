import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { upsertAgent } from '../../../core/directory/agents.ts';
import { InvalidStateError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import { addTag, assignItem, closeItem, markPending, removeTag, reopenItem, setPriority } from '../../../core/inbox/item-actions.ts';
import { showItem } from '../../../core/inbox/item-detail.ts';
import { moveToTrash } from '../../../core/inbox/trash.ts';
import { makeItem, makeProperty, type MadeItem } from '../../support/inbox-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

let t: TestDatabase;
let pid: string;
let otherPid: string;
let chat: MadeItem;
let ticket: MadeItem;

beforeAll(async () => {
  t = await createTestDatabase();
  pid = (await makeProperty(t.db, 'shop')).id;
  otherPid = (await makeProperty(t.db, 'other')).id;
  await upsertAgent(t.db, pid, { email: 'ann@shop.example', name: 'Ann' });
  await upsertAgent(t.db, otherPid, { email: 'eve@other.example', name: 'Eve' });
});
afterAll(async () => {
  await t?.drop();
});
beforeEach(async () => {
  chat = await makeItem(t.db, pid, { kind: 'conversation', created: 1, status: 'open', body: 'hello' });
  ticket = await makeItem(t.db, pid, { kind: 'ticket', created: 1, status: 'open', subject: 'Help' });
});

const item = async (ref: string) => (await showItem(t.db, pid, ref)).item;

describe('item actions', () => {
  it('assigns by email, name or id, and unassigns; the update time moves, the creation time does not', async () => {
    const before = await item(chat.ref);
    await assignItem(t.db, pid, chat.ref, 'ann@shop.example');
    const after = await item(chat.ref);
    expect(after.agent?.name).toBe('Ann');
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
    expect(after.createdAt).toEqual(before.createdAt);
    await assignItem(t.db, pid, ticket.ref, 'Ann');
    expect((await item(ticket.ref)).agent?.name).toBe('Ann');
    await assignItem(t.db, pid, ticket.ref, null);
    expect((await item(ticket.ref)).agent).toBeNull();
    await expect(assignItem(t.db, pid, ticket.ref, null)).rejects.toThrow(/not assigned/);
  });

  it("refuses another property's agent and unknown agents", async () => {
    await expect(assignItem(t.db, pid, chat.ref, 'eve@other.example')).rejects.toThrow(NotFoundError);
    await expect(assignItem(t.db, pid, chat.ref, 'nobody')).rejects.toThrow(/no agent "nobody"/);
  });

  it('closes and reopens, moving the status-change time, and refuses repeats', async () => {
    await closeItem(t.db, pid, chat.ref);
    const closed = await item(chat.ref);
    expect(closed.status).toBe('closed');
    expect(closed.statusChangedAt.getTime()).toBeGreaterThan(closed.createdAt.getTime());
    await expect(closeItem(t.db, pid, chat.ref)).rejects.toThrow(new InvalidStateError(`${chat.ref} is already closed`));
    await reopenItem(t.db, pid, chat.ref);
    expect((await item(chat.ref)).status).toBe('open');
    await expect(reopenItem(t.db, pid, chat.ref)).rejects.toThrow(/already open/);
  });

  it('marks tickets pending, never conversations', async () => {
    await markPending(t.db, pid, ticket.ref);
    expect((await item(ticket.ref)).status).toBe('pending');
    await reopenItem(t.db, pid, ticket.ref);
    expect((await item(ticket.ref)).status).toBe('open');
    await expect(markPending(t.db, pid, chat.ref)).rejects.toThrow(/only tickets/);
  });

  it('sets priority by name or number and refuses others', async () => {
    await setPriority(t.db, pid, chat.ref, 'urgent');
    expect((await item(chat.ref)).priority).toBe(3);
    await setPriority(t.db, pid, chat.ref, '0');
    expect((await item(chat.ref)).priority).toBe(0);
    await expect(setPriority(t.db, pid, chat.ref, 'asap')).rejects.toThrow(ValidationError);
  });

  it('adds tags (creating them) and removes them; repeats change nothing', async () => {
    await addTag(t.db, pid, ticket.ref, 'vip');
    await addTag(t.db, pid, ticket.ref, 'billing');
    await addTag(t.db, pid, ticket.ref, 'vip');
    expect((await item(ticket.ref)).tags).toEqual(['billing', 'vip']);
    await removeTag(t.db, pid, ticket.ref, 'vip');
    await removeTag(t.db, pid, ticket.ref, 'vip');
    expect((await item(ticket.ref)).tags).toEqual(['billing']);
    await expect(removeTag(t.db, pid, ticket.ref, 'never-made')).rejects.toThrow(NotFoundError);
  });

  it("treats unknown ids and another property's ids alike: not found", async () => {
    await expect(closeItem(t.db, pid, 'C999999')).rejects.toThrow(new NotFoundError('no conversation C999999 in this property'));
    await expect(closeItem(t.db, otherPid, chat.ref)).rejects.toThrow(NotFoundError);
    await expect(showItem(t.db, otherPid, ticket.ref)).rejects.toThrow(NotFoundError);
    await expect(closeItem(t.db, pid, 'X12')).rejects.toThrow(/not an item id/);
  });

  it('takes no action on a trashed item', async () => {
    await moveToTrash(t.db, pid, chat.ref);
    await expect(closeItem(t.db, pid, chat.ref)).rejects.toThrow(/in the trash; restore it first/);
    await expect(addTag(t.db, pid, chat.ref, 'x')).rejects.toThrow(InvalidStateError);
  });
});
