import type { BounceReport } from '../../content/bounce.ts';
import type { FilingState } from './plan-types.ts';

/** What a bounce does: the addresses it marks bouncing, and the note on the ticket of the email that bounced. */
export interface BounceDecision {
  reason: string;
  addresses: string[];
  /** The ticket of the outbound email that bounced, when the batch's update found one with a ticket. */
  ticketId: string | null;
  /** The system note for that ticket. */
  note: string;
}

/**
 * Decides a bounce (report.bounced): every failed recipient it lists, and the recipient of
 * the outbound email it reports, is marked bouncing; that email's ticket is told.
 */
export function decideBounce(bounce: BounceReport, bouncedOutbound: FilingState['bouncedOutbound']): BounceDecision {
  const reason = bounce.reason ?? 'delivery failed';
  const outbound = bounce.originalMessageId ? bouncedOutbound.get(bounce.originalMessageId) : undefined;
  const addresses = [...new Set([...bounce.failedRecipients, ...(outbound ? [outbound.to_address] : [])])];
  // A report may list thousands of recipients: all are marked bouncing, ten are named.
  const named = addresses.length > 10 ? `${addresses.slice(0, 10).join(', ')} and ${addresses.length - 10} more` : addresses.join(', ');
  return { reason, addresses, ticketId: outbound?.ticket_id ?? null, note: `Email to ${named} bounced: ${reason}` };
}
