import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { purgeTrash } from '../../../core/inbox/purge-trash.ts';
import { moveToTrash } from '../../../core/inbox/trash.ts';
import { updateProperty } from '../../../core/properties/property-store.ts';
import { makeItem, makeProperty } from '../../support/inbox-fixture.ts';
import { startPipeline, type Pipeline } from '../../support/pipeline-harness.ts';
import { sleep, waitFor } from '../../support/wait-for.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

/** Trashes an item and backdates its trashing by `days`. */
async function trashedDaysAgo(pipeline: Pipeline, propertyId: string, kind: 'conversation' | 'ticket', days: number) {
  const item = await makeItem(pipeline.t.db, propertyId, { kind, created: 0, body: 'some words' });
  await moveToTrash(pipeline.t.db, propertyId, item.ref);
  await sql`UPDATE ${sql.table(item.table)} SET trashed_at = now() - ${days} * interval '1 day' WHERE id = ${item.id}`.execute(
    pipeline.t.db,
  );
  return item;
}

it("removes exactly the trashed items past their property's retention, with their messages", async () => {
  p = await startPipeline();
  const shop = p.property.id;
  await updateProperty(p.t.db, shop, { trash_retention_days: 30 });
  const other = (await makeProperty(p.t.db, 'other')).id;
  await updateProperty(p.t.db, other, { trash_retention_days: 7 });

  const doomed = [
    await trashedDaysAgo(p, shop, 'conversation', 31),
    await trashedDaysAgo(p, shop, 'ticket', 45),
    await trashedDaysAgo(p, other, 'conversation', 8),
  ];
  const kept = [
    await trashedDaysAgo(p, shop, 'conversation', 29),
    await trashedDaysAgo(p, shop, 'ticket', 8),
    await trashedDaysAgo(p, other, 'ticket', 6),
    await makeItem(p.t.db, shop, { kind: 'conversation', created: -400, body: 'old but not trashed' }),
  ];

  const result = await purgeTrash(p.t.db, 'run-1', { batchSize: 1 });
  expect(result).toEqual({ conversations: 2, tickets: 1, ran: true });
  const exists = async (item: { id: string; table: 'conversations' | 'tickets' }) =>
    (await p!.t.db.selectFrom(item.table).select('id').where('id', '=', item.id).executeTakeFirst()) !== undefined;
  for (const item of doomed) expect(await exists(item)).toBe(false);
  for (const item of kept) expect(await exists(item)).toBe(true);
  const orphans = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM messages WHERE conversation_id IS NULL AND ticket_id IS NULL`.execute(p.t.db);
  expect(orphans.rows[0]!.n).toBe(0);
  const messagesLeft = await p.t.db.selectFrom('messages').select('id').execute();
  expect(messagesLeft).toHaveLength(kept.length);

  const run = await p.t.db.selectFrom('purge_runs').selectAll().where('job_id', '=', 'run-1').executeTakeFirstOrThrow();
  expect(run).toMatchObject({ conversations_removed: 2, tickets_removed: 1 });
  expect(run.finished_at).not.toBeNull();
  // The same scheduled run delivered again does nothing.
  expect(await purgeTrash(p.t.db, 'run-1')).toEqual({ conversations: 0, tickets: 0, ran: false });
});

it('runs once per schedule with two workers up', async () => {
  p = await startPipeline();
  await trashedDaysAgo(p, p.property.id, 'conversation', 400);
  const everySecond = '* * * * * *';
  // From before the first worker upserts the schedule: no run can fall outside the measured time.
  const started = Date.now();
  const workers = [await p.startWorker({ purgeCron: everySecond }), await p.startWorker({ purgeCron: everySecond })];
  await sleep(4500);
  // A busy machine may take a tick up late, and the schedule then skips what it missed: ask
  // for a few runs, not for every tick of the window.
  await waitFor(
    async () => (await p!.t.db.selectFrom('purge_runs').select('id').where('finished_at', 'is not', null).execute()).length >= 3,
    'three purge runs',
  );
  await Promise.all(workers.map((w) => w.close()));
  const runs = await p.t.db.selectFrom('purge_runs').selectAll().orderBy('started_at').execute();
  const seconds = (Date.now() - started) / 1000;
  // One run per tick: at most about one a second, not one per worker.
  expect(runs.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
  expect(new Set(runs.map((r) => r.job_id)).size).toBe(runs.length);
  expect(runs.reduce((n, r) => n + r.conversations_removed, 0)).toBe(1);
  const completed = (await p.jobs.queue('maintenance').getJobs(['completed'])).filter((j) => j.name === 'trash-purge');
  expect(completed.length).toBe(runs.filter((r) => r.finished_at).length);
});
