import type { InboxQuery, InboxSort, SortOrder } from '../core/inbox/list-inbox.ts';
import { searchWords } from './inbox-seed.ts';

/** Ids from the seeded main property that filters refer to. */
export interface BenchRefs {
  agentId: string;
  departmentId: string;
  tagId: string;
  /** A one-month window of creation dates, well inside the seeded two years. */
  createdFrom: Date;
  createdTo: Date;
  /** The end of today as the CLI's `--due today` has it (midnight in the property's zone; it has no business hours, so the machine's). */
  endOfToday: Date;
  /** Two hours ago, as `--waiting-longer-than 2h` has it. */
  twoHoursAgo: Date;
}

/** A named inbox filter (everything of an InboxQuery but sort and paging). */
export interface BenchFilter {
  name: string;
  query: InboxQuery;
}

/** The filters the product offers, each on its own, plus the most common combinations of a lead. */
export function benchFilters(refs: BenchRefs): BenchFilter[] {
  return [
    { name: 'none', query: {} },
    { name: 'status open', query: { status: 'open' } },
    { name: 'status closed', query: { status: 'closed' } },
    { name: 'unassigned', query: { agent: 'unassigned' } },
    { name: 'assigned', query: { agent: 'assigned' } },
    { name: 'one agent', query: { agent: { id: refs.agentId } } },
    { name: 'department', query: { departmentId: refs.departmentId } },
    { name: 'tag', query: { tagId: refs.tagId } },
    { name: 'created 1 month', query: { createdFrom: refs.createdFrom, createdTo: refs.createdTo } },
    { name: `text common (${searchWords.common})`, query: { text: searchWords.common } },
    { name: `text rare (${searchWords.rare})`, query: { text: searchWords.rare } },
    { name: 'conversations only', query: { show: 'conversations' } },
    { name: 'tickets only', query: { show: 'tickets' } },
    { name: 'open + unassigned', query: { status: 'open', agent: 'unassigned' } },
    { name: 'due breached', query: { due: 'breached' } },
    { name: 'due at-risk', query: { due: 'at-risk' } },
    { name: 'due today', query: { due: { before: refs.endOfToday } } },
    { name: 'waiting > 2h', query: { waitingSince: refs.twoHoursAgo } },
    // The breached pile of the dashboard, narrowed to what nobody has picked up.
    { name: 'open + unassigned + breached', query: { status: 'open', agent: 'unassigned', due: 'breached' } },
  ];
}

/** Every sort key in both directions. */
export const benchSorts: { sort: InboxSort; order: SortOrder }[] = (
  ['created', 'updated', 'status_changed', 'priority', 'due'] as const
).flatMap((sort) => (['desc', 'asc'] as const).map((order) => ({ sort, order })));
