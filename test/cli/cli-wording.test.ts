import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { InboxItem } from '../../core/inbox/inbox-item.ts';
import { expectOneLineError as oneLineError, runCli } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// What a newcomer reads: every line names things as they typed them (agents, tags, settings,
// flags), and a mistake is one line with the way out, never a stack trace or a column name.

let t: TestDatabase;
let env: Record<string, string>;
const cli = (...args: string[]) => runCli(args, env);

beforeAll(async () => {
  t = await createTestDatabase();
  env = {
    DATABASE_URL: t.url,
    REDIS_URL: inject('redisUrl'),
    SWITCHBOARD_QUEUE_PREFIX: `cli-wording-${t.name}`,
    SWITCHBOARD_PROPERTY: 'demo',
  };
  expect((await cli('seed-demo')).code).toBe(0);
}, 60_000);
afterAll(async () => {
  await t?.drop();
});

describe('the CLI in the words of its user', { timeout: 120_000 }, () => {
  it('item actions name the agent, priority and tag, with nothing after them', async () => {
    const item = (await cli('inbox', 'list', '--status', 'open', '--limit', '1', '--json')).stdout;
    const ref = (JSON.parse(item) as { items: InboxItem[] }).items[0]!.ref;
    const agents = JSON.parse((await cli('agent', 'list', '--json')).stdout) as { id: string; name: string; email: string }[];
    const giulia = agents.find((a) => a.email === 'giulia.rossi@acme.example')!;

    // By id, as `agent list` prints it: the line says whom the id named.
    expect(await cli('assign', ref, giulia.id)).toMatchObject({
      code: 0,
      stdout: `${ref} assigned to Giulia Rossi <giulia.rossi@acme.example>\n`,
    });
    expect((await cli('assign', ref, 'Giulia Rossi')).stdout).toBe(`${ref} assigned to Giulia Rossi <giulia.rossi@acme.example>\n`);
    expect((await cli('priority', ref, '3')).stdout).toBe(`${ref} priority urgent\n`);
    expect((await cli('priority', ref, 'low')).stdout).toBe(`${ref} priority low\n`);
    expect((await cli('tag', ref, 'call-back')).stdout).toBe(`${ref} tagged call-back\n`);
    const tags = JSON.parse((await cli('tags', '--json')).stdout) as { id: string; name: string }[];
    expect((await cli('untag', ref, tags.find((x) => x.name === 'call-back')!.id)).stdout).toBe(`${ref} untagged call-back\n`);
    expect((await cli('unassign', ref)).stdout).toBe(`${ref} unassigned\n`);
    expect((await cli('close', ref)).stdout).toBe(`${ref} closed\n`);
  });

  it('property show says which addresses the SMTP ingress takes and how support mail reaches it', async () => {
    const shown = (await cli('property', 'show', 'demo')).stdout;
    expect(shown).toMatch(/^smtp-ingress-takes +any address @inbound\.acme\.example \(refuses others with 550\)$/m);
    expect(shown).toMatch(/^support-mail +forward support@acme\.example to an address @inbound\.acme\.example, or poll it with imap-url$/m);
    expect(await cli('property', 'set', 'demo', 'support-address=help@inbound.acme.example')).toMatchObject({ code: 0 });
    expect((await cli('property', 'show', 'demo')).stdout).toMatch(/^support-mail +delivered to the ingress directly/m);
    expect(await cli('property', 'set', 'demo', 'support-address=support@acme.example')).toMatchObject({ code: 0 });
  });

  it('property settings are named as they are set', async () => {
    oneLineError(
      await cli('property', 'set', 'demo', 'trigger-delay=soon'),
      /^error: trigger-delay must be a whole number from 0 to 86400, got "soon"$/m,
    );
    oneLineError(
      await cli('property', 'set', 'demo', 'trash-retention-days=0'),
      /^error: trash-retention-days must be a whole number from 1 to 3650/m,
    );
    oneLineError(await cli('property', 'set', 'demo', 'trigger-message= '), /^error: trigger-message must not be empty$/m);
    oneLineError(
      await cli('property', 'set', 'demo', 'inbound-domain=not a domain'),
      /^error: "not a domain" is not a valid inbound-domain$/m,
    );
  });

  it('--limit says its range', async () => {
    for (const limit of ['0', '501', 'ten'])
      oneLineError(await cli('inbox', 'list', '--limit', limit), new RegExp(`^error: --limit must be 1 to 500, got "${limit}"$`, 'm'));
  });

  it('a missing file is one line and exit 1', async () => {
    oneLineError(await cli('mail', 'ingest', 'nofile.eml'), /^error: cannot read nofile\.eml: no such file$/m);
    const ticket = (
      JSON.parse((await cli('inbox', 'list', '--view', 'tickets', '--limit', '1', '--json')).stdout) as { items: InboxItem[] }
    ).items[0]!.ref;
    oneLineError(await cli('ticket', 'reply', ticket, '--file', 'nofile'), /^error: cannot read nofile: no such file$/m);
    oneLineError(await cli('mail', 'ingest', '/tmp'), /^error: cannot read \/tmp: it is a directory$/m);
  });

  it('a usage mistake is its line and a pointer to the right --help', async () => {
    const unknown = await cli('inbox', 'list', '--colour');
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe("error: unknown option '--colour'\n(see: switchboard inbox list --help)\n");
    const typo = await cli('inbox', 'list', '--limt', '5');
    expect(typo.stderr).toBe("error: unknown option '--limt'\n(Did you mean --limit?)\n(see: switchboard inbox list --help)\n");
    expect((await cli('asign', 'T1', 'x')).stderr).toMatch(
      /^error: unknown command 'asign'\n\(Did you mean assign\?\)\n\(see: switchboard --help\)\n$/,
    );
    expect((await cli('assign', 'T1')).stderr).toBe("error: missing required argument 'agent'\n(see: switchboard assign --help)\n");
  });

  it("other commands' mistakes, found by trying them: the same one line, the commands that exist", async () => {
    oneLineError(await cli('migrate', 'sideways'), /^error: unknown migrate direction "sideways": use latest, down or status$/m);
    oneLineError(await cli('trash', 'delete'), /^error: usage: switchboard trash ID \| trash list/m);
    oneLineError(await cli('inbox', 'list', '--tag', 'nope'), /^error: no tag "nope" in this property \(see: switchboard tags\)$/m);
    oneLineError(
      await cli('demo', '--url', 'http://127.0.0.1:1'),
      /^error: cannot send to the ingress at http:\/\/127\.0\.0\.1:1 .*is Switchboard running\?/m,
    );
    // Created as `property set` would take it: checked, and the domain in the case recipients are compared in.
    oneLineError(
      await cli('property', 'create', 'shop2', '--inbound-domain', 'no good'),
      /^error: "no good" is not a valid inbound-domain$/m,
    );
    const created = JSON.parse((await cli('property', 'create', 'shop3', '--inbound-domain', 'In.Shop3.Example', '--json')).stdout) as {
      inbound_domain: string;
    };
    expect(created.inbound_domain).toBe('in.shop3.example');
  });

  it('--version prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await cli('--version')).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect((await cli('-V')).stdout).toBe(`${version}\n`);
  });
});
