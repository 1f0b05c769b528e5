import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../../core/demo/seed-demo.ts';
import type { Property } from '../../../core/db/schema.ts';
import { attentionPiles } from '../../../core/inbox/attention-piles.ts';
import { sendDemoTraffic } from '../../../cli/demo-traffic.ts';
import { startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';
import { waitFor } from '../../support/wait-for.ts';

// The demo as a newcomer meets it: the seeded property has business hours and targets, with
// items breached and at risk; the traffic of `switchboard demo`, sent to a real ingress and
// applied by real workers, makes a new breach (alert row and note) within a minute.

let p: Pipeline;
let demo: Property;

beforeAll(async () => {
  p = await startPipeline();
  demo = (await seedDemo(p.t.db)).property;
});
afterAll(async () => {
  await p?.close();
});

it('seeds business hours, targets, breached items and one at risk; seeding again changes nothing', async () => {
  expect(demo.business_hours).toMatchObject({ zone: 'Europe/Rome' });
  expect(demo.response_targets).toMatchObject({ base: { first: 2 * 3_600_000 } });
  const piles = Object.fromEntries((await attentionPiles(p.t.db, demo.id)).map((pile) => [pile.name, pile.count]));
  expect(piles.breached).toBeGreaterThan(5);
  expect(piles.atRisk).toBe(1);
  expect(await seedDemo(p.t.db)).toMatchObject({ created: false });
});

it('the demo traffic breaches the Sales chat’s one-minute target, once, with a note', { timeout: 150_000 }, async () => {
  await p.startWorker();
  const sentAt = Date.now();
  await sendDemoTraffic(p.ingressUrl, demo);
  const alert = await waitFor(
    async () =>
      p.t.db
        .selectFrom('response_alerts as a')
        .innerJoin('conversations as c', 'c.id', 'a.conversation_id')
        .innerJoin('departments as d', 'd.id', 'c.department_id')
        .select(['a.conversation_id', 'a.clock', 'a.fired_at'])
        .where('d.name', '=', 'Sales')
        .where('a.kind', '=', 'breach')
        .where('c.created_at', '>=', new Date(sentAt - 1000))
        .executeTakeFirst(),
    'the Sales chat breached',
    100_000,
    250,
  );
  expect(alert!.clock).toBe('first');
  expect(alert!.fired_at.getTime() - sentAt).toBeLessThan(90_000);
  const notes = await p.t.db
    .selectFrom('messages')
    .select('body')
    .where('conversation_id', '=', alert!.conversation_id)
    .where('sender', '=', 'system')
    .execute();
  expect(notes.filter((n) => /first response target .* was breached/.test(n.body))).toHaveLength(1);
});
