import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { InboxItem } from '../../core/inbox/inbox-item.ts';
import { expectOneLineError, runCli } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// The CLI as a user runs it: the real binary, a real database, ids passed from one command's
// output to the next.

let t: TestDatabase;
let env: Record<string, string>;
const cli = (...args: string[]) => runCli(args, env);
const json = async <T>(...args: string[]): Promise<T> => {
  const result = await cli(...args, '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
};

beforeAll(async () => {
  t = await createTestDatabase();
  // Its own queue prefix: jobs named after this database's row ids must not reach other workers.
  env = { DATABASE_URL: t.url, REDIS_URL: inject('redisUrl'), SWITCHBOARD_QUEUE_PREFIX: `cli-test-${t.name}` };
});
afterAll(async () => {
  await t?.drop();
});

// Every command is a new node process (about a second each, several on a busy machine), and
// some tests run twenty of them: far more than the default 30 s test timeout allows.
describe('switchboard CLI', { timeout: 180_000 }, () => {
  it('creates, lists and configures properties', async () => {
    const created = await json<{ slug: string; signing_secret: string }>(
      'property',
      'create',
      'acme',
      '--name',
      'Acme',
      '--inbound-domain',
      'in.acme.example',
    );
    expect(created.slug).toBe('acme');
    expect(created.signing_secret).toMatch(/^[0-9a-f]{64}$/);
    const set = await json<{ trigger_delay_seconds: number; trigger_enabled: boolean }>(
      'property',
      'set',
      'acme',
      'trigger-delay=90',
      'trigger-enabled=off',
    );
    expect(set).toMatchObject({ trigger_delay_seconds: 90, trigger_enabled: false });
    const bad = await cli('property', 'set', 'acme', 'trigger-delay=soon');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('error: trigger-delay must be a whole number from 0 to 86400, got "soon"\n');
    const dup = await cli('property', 'create', 'acme');
    expect(dup.stderr).toMatch(/already exists/);
  });

  it('asks which property when there are several', async () => {
    await cli('seed-demo');
    const result = await cli('inbox', 'list');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/there are 2 properties \(acme, demo\): choose one with --property SLUG/);
  });

  it('accepts every id it prints: list → show → actions → trash → restore', async () => {
    const page = await json<{ items: InboxItem[]; nextCursor: string | null }>(
      '-p',
      'demo',
      'inbox',
      'list',
      '--status',
      'open',
      '--agent',
      'unassigned',
      '--limit',
      '5',
    );
    expect(page.items).toHaveLength(5);
    expect(page.items.every((i) => i.status === 'open' && i.agent === null)).toBe(true);
    const next = await json<{ items: InboxItem[] }>(
      '-p',
      'demo',
      'inbox',
      'list',
      '--status',
      'open',
      '--agent',
      'unassigned',
      '--limit',
      '5',
      '--cursor',
      page.nextCursor!,
    );
    expect(next.items.map((i) => i.ref)).not.toContain(page.items[0]!.ref);

    for (const { ref } of page.items.slice(0, 2)) {
      const shown = await json<{ item: InboxItem; messages: unknown[] }>('-p', 'demo', 'inbox', 'show', ref);
      expect(shown.item.ref).toBe(ref);
      expect((await json<InboxItem>('-p', 'demo', 'assign', ref, 'giulia.rossi@acme.example')).agent?.name).toBe('Giulia Rossi');
      expect((await json<InboxItem>('-p', 'demo', 'tag', ref, 'urgent-followup')).tags).toContain('urgent-followup');
      expect((await json<InboxItem>('-p', 'demo', 'priority', ref, 'high')).priority).toBe(2);
      expect((await json<InboxItem>('-p', 'demo', 'close', ref)).status).toBe('closed');
      expect((await json<InboxItem>('-p', 'demo', 'reopen', ref)).status).toBe('open');
    }
    const ref = page.items[0]!.ref;
    await json('-p', 'demo', 'trash', ref);
    const trash = await json<InboxItem[]>('-p', 'demo', 'trash', 'list');
    expect(trash.map((i) => i.ref)).toEqual([ref]);
    const human = await cli('-p', 'demo', 'trash', 'list');
    expect(human.stdout).toMatch(new RegExp(`^${ref}\\s`, 'm'));
    await json('-p', 'demo', 'restore', ref);
    expect(await json<InboxItem[]>('-p', 'demo', 'trash', 'list')).toEqual([]);
  });

  it('deletes permanently only from the trash, and only when confirmed', async () => {
    const [item] = (await json<{ items: InboxItem[] }>('-p', 'demo', 'inbox', 'list', '--view', 'conversations', '--limit', '1')).items;
    const ref = item!.ref;
    const notTrashed = await cli('-p', 'demo', 'trash', 'delete', ref, '--yes');
    expect(notTrashed.code).toBe(1);
    expect(notTrashed.stderr).toMatch(/is not in the trash; only items in the trash can be deleted permanently/);
    await cli('-p', 'demo', 'trash', ref);
    const unconfirmed = await cli('-p', 'demo', 'trash', 'delete', ref);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toMatch(/cannot be undone\. Not on a terminal: pass --yes to confirm/);
    expect((await cli('-p', 'demo', 'trash', 'delete', ref, '--yes')).code).toBe(0);
    const gone = await cli('-p', 'demo', 'inbox', 'show', ref);
    expect(gone.stderr).toBe(`error: no conversation ${ref} in this property\n`);
  });

  it('shows contact history, and clear errors for bad input', async () => {
    const history = await json<{ items: InboxItem[] }>('-p', 'demo', 'contact', 'history', 'ALICE.MARTIN@example.com');
    expect(history.items.length).toBeGreaterThan(0);
    expect(history.items.every((i) => i.contact.email === 'alice.martin@example.com')).toBe(true);
    const created = history.items.map((i) => new Date(i.createdAt).getTime());
    expect(created).toEqual([...created].sort((a, b) => a - b));

    expect((await cli('-p', 'demo', 'inbox', 'list', '--sort', 'name')).stderr).toMatch(
      /--sort "name" is not one of: created, updated, status_changed, priority/,
    );
    expect((await cli('-p', 'demo', 'inbox', 'list', '--from', 'yesterday')).stderr).toMatch(/--from "yesterday" is not a date/);
    expect((await cli('-p', 'demo', 'close', 'C0xyz')).stderr).toMatch(/is not an item id/);
    expect((await cli('-p', 'nope', 'inbox', 'list')).stderr).toMatch(/no property "nope"/);
  });

  it('converts, answers by email and replays mail', async () => {
    const missed = await json<{ items: InboxItem[] }>(
      '-p',
      'demo',
      'inbox',
      'list',
      '--view',
      'conversations',
      '--missed',
      '--status',
      'open',
      '--limit',
      '50',
    );
    const withEmail = missed.items.find((i) => i.contact.email);
    const withoutEmail = missed.items.find((i) => !i.contact.email);
    // An internal note on the chat stays with the team: it is copied to the ticket, never mailed in the transcript.
    const secret = 'Internal: this visitor asked for a refund twice already.';
    expect(await json<{ sender: string; body: string }>('-p', 'demo', 'note', withEmail!.ref, '--body', secret)).toMatchObject({
      sender: 'note',
      body: secret,
    });
    expectOneLineError(await cli('-p', 'demo', 'note', withEmail!.ref, '--body', '  '), /the note is empty/);
    expectOneLineError(await cli('-p', 'demo', 'note', 'T999999', '--body', 'x'), /T999999/);
    const converted = await json<InboxItem & { created: boolean }>('-p', 'demo', 'convert', withEmail!.ref);
    expect(converted).toMatchObject({ kind: 'ticket', created: true, contact: { email: withEmail!.contact.email } });
    const shown = await json<{ messages: { sender: string; body: string }[] }>('-p', 'demo', 'inbox', 'show', converted.ref);
    expect(shown.messages.filter((m) => m.sender === 'note').map((m) => m.body)).toEqual([secret]);
    const ack = await t.db
      .selectFrom('outbox_emails as o')
      .innerJoin('tickets as k', 'k.id', 'o.ticket_id')
      .select('o.text_body')
      .where('k.number', '=', Number(converted.ref.slice(1)))
      .where('o.kind', '=', 'ticket_ack')
      .executeTakeFirstOrThrow();
    expect(ack.text_body).toContain('Your conversation');
    expect(ack.text_body).not.toContain(secret);
    expect(await json<{ created: boolean; ref: string }>('-p', 'demo', 'convert', withEmail!.ref)).toMatchObject({
      created: false,
      ref: converted.ref,
    });
    expect((await cli('-p', 'demo', 'convert', withoutEmail!.ref)).stderr).toMatch(/has no visitor email, so it cannot become a ticket/);

    const sent = await json<{ to_address: string; subject: string; status: string }>(
      '-p',
      'demo',
      'ticket',
      'reply',
      converted.ref,
      '--body',
      'Hello, we are on it.',
    );
    expect(sent).toMatchObject({ to_address: withEmail!.contact.email, status: 'queued' });
    expect(sent.subject).toBe(`Re: [#${converted.ref.slice(1)}] ${converted.title}`);
    expect((await cli('-p', 'demo', 'ticket', 'reply', converted.ref)).stderr).toMatch(/give exactly one of --body TEXT or --file FILE/);
    expect((await cli('-p', 'demo', 'ticket', 'reply', withoutEmail!.ref, '--body', 'x')).stderr).toMatch(/is a conversation/);

    const eml = [
      'From: Zoe <zoe@example.com>',
      'To: support@inbound.acme.example',
      'Subject: A question',
      'Message-ID: <cli-ingest-1@example.com>',
      '',
      'Do you sell gift cards?',
    ].join('\r\n');
    const file = `/tmp/switchboard-cli-test-${process.pid}.eml`;
    writeFileSync(file, eml);
    const stored = await json<{ id: string; duplicate: boolean }>('-p', 'demo', 'mail', 'ingest', file);
    expect(stored.duplicate).toBe(false);
    expect(await json<{ id: string; duplicate: boolean }>('-p', 'demo', 'mail', 'ingest', file)).toEqual({
      id: stored.id,
      duplicate: true,
    });
    expect(await json<unknown[]>('-p', 'demo', 'mail', 'quarantine')).toEqual([]);
    expect((await cli('-p', 'demo', 'mail', 'reprocess', '999999')).stderr).toMatch(/no inbound email 999999/);
  });

  it('says how to start the services when nothing is configured or running', async () => {
    const result = await runCli(['inbox', 'list'], { SWITCHBOARD_DATA_DIR: '/tmp/switchboard-nothing-here' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/embedded services are not running: run `npx switchboard services up`/);
    const down = await runCli(['inbox', 'list'], { DATABASE_URL: 'postgres://x@127.0.0.1:1/none', REDIS_URL: 'redis://127.0.0.1:1' });
    expect(down.stderr).toMatch(/cannot reach the database/);
  });
});
