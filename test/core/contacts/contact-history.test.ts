import { afterAll, beforeAll, expect, it } from 'vitest';
import { contactHistory } from '../../../core/contacts/contact-history.ts';
import { NotFoundError } from '../../../core/errors.ts';
import { moveToTrash } from '../../../core/inbox/trash.ts';
import { makeItem, makeProperty } from '../../support/inbox-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

let t: TestDatabase;
let pid: string;
let otherPid: string;

beforeAll(async () => {
  t = await createTestDatabase();
  pid = (await makeProperty(t.db, 'shop')).id;
  otherPid = (await makeProperty(t.db, 'other')).id;
});
afterAll(async () => {
  await t?.drop();
});

it("lists every conversation and ticket of one contact in time order, and nobody else's", async () => {
  const anna = { email: 'Anna@Example.com', name: 'Anna' };
  const third = await makeItem(t.db, pid, { kind: 'ticket', created: 9, contact: anna, subject: 'Third' });
  const first = await makeItem(t.db, pid, { kind: 'conversation', created: 1, contact: anna });
  const second = await makeItem(t.db, pid, { kind: 'ticket', created: 4, contact: anna, subject: 'Second' });
  await makeItem(t.db, pid, { kind: 'conversation', created: 2, contact: { email: 'bo@example.com', name: 'Bo' } });
  await makeItem(t.db, otherPid, { kind: 'conversation', created: 3, contact: anna });
  const trashed = await makeItem(t.db, pid, { kind: 'conversation', created: 5, contact: anna });
  await moveToTrash(t.db, pid, trashed.ref);

  const history = await contactHistory(t.db, pid, 'anna@example.com');
  expect(history.contact.name).toBe('Anna');
  expect(history.items.map((i) => i.ref)).toEqual([first.ref, second.ref, third.ref]);
  await expect(contactHistory(t.db, pid, 'nobody@example.com')).rejects.toThrow(NotFoundError);
  await expect(contactHistory(t.db, pid, 'not-an-email')).rejects.toThrow(/not an email address/);
});
