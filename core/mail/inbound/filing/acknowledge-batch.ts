import type { Transaction } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { JobQueue } from '../../../jobs/job-queue.ts';
import { lockAutomaticRecipients, writeOutboxEmails } from '../../outbound/outbox.ts';
import { ticketAcknowledgement } from '../../outbound/ticket-acknowledgement.ts';
import type { FilingPlan, FilingState } from './plan/plan-types.ts';

/** Writes the acknowledgements the plan decided to the outbox; their send jobs are queued once the batch has committed. */
export async function acknowledgeBatch(
  trx: Transaction<Database>,
  jobs: JobQueue,
  propertyId: string,
  plan: FilingPlan,
  state: FilingState,
): Promise<void> {
  if (plan.acknowledgements.length === 0) return;
  const inputs = plan.acknowledgements.map((a) =>
    ticketAcknowledgement(state.property, { id: a.ticket.id!, number: a.ticket.number, subject: a.ticket.subject }, a.visitor, {
      email: a.email,
    }),
  );
  // Only the recipients of acknowledgements are locked, late: replies from the same people in
  // concurrent batches never wait on each other. (One by one, a bounce filed after an
  // acknowledgement could not yet count for its window; here the batch's bounces are written
  // already. That differs only for a bounce of a suppressed email, which was never sent.)
  const recentlyMailed = await lockAutomaticRecipients(
    trx,
    propertyId,
    inputs.map((i) => i.to),
  );
  await writeOutboxEmails(trx, jobs, inputs, recentlyMailed);
}
