import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { InboxItem } from '../../core/inbox/inbox-item.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// Issue 13, item 3: names typed into the CLI are bounded. What a person types is refused with
// a one-line error that gives the bound (exit 1), not cut behind their back; nothing is stored.

let t: TestDatabase;
let env: Record<string, string>;
const cli = (...args: string[]) => runCli(['-p', 'demo', ...args], env);

beforeAll(async () => {
  t = await createTestDatabase();
  env = { DATABASE_URL: t.url, REDIS_URL: inject('redisUrl'), SWITCHBOARD_QUEUE_PREFIX: `cli-bounds-${t.name}` };
  expect((await runCli(['seed-demo'], env)).code).toBe(0);
}, 120_000);
afterAll(async () => {
  await t?.drop();
});

describe('names typed into the CLI', { timeout: 120_000 }, () => {
  it('refuses a tag over 64 characters in one line, and takes one of 64', async () => {
    const list = JSON.parse((await cli('inbox', 'list', '--limit', '1', '--json')).stdout) as { items: InboxItem[] };
    const ref = list.items[0]!.ref;
    const long = await cli('tag', ref, 't'.repeat(65));
    expect(long).toMatchObject({ code: 1, stdout: '', stderr: 'error: tag names are 1 to 64 characters, got 65\n' });
    const tags = await t.db.selectFrom('tags').select('name').execute();
    expect(tags.some((tag) => tag.name.startsWith('ttt'))).toBe(false);

    const fits = await cli('tag', ref, 't'.repeat(64), '--json');
    expect(fits.code).toBe(0);
    expect((JSON.parse(fits.stdout) as InboxItem).tags).toContain('t'.repeat(64));
  });

  it('refuses an agent --name over 100 characters naming the option, and an over-long address', async () => {
    const long = await cli('agent', 'add', 'new.agent@acme.example', '--name', 'N'.repeat(101));
    expect(long).toMatchObject({ code: 1, stdout: '', stderr: 'error: --name must be 1 to 100 characters, got 101\n' });
    const address = await cli('agent', 'add', `${'a'.repeat(300)}@acme.example`);
    expect(address).toMatchObject({ code: 1, stderr: 'error: agent email addresses are at most 254 characters, got 313\n' });
    expect(await t.db.selectFrom('agents').select('id').where('email', '=', 'new.agent@acme.example').execute()).toEqual([]);
    const fits = await cli('agent', 'add', 'new.agent@acme.example', '--name', 'N'.repeat(100));
    expect(fits.code).toBe(0);
  });

  it('refuses a department over 64 characters', async () => {
    const long = await cli('department', 'add', 'D'.repeat(65));
    expect(long).toMatchObject({ code: 1, stdout: '', stderr: 'error: department names are 1 to 64 characters, got 65\n' });
    expect(await t.db.selectFrom('departments').select('id').where('name', 'like', 'DDD%').execute()).toEqual([]);
  });
});
