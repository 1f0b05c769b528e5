import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { upsertContact } from '../../../core/contacts/contacts.ts';
import { connectDatabase } from '../../../core/db/connect.ts';
import { markPending } from '../../../core/inbox/item-actions.ts';
import { appendMessage } from '../../../core/messages/append-message.ts';
import { setResponseTargets } from '../../../core/responses/response-settings.ts';
import { noTargets } from '../../../core/responses/response-targets.ts';
import { createTicket } from '../../../core/tickets/ticket-store.ts';
import { registerAttentionAges } from '../../../worker/metrics/attention-ages.ts';
import { makeProperty } from '../../support/inbox-fixture.ts';
import { parseSamples, sampleValue } from '../../support/prometheus-text.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

// The attention piles as Prometheus gauges, scraped from a registry on a real Postgres: the
// count and the oldest wait per pile and property, and no stale series when Postgres is away.

const H = 3_600_000;
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  const pid = (await makeProperty(t.db, 'gauges')).id;
  for (const hoursAgo of [11, 2]) {
    const at = new Date(Date.now() - hoursAgo * H);
    const contact = await upsertContact(t.db, pid, { email: `v${hoursAgo}@example.com` });
    const ticket = await createTicket(t.db, { propertyId: pid, subject: `${hoursAgo}h`, contact, createdAt: at });
    await appendMessage(t.db, { propertyId: pid, target: { ticketId: ticket.id }, sender: 'visitor', body: 'Help', createdAt: at });
  }
  const quiet = await upsertContact(t.db, pid, { email: 'pending@example.com' });
  const pending = await createTicket(t.db, { propertyId: pid, subject: 'pending', contact: quiet });
  await markPending(t.db, pid, `T${pending.number}`);
  await setResponseTargets(t.db, pid, { ...noTargets, base: { first: 10 * H } });
});
afterAll(async () => {
  await t?.drop();
});

it('exports each pile’s count and oldest wait per property', async () => {
  const registry = new Registry();
  registerAttentionAges(registry, t.db);
  const samples = parseSamples(await registry.metrics());
  const labels = (pile: string) => ({ property: 'gauges', pile });
  expect(sampleValue(samples, 'switchboard_attention_items', labels('unassigned'))).toBe(2);
  expect(sampleValue(samples, 'switchboard_attention_items', labels('breached'))).toBe(1);
  expect(sampleValue(samples, 'switchboard_attention_items', labels('at_risk'))).toBe(0);
  expect(sampleValue(samples, 'switchboard_attention_items', labels('pending'))).toBe(1);
  const oldest = sampleValue(samples, 'switchboard_attention_oldest_waiting_seconds', labels('breached'));
  expect(oldest).toBeGreaterThanOrEqual(11 * 3600);
  expect(oldest).toBeLessThan(11 * 3600 + 120);
  expect(
    samples.some((s) => s.name === 'switchboard_attention_oldest_waiting_seconds' && s.labels.pile === 'at_risk' && s.value === 0),
  ).toBe(true);
});

it('leaves the series out, within the timeout, when Postgres does not answer', async () => {
  // A port nothing listens on: the pool's connect fails or hangs; either way the scrape answers.
  const away = connectDatabase('postgres://nobody@127.0.0.1:1/none', { max: 1 });
  try {
    const registry = new Registry();
    registerAttentionAges(registry, away, 500);
    const started = Date.now();
    const samples = parseSamples(await registry.metrics());
    expect(Date.now() - started).toBeLessThan(2000);
    expect(samples.filter((s) => s.name.startsWith('switchboard_attention_'))).toEqual([]);
  } finally {
    await away.destroy();
  }
});
