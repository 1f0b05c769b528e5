import type { InboxQuery, InboxSort, SortOrder } from '../../core/inbox/list-inbox.ts';

/** Which kinds of item the inbox shows. */
export type InboxView = 'both' | 'conversations' | 'tickets';
/** The status filter; `all` shows every status. */
export type StatusFilter = 'all' | 'open' | 'pending' | 'closed';
/** The agent filter; `any` leaves it off. */
export type AgentFilter = 'any' | 'unassigned' | 'assigned';

/** The dashboard's inbox filters: the subset of InboxQuery that keys can change. */
export interface InboxFilters {
  view: InboxView;
  status: StatusFilter;
  agent: AgentFilter;
  /** Free text; '' for none. */
  text: string;
  sort: InboxSort;
  order: SortOrder;
}

export const views: readonly InboxView[] = ['both', 'conversations', 'tickets'];
export const statuses: readonly StatusFilter[] = ['all', 'open', 'pending', 'closed'];
export const agentFilters: readonly AgentFilter[] = ['any', 'unassigned', 'assigned'];
export const sorts: readonly InboxSort[] = ['created', 'updated', 'status_changed', 'priority'];

/** What the dashboard opens with: everything, newest first (as `switchboard inbox list`). */
export const defaultFilters: InboxFilters = { view: 'both', status: 'all', agent: 'any', text: '', sort: 'created', order: 'desc' };

/** The value after `current` in `list`, wrapping round. */
export function cycle<T>(list: readonly T[], current: T): T {
  return list[(list.indexOf(current) + 1) % list.length]!;
}

/** The core query of one page under these filters. */
export function toInboxQuery(filters: InboxFilters, cursor: string | null, limit: number): InboxQuery {
  return {
    show: filters.view,
    status: filters.status,
    agent: filters.agent === 'any' ? undefined : filters.agent,
    text: filters.text || undefined,
    sort: filters.sort,
    order: filters.order,
    limit,
    cursor: cursor ?? undefined,
  };
}

/** A one-line summary for the status bar: only what differs from showing everything. */
export function describeFilters(filters: InboxFilters): string {
  const parts = [filters.view, `status:${filters.status}`, `agent:${filters.agent}`, `${filters.sort.replace('_', '-')} ${filters.order}`];
  if (filters.text) parts.push(`/${filters.text}`);
  return parts.join(' ');
}
