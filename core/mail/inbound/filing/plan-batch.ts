import { sql, type Transaction } from 'kysely';
import type { Database, Property } from '../../../db/schema.ts';
import type { ClaimedEmail } from './filing-types.ts';
import { planFiling } from './plan/plan-filing.ts';
import type { FilingPlan, FilingState } from './plan/plan-types.ts';
import { readFilingState } from './read-filing-state.ts';

/** Reads what the batch's emails refer to, then plans their filing with the ticket numbers it draws. */
export async function planBatch(
  trx: Transaction<Database>,
  property: Property,
  claimed: ClaimedEmail[],
): Promise<FilingPlan & { state: FilingState }> {
  const state = await readFilingState(trx, property, claimed);
  // A first pass counts the new tickets, whose numbers are then drawn at once; the second pass
  // decides with them (a later email may name one). Should it need more, more are drawn.
  let drawn = await drawTicketNumbers(trx, planFiling(state, claimed, null)!.numbersUsed);
  for (;;) {
    const plan = planFiling(state, claimed, drawn);
    if (plan) return { ...plan, state };
    drawn = [...drawn, ...(await drawTicketNumbers(trx, claimed.length))];
  }
}

async function drawTicketNumbers(trx: Transaction<Database>, count: number): Promise<number[]> {
  if (count === 0) return [];
  const { rows } = await sql<{ n: number }>`SELECT nextval('ticket_numbers')::int AS n FROM generate_series(1, ${count}::int)`.execute(trx);
  return rows.map((r) => r.n).sort((a, b) => a - b);
}
