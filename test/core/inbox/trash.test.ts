import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertAgent } from '../../../core/directory/agents.ts';
import { InvalidStateError, NotFoundError } from '../../../core/errors.ts';
import { addTag, assignItem, closeItem } from '../../../core/inbox/item-actions.ts';
import { showItem } from '../../../core/inbox/item-detail.ts';
import { listInbox } from '../../../core/inbox/list-inbox.ts';
import { deletePermanently, listTrash, moveToTrash, restoreFromTrash } from '../../../core/inbox/trash.ts';
import { appendMessage } from '../../../core/messages/append-message.ts';
import { makeItem, makeProperty } from '../../support/inbox-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

let t: TestDatabase;
let pid: string;

beforeAll(async () => {
  t = await createTestDatabase();
  pid = (await makeProperty(t.db, 'shop')).id;
  await upsertAgent(t.db, pid, { email: 'ann@shop.example', name: 'Ann' });
});
afterAll(async () => {
  await t?.drop();
});

const inboxRefs = async () => (await listInbox(t.db, pid, { limit: 500 })).items.map((i) => i.ref);
const trashRefs = async () => (await listTrash(t.db, pid)).map((i) => i.ref);

describe('trash', () => {
  it('trash → gone from the inbox and listed in the trash; restore → back exactly as it was', async () => {
    const made = await makeItem(t.db, pid, {
      kind: 'ticket',
      created: 2,
      updated: 5,
      status: 'open',
      subject: 'Broken zipper',
      body: 'It broke',
    });
    await assignItem(t.db, pid, made.ref, 'Ann');
    await addTag(t.db, pid, made.ref, 'returns');
    await closeItem(t.db, pid, made.ref);
    const before = await showItem(t.db, pid, made.ref);

    await moveToTrash(t.db, pid, made.ref);
    expect(await inboxRefs()).not.toContain(made.ref);
    expect(await trashRefs()).toContain(made.ref);
    expect((await listInbox(t.db, pid, { text: 'zipper' })).items).toEqual([]);
    await expect(moveToTrash(t.db, pid, made.ref)).rejects.toThrow(/already in the trash/);

    await restoreFromTrash(t.db, pid, made.ref);
    const after = await showItem(t.db, pid, made.ref);
    expect(after).toEqual(before);
    expect(await inboxRefs()).toContain(made.ref);
    expect(await trashRefs()).not.toContain(made.ref);
    await expect(restoreFromTrash(t.db, pid, made.ref)).rejects.toThrow(/not in the trash/);
  });

  it('delete permanently from the trash removes the item and its messages', async () => {
    const made = await makeItem(t.db, pid, { kind: 'conversation', created: 3, body: 'first' });
    await appendMessage(t.db, { propertyId: pid, target: { conversationId: made.id }, sender: 'agent', body: 'second' });
    const keep = await makeItem(t.db, pid, { kind: 'conversation', created: 3, body: 'other' });
    const messages = (conversationId: string) =>
      t.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).execute();
    expect(await messages(made.id)).toHaveLength(2);

    await moveToTrash(t.db, pid, made.ref);
    await deletePermanently(t.db, pid, made.ref);
    expect(await trashRefs()).not.toContain(made.ref);
    expect(await messages(made.id)).toHaveLength(0);
    await expect(showItem(t.db, pid, made.ref)).rejects.toThrow(NotFoundError);
    expect(await messages(keep.id)).toHaveLength(1);
  });

  it('refuses to delete permanently an item that is not in the trash, and changes nothing', async () => {
    const made = await makeItem(t.db, pid, { kind: 'ticket', created: 4, subject: 'Keep me', body: 'hi' });
    const error = await deletePermanently(t.db, pid, made.ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidStateError);
    expect((error as Error).message).toBe(
      `${made.ref} is not in the trash; only items in the trash can be deleted permanently (move it there first: switchboard trash ${made.ref})`,
    );
    expect((await showItem(t.db, pid, made.ref)).messages).toHaveLength(1);
  });

  it('deleting a conversation keeps the ticket it became, unlinked', async () => {
    const conversation = await makeItem(t.db, pid, { kind: 'conversation', created: 5 });
    const ticket = await makeItem(t.db, pid, { kind: 'ticket', created: 6 });
    await t.db.updateTable('tickets').set({ conversation_id: conversation.id }).where('id', '=', ticket.id).execute();
    expect((await showItem(t.db, pid, conversation.ref)).linked).toBe(ticket.ref);
    await moveToTrash(t.db, pid, conversation.ref);
    await deletePermanently(t.db, pid, conversation.ref);
    expect((await showItem(t.db, pid, ticket.ref)).linked).toBeNull();
  });
});
