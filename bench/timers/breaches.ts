// Response-time breaches: open tickets whose first-response targets breach within the spread.
import { type Kysely, sql } from 'kysely';
import { upsertContacts } from '../../core/contacts/contacts.ts';
import type { Database } from '../../core/db/schema.ts';
import { transactionThenJobs } from '../../core/jobs/jobs-after-commit.ts';
import { appendMessage } from '../../core/messages/append-message.ts';
import { parsePropertyChange } from '../../core/properties/property-settings.ts';
import { createProperty } from '../../core/properties/property-store.ts';
import { refreshResponseClocks } from '../../core/responses/response-clock-store.ts';
import { changeBusinessHours, setResponseTargets } from '../../core/responses/response-settings.ts';
import { noTargets, withTargets } from '../../core/responses/response-targets.ts';
import { createTicket } from '../../core/tickets/ticket-store.ts';
import { BullJobQueue } from '../../queue/bullmq-job-queue.ts';
import { count, leadMs, settleMs, firstTarget, firstTargetMs, atRiskShare, batchSize, log, dueAt, seconds } from './options.ts';
import { type Lateness, tally, waitUntil } from './lateness.ts';
import { printQueueSkew } from './queue-skew.ts';

export async function benchBreaches(db: Kysely<Database>, jobs: BullJobQueue): Promise<{ lateness: Lateness; atRisk: Lateness }> {
  // The property as `property create` and `property set bench-timers business-hours=off` leave it.
  const created = await createProperty(db, {
    slug: 'bench-timers',
    name: 'Timer Bench',
    supportAddress: 'help@timers.example',
    inboundDomain: 'in.timers.example',
  });
  const property = (await changeBusinessHours(db, created.id, parsePropertyChange(['business-hours=off']).hours!)).property;

  // Tickets as filing a new email leaves them (core/mail/file-inbound-batch.ts): a contact, the
  // ticket, the visitor's message. Their clocks count from that message.
  let started = performance.now();
  const contacts = [
    ...(
      await upsertContacts(
        db,
        property.id,
        Array.from({ length: Math.ceil(count / 10) }, (_, i) => ({ email: `visitor${i}@example.com`, name: `Visitor ${i}` })),
      )
    ).values(),
  ];
  const ticketIds: string[] = [];
  for (let done = 0; done < count; done += batchSize) {
    await db.transaction().execute(async (trx) => {
      for (let i = done; i < Math.min(count, done + batchSize); i++) {
        const contact = contacts[i % contacts.length]!;
        const ticket = await createTicket(trx, { propertyId: property.id, subject: `Order ${i} has not arrived`, contact });
        await appendMessage(trx, {
          propertyId: property.id,
          target: { ticketId: ticket.id },
          sender: 'visitor',
          body: `Hello, my order ${i} has not arrived yet. Can you check?`,
        });
        ticketIds.push(ticket.id);
      }
    });
  }
  log(`created ${count} open tickets in ${seconds(performance.now() - started)}`);

  // `targets set first=10m --at-risk 99%`: recomputes every open item (no jobs: reconcile asks for
  // their checks as they near). Their due times are 10 minutes away, out of reconcile's horizon.
  started = performance.now();
  const targets = { ...withTargets(noTargets, [`first=${firstTarget}`]), atRiskShare };
  const { recomputed } = await setResponseTargets(db, property.id, targets);
  const recomputeMs = performance.now() - started;
  log(
    `targets set (first=${firstTarget}, at risk at ${atRiskShare * 100}%): ${recomputed} open items recomputed in ${seconds(recomputeMs)}`,
  );

  // Move each ticket's start so that its breach is due in [t0, t0 + spread), t0 about `leadMs`
  // after the clocks below are stored (their cost estimated from the recompute just done).
  const t0 = Date.now() + leadMs + Math.round(recomputeMs * 1.5) + 1000;
  const starts = ticketIds.map((_, i) => new Date(dueAt(t0, i) - firstTargetMs));
  await sql`
    WITH v(id, at) AS (SELECT * FROM unnest(${ticketIds}::bigint[], ${starts}::timestamptz[]))
    , t AS (UPDATE tickets t SET created_at = v.at, updated_at = v.at, status_changed_at = v.at, last_message_at = v.at FROM v WHERE t.id = v.id)
    UPDATE messages m SET created_at = v.at FROM v WHERE m.ticket_id = v.id`.execute(db);

  // The clock code path of a filed batch of mail: refreshResponseClocks in the batch's
  // transaction, its check jobs queued once it has committed.
  started = performance.now();
  for (let done = 0; done < count; done += batchSize) {
    const items = ticketIds.slice(done, done + batchSize).map((id) => ({ kind: 'ticket' as const, id }));
    await transactionThenJobs(db, jobs, (trx, held) => refreshResponseClocks(trx, held, items));
  }
  const seedEnd = Date.now();
  log(`clocks stored and checks queued in ${seconds(performance.now() - started)}; first breach due in ${seconds(t0 - seedEnd)}`);

  const due = new Map<string, number>();
  for (const r of await db
    .selectFrom('tickets')
    .select(['id', 'first_due_at', 'at_risk_at'])
    .where('property_id', '=', property.id)
    .execute()) {
    if (r.first_due_at) due.set(r.id, r.first_due_at.getTime());
  }
  const off = ticketIds.filter((id, i) => due.get(id) !== dueAt(t0, i)).length;
  if (off) log(`WARNING: ${off} tickets store a due time other than the planned one`);
  const counts = await jobs.queue('response-timers').getJobCounts('delayed', 'waiting', 'active', 'completed');
  log(`response-timers queue: ${JSON.stringify(counts)} (a breach check and an at-risk check per ticket)`);
  await printQueueSkew(jobs.queue('response-timers'), (job) => Number(job.id!.slice(job.id!.lastIndexOf('-') + 1)));

  const lastDue = dueAt(t0, count - 1);
  const breaches = async () =>
    Number(
      (
        await db
          .selectFrom('response_alerts')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('property_id', '=', property.id)
          .where('kind', '=', 'breach')
          .executeTakeFirstOrThrow()
      ).n,
    );
  await waitUntil(lastDue + settleMs, async () => Date.now() > lastDue + 2000 && (await breaches()) >= count);

  // Lateness from the breach's system note (the row the check stores with the alert).
  const notes = await db
    .selectFrom('messages')
    .select(['ticket_id', 'created_at'])
    .where('property_id', '=', property.id)
    .where('sender', '=', 'system')
    .where('body', 'like', 'The first response target%breached%')
    .execute();
  const lateness = tally(
    ticketIds,
    due,
    notes.map((n) => ({ id: n.ticket_id!, at: n.created_at.getTime() })),
  );
  const alerts = await db
    .selectFrom('response_alerts')
    .select(['ticket_id', 'due_at', 'fired_at'])
    .where('property_id', '=', property.id)
    .where('kind', '=', 'at_risk')
    .execute();
  const riskDue = new Map(alerts.map((a) => [a.ticket_id!, a.due_at.getTime()]));
  for (const id of ticketIds) if (!riskDue.has(id)) riskDue.set(id, due.get(id)! - Math.round(firstTargetMs * (1 - atRiskShare)));
  const atRisk = tally(
    ticketIds,
    riskDue,
    alerts.map((a) => ({ id: a.ticket_id!, at: a.fired_at.getTime() })),
  );
  return { lateness, atRisk };
}
