import type { ConnectionHealth } from '../data/connection-health.ts';
import { describeFilters, shortFilters } from '../state/inbox-filters.ts';
import { describeQueues, type QueuesState } from '../state/queues-state.ts';
import { isLoading, pageNumber, type InboxState } from '../state/inbox-state.ts';

/** What the status bar reports. */
export interface StatusInput {
  property: string;
  inbox: InboxState;
  health: ConnectionHealth | null;
  /** Given on the Queues tab: the status bar shows queue context instead of the inbox filters. */
  queues?: QueuesState;
  /** Given on a tab of its own (Trash, Agents, Reports): what it shows, instead of the inbox filters, which do not apply there. */
  tab?: string;
}

/** The status bar's parts, left to right; the screen colours the connection states. */
export function statusParts(s: StatusInput): { left: string; short: string; postgres: string; redis: string } {
  const inbox = s.inbox;
  const page = `p${pageNumber(inbox)}${inbox.nextCursor ? '+' : ''}${isLoading(inbox) ? ' …' : ''}`;
  const queues = s.queues ? describeQueues(s.queues) : null;
  const own = s.tab ?? null;
  return {
    left: queues
      ? `${s.property} │ ${queues}`
      : own
        ? `${s.property} │ ${own}`
        : `${s.property} ${page} │ ${describeFilters(inbox.filters)}`,
    /** The same, abbreviated, when `left` does not fit. */
    short: s.queues
      ? `${s.property} │ ${describeQueues(s.queues, true)}`
      : own
        ? `${s.property} │ ${own}`
        : `${s.property} ${page} │ ${shortFilters(inbox.filters)}`,
    postgres: `pg ${s.health?.postgres ?? '…'}`,
    redis: `redis ${s.health?.redis ?? '…'}`,
  };
}
