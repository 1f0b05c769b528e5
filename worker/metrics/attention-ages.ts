import type { Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Database } from '../../core/db/schema.ts';
import { attentionPiles, pileNames, type Pile } from '../../core/inbox/attention-piles.ts';
import { listProperties } from '../../core/properties/property-store.ts';
import { withTimeout } from '../../queue/with-timeout.ts';

/** Metric label of each pile (snake case, as Prometheus labels are usually written). */
const pileLabel: Record<(typeof pileNames)[number], string> = {
  unassigned: 'unassigned',
  missed: 'missed',
  breached: 'breached',
  atRisk: 'at_risk',
  pending: 'pending',
};

/**
 * Registers `switchboard_attention_items{property,pile}` and
 * `switchboard_attention_oldest_waiting_seconds{property,pile}`: the dashboard's attention
 * piles (core/inbox/attention-piles.ts), read from Postgres when scraped, so that an alert
 * can fire on "someone has waited an hour" without anyone watching the dashboard. The count
 * is exact up to the piles' cap and Postgres's estimate past it. An empty pile's oldest wait
 * is 0. When Postgres does not answer within `timeoutMs` the series are left out of that
 * scrape (as switchboard_queue_jobs does for Redis) rather than repeated stale.
 */
export function registerAttentionAges(registry: Registry, db: Kysely<Database>, timeoutMs = 2000, now = () => Date.now()): void {
  // Both gauges are collected in one scrape: they share one read.
  let reading: Promise<{ slug: string; piles: Pile[] }[] | null> | null = null;
  const read = () => {
    reading ??= withTimeout(
      listProperties(db).then((properties) =>
        Promise.all(properties.map(async (p) => ({ slug: p.slug, piles: await attentionPiles(db, p.id) }))),
      ),
      timeoutMs,
      'Postgres',
    )
      .catch(() => null)
      .finally(() => {
        reading = null;
      });
    return reading;
  };
  new Gauge({
    name: 'switchboard_attention_items',
    help:
      'Items per attention pile (unassigned, missed, breached, at_risk, pending) and property, read from Postgres at scrape time; ' +
      'exact up to 10,000, estimated past it.',
    labelNames: ['property', 'pile'],
    registers: [registry],
    async collect() {
      const read_ = await read();
      this.reset();
      for (const { slug, piles } of read_ ?? [])
        for (const pile of piles) this.set({ property: slug, pile: pileLabel[pile.name] }, pile.count);
    },
  });
  new Gauge({
    name: 'switchboard_attention_oldest_waiting_seconds',
    help:
      'How long the longest-waiting item of each attention pile has waited, per property (0 when the pile is empty), ' +
      'read from Postgres at scrape time.',
    labelNames: ['property', 'pile'],
    registers: [registry],
    async collect() {
      const read_ = await read();
      this.reset();
      const at = now();
      for (const { slug, piles } of read_ ?? []) {
        for (const pile of piles)
          this.set(
            { property: slug, pile: pileLabel[pile.name] },
            pile.oldestSince ? Math.max(0, Math.round((at - pile.oldestSince.getTime()) / 1000)) : 0,
          );
      }
    },
  });
}
