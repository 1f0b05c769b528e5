import type { ConnectionHealth } from '../data/connection-health.ts';
import { formatCount, type UnassignedCount } from '../data/inbox-loader.ts';
import { describeFilters } from '../state/inbox-filters.ts';
import { isLoading, pageNumber, type InboxState } from '../state/inbox-state.ts';

/** What the status bar reports. */
export interface StatusInput {
  property: string;
  inbox: InboxState;
  unassigned: UnassignedCount | null;
  health: ConnectionHealth | null;
}

/** The status bar's parts, left to right; the screen colours the connection states. */
export function statusParts(s: StatusInput): { left: string; unassigned: string; postgres: string; redis: string } {
  const inbox = s.inbox;
  const page = `p${pageNumber(inbox)}${inbox.nextCursor ? '+' : ''}${isLoading(inbox) ? ' …' : ''}`;
  return {
    left: `${s.property} ${page} │ ${describeFilters(inbox.filters)}`,
    unassigned: `open unassigned ${s.unassigned ? formatCount(s.unassigned) : '?'}`,
    postgres: `pg ${s.health?.postgres ?? '…'}`,
    redis: `redis ${s.health?.redis ?? '…'}`,
  };
}
