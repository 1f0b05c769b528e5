import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectOneLineError as oneLineError, runCli } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// `switchboard hours` and `targets` as a support lead types them: what is set reads back, a
// mistake is one line in their words, and the inbox then filters and sorts by the clocks.

let t: TestDatabase;
let env: Record<string, string>;
const cli = (...args: string[]) => runCli(args, env);

beforeAll(async () => {
  t = await createTestDatabase();
  env = {
    DATABASE_URL: t.url,
    REDIS_URL: inject('redisUrl'),
    SWITCHBOARD_QUEUE_PREFIX: `cli-hours-${t.name}`,
    SWITCHBOARD_PROPERTY: 'demo',
  };
  expect((await cli('seed-demo')).code).toBe(0);
}, 60_000);
afterAll(async () => {
  await t?.drop();
});

describe('hours and targets from the command line', { timeout: 120_000 }, () => {
  it('sets, shows and clears business hours, and refuses bad ones in one line', async () => {
    // The demo comes with hours of its own: cleared, none are left.
    expect((await cli('hours', 'show')).stdout).toMatch(/zone\s+Europe\/Rome/);
    expect((await cli('hours', 'clear')).code).toBe(0);
    expect((await cli('hours', 'show')).stdout).toMatch(/always open, 24\/7/);
    const set = await cli(
      'hours',
      'set',
      '--zone',
      'Europe/Rome',
      '--week',
      'mon-fri 09:00-13:00,14:00-18:00; sat 22:00-02:00',
      '--holiday',
      '2026-12-25',
      '--holiday',
      '01-01',
    );
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/zone\s+Europe\/Rome/);
    expect(set.stdout).toMatch(/mon\s+09:00-13:00, 14:00-18:00/);
    expect(set.stdout).toMatch(/open items recomputed/);
    expect((await cli('hours', 'show')).stdout).toMatch(/sun\s+closed/);
    oneLineError(await cli('hours', 'set', '--zone', 'Europe/Rom', '--week', 'mon-fri 09:00-17:00'), /unknown time zone "Europe\/Rom"/);
    oneLineError(await cli('hours', 'set', '--zone', 'UTC', '--week', 'mon-fri 09:00-13:00,12:00-14:00'), /overlap/);
    oneLineError(await cli('hours', 'set', '--zone', 'UTC', '--week', 'mon-fri 9-5'), /not a time range/);
    oneLineError(await cli('hours', 'set', '--zone', 'UTC', '--week', 'mon-fri 09:00-17:00', '--holiday', '2026-02-30'), /2026-02-30/);
    expect((await cli('hours', 'clear')).code).toBe(0);
    oneLineError(await cli('hours', 'clear'), /no business hours are set/);
  });

  it('sets business hours with property set too, part by part, and refuses what is missing', async () => {
    oneLineError(
      await cli('property', 'set', 'demo', 'hours-week=mon-fri 09:00-17:00'),
      /no business hours are set yet: give hours-zone too/,
    );
    oneLineError(
      await cli('property', 'set', 'demo', 'hours-zone=Mars/Olympus', 'hours-week=mon-fri 09:00-17:00'),
      /unknown time zone "Mars\/Olympus"/,
    );
    oneLineError(await cli('property', 'set', 'demo', 'business-hours=on'), /business-hours accepts only "off"/);
    const set = await cli(
      'property',
      'set',
      'demo',
      'hours-zone=America/New_York',
      'hours-week=mon-fri 08:00-12:00,13:00-17:00; sat 22:00-02:00',
      'hours-holidays=07-04, 2026-11-26',
    );
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/business-hours\s+zone\s+America\/New_York/);
    expect(set.stdout).toMatch(/open items recomputed/);
    // One part replaces that part only: the zone and the week stay.
    expect((await cli('property', 'set', 'demo', 'hours-holidays=12-25')).code).toBe(0);
    const shown = (await cli('hours', 'show')).stdout;
    expect(shown).toMatch(/zone\s+America\/New_York/);
    expect(shown).toMatch(/mon\s+08:00-12:00, 13:00-17:00/);
    expect(shown).toMatch(/holidays\s+every 12-25\n/);
    expect((await cli('property', 'set', 'demo', 'business-hours=off')).code).toBe(0);
    expect((await cli('hours', 'show')).stdout).toMatch(/always open, 24\/7/);
    // Mixed with other settings, everything is applied.
    expect((await cli('property', 'set', 'demo', 'trigger-delay=45', 'hours-zone=UTC', 'hours-week=daily 00:00-24:00')).stdout).toMatch(
      /trigger-delay\s+45 s[\s\S]*business-hours\s+zone\s+UTC/,
    );
    expect((await cli('hours', 'clear')).code).toBe(0);
  });

  it('sets targets with overrides, shows them, and refuses bad ones', async () => {
    const set = await cli('targets', 'set', 'first=4h', 'next=8h', 'resolution=3d');
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/property\s+first 4h 00m, next 8h 00m, resolution 3d 0h/);
    expect((await cli('targets', 'set', 'first=30m', '--priority', 'urgent')).stdout).toMatch(/priority urgent\s+first 30m/);
    expect((await cli('targets', 'set', 'first=1h', '--department', 'Sales', '--at-risk', '75%')).stdout).toMatch(
      /dept Sales\s+first 1h 00m[\s\S]*at 75% of a target/,
    );
    const json = JSON.parse((await cli('targets', 'show', '--json')).stdout) as {
      base: { first: number };
      byPriority: { urgent: { first: number } };
      atRiskShare: number;
    };
    expect(json).toMatchObject({ base: { first: 4 * 3_600_000 }, byPriority: { urgent: { first: 1_800_000 } }, atRiskShare: 0.75 });
    oneLineError(await cli('targets', 'set', 'first=soon'), /"soon" is not a duration \(e\.g\. 30m, 4h, 1h30m\)/);
    oneLineError(await cli('targets', 'set', 'reply=4h'), /unknown target "reply": use first, next or resolution/);
    oneLineError(await cli('targets', 'set', 'first=1h', '--priority', 'asap'), /unknown priority "asap"/);
    oneLineError(await cli('targets', 'set', 'first=1h', '--department', 'Nope'), /Nope/);
    oneLineError(await cli('targets', 'set', '--at-risk', '120%'), /between 0 and 100%/);
  });

  it('lists the inbox by due time with WAITING and DUE columns, and refuses an unknown --due', async () => {
    const listed = await cli('inbox', 'list', '--sort', 'due', '--limit', '5');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/WAITING\s+DUE/);
    // The demo's open items have waited far past the 4-hour target.
    expect(listed.stdout).toMatch(/ over /);
    const breached = JSON.parse((await cli('inbox', 'list', '--due', 'breached', '--json')).stdout) as { items: { dueAt: string }[] };
    expect(breached.items.length).toBeGreaterThan(0);
    for (const i of breached.items) expect(new Date(i.dueAt).getTime()).toBeLessThanOrEqual(Date.now());
    expect((await cli('inbox', 'list', '--waiting-longer-than', '2h', '--json')).code).toBe(0);
    oneLineError(await cli('inbox', 'list', '--due', 'tomorrow'), /--due "tomorrow" is not one of: breached, at-risk, today/);
    oneLineError(await cli('inbox', 'list', '--waiting-longer-than', 'long'), /"long" is not a duration/);
  });
});
