import type { InboxQuery, InboxSort, SortOrder } from '../../core/inbox/list-inbox.ts';

/** Which kinds of item the inbox shows. */
export type InboxView = 'both' | 'conversations' | 'tickets';
/** The status filter; `all` shows every status. */
export type StatusFilter = 'all' | 'open' | 'pending' | 'closed';
/** The agent filter; `any` leaves it off. */
export type AgentFilter = 'any' | 'unassigned' | 'assigned';

/** An agent, department or tag the filter prompt resolved: its id for the query, its name for the status bar. */
export interface NamedRef {
  id: string;
  name: string;
}

/** The dashboard's inbox filters: the subset of InboxQuery that keys can change. */
export interface InboxFilters {
  view: InboxView;
  status: StatusFilter;
  /** any / unassigned / assigned (cycled by `a`), or one agent (the filter prompt). */
  agent: AgentFilter | NamedRef;
  /** Free text; '' for none. */
  text: string;
  sort: InboxSort;
  order: SortOrder;
  /** The filter prompt's fields; absent (or null) when off. */
  department?: NamedRef | null;
  tag?: NamedRef | null;
  /** Created on or after this day (YYYY-MM-DD, local time). */
  createdFrom?: string | null;
  /** Created on or before this day (YYYY-MM-DD, local time; the whole day counts). */
  createdTo?: string | null;
  /** Missed chats only (`m`). */
  missed?: boolean;
  /** Only items with a visitor email to answer (the missed pile, `M`). */
  withEmail?: boolean;
  /** By response clocks (the breached and at-risk pile keys); absent or null when off. */
  due?: 'breached' | 'at-risk' | null;
}

export const views: readonly InboxView[] = ['both', 'conversations', 'tickets'];
export const statuses: readonly StatusFilter[] = ['all', 'open', 'pending', 'closed'];
export const agentFilters: readonly AgentFilter[] = ['any', 'unassigned', 'assigned'];
export const sorts: readonly InboxSort[] = ['created', 'updated', 'status_changed', 'priority'];

/** What the dashboard opens with: everything, newest first (as `switchboard inbox list`). */
export const defaultFilters: InboxFilters = { view: 'both', status: 'all', agent: 'any', text: '', sort: 'created', order: 'desc' };

/** The value after `current` in `list`, wrapping round (from one agent, back to the first). */
export function cycle<T>(list: readonly T[], current: T): T {
  return list[(list.indexOf(current) + 1) % list.length]!;
}

/** The fields of the filter prompt (`f`), in the order tab cycles them. */
export type FilterField = 'agent' | 'department' | 'tag' | 'from' | 'to';
export const filterFields: readonly FilterField[] = ['agent', 'department', 'tag', 'from', 'to'];

const pad = (n: number) => String(n).padStart(2, '0');
const dayText = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** A day as typed: YYYY-MM-DD, `today`, `yesterday` or `Nd` (N days ago); null when it is none of those. */
export function parseDay(text: string, now: Date = new Date()): string | null {
  const value = text.trim().toLowerCase();
  const ago = (days: number) => dayText(new Date(now.getFullYear(), now.getMonth(), now.getDate() - days));
  if (value === 'today') return ago(0);
  if (value === 'yesterday') return ago(1);
  const rel = /^(\d{1,4})d$/.exec(value);
  if (rel) return ago(Number(rel[1]));
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (d.getFullYear() !== Number(m[1]) || d.getMonth() !== Number(m[2]) - 1 || d.getDate() !== Number(m[3])) return null;
  return dayText(d);
}

/** Local midnight of a YYYY-MM-DD day, `plusDays` later. */
function dayStart(day: string, plusDays = 0): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays);
}

/** The text the prompt starts with for `field`: its current value. */
export function filterValue(filters: InboxFilters, field: FilterField): string {
  switch (field) {
    case 'agent':
      return typeof filters.agent === 'string' ? (filters.agent === 'any' ? '' : filters.agent) : filters.agent.name;
    case 'department':
      return filters.department?.name ?? '';
    case 'tag':
      return filters.tag?.name ?? '';
    case 'from':
      return filters.createdFrom ?? '';
    case 'to':
      return filters.createdTo ?? '';
  }
}

/**
 * What a value typed into the filter prompt does: new filters at once (empty clears the field,
 * a date, any / assigned / unassigned), a name to look up first (an agent, a department, a
 * tag), or an error for the message bar.
 */
export type FilterChange =
  { filters: InboxFilters } | { lookup: { field: 'agent' | 'department' | 'tag'; value: string } } | { error: string };

export function applyFilterValue(filters: InboxFilters, field: FilterField, raw: string, now: Date = new Date()): FilterChange {
  const value = raw.trim();
  switch (field) {
    case 'agent': {
      const word = value.toLowerCase();
      if (!value || word === 'any') return { filters: { ...filters, agent: 'any' } };
      if (word === 'assigned' || word === 'unassigned') return { filters: { ...filters, agent: word } };
      return { lookup: { field, value } };
    }
    case 'department':
    case 'tag':
      if (!value) return { filters: { ...filters, [field]: null } };
      return { lookup: { field, value } };
    case 'from':
    case 'to': {
      const key = field === 'from' ? 'createdFrom' : 'createdTo';
      if (!value) return { filters: { ...filters, [key]: null } };
      const day = parseDay(value, now);
      if (!day) return { error: `"${value}" is not a day: use YYYY-MM-DD, today, yesterday or 7d` };
      const next = { ...filters, [key]: day };
      if (next.createdFrom && next.createdTo && next.createdFrom > next.createdTo)
        return { error: `created from ${next.createdFrom} is after created to ${next.createdTo}` };
      return { filters: next };
    }
  }
}

/** Sets a looked-up agent, department or tag. */
export function withResolved(filters: InboxFilters, field: 'agent' | 'department' | 'tag', ref: NamedRef): InboxFilters {
  return { ...filters, [field]: ref };
}

/** Every filter off but the view, status, text and sort (as after switching property: its ids mean nothing elsewhere). */
export function withoutPropertyFilters(filters: InboxFilters): InboxFilters {
  return {
    view: filters.view,
    status: filters.status,
    agent: typeof filters.agent === 'string' ? filters.agent : 'any',
    text: filters.text,
    sort: filters.sort,
    order: filters.order,
  };
}

/** `F`: the agent, department, tag, dates, missed-only and due off (view, status, text and sort stay, but the due sort). */
export function clearExtraFilters(filters: InboxFilters): InboxFilters {
  // The due sort lists only items with a running clock: without the due filter that set it
  // (a pile key), it would still hide the rest, so it goes back to the default sort.
  const sort = filters.sort === 'due' ? { sort: defaultFilters.sort, order: defaultFilters.order } : {};
  return { ...withoutPropertyFilters(filters), agent: 'any', ...sort };
}

/** Whether any filter beyond view, status, text and sort is on. */
export function hasExtraFilters(filters: InboxFilters): boolean {
  return (
    filters.agent !== 'any' ||
    Boolean(
      filters.department || filters.tag || filters.createdFrom || filters.createdTo || filters.missed || filters.withEmail || filters.due,
    )
  );
}

/** The core query of one page under these filters. */
export function toInboxQuery(filters: InboxFilters, cursor: string | null, limit: number): InboxQuery {
  const agent = filters.agent;
  return {
    show: filters.view,
    status: filters.status,
    agent: agent === 'any' ? undefined : typeof agent === 'string' ? agent : { id: agent.id },
    departmentId: filters.department?.id,
    tagId: filters.tag?.id,
    createdFrom: filters.createdFrom ? dayStart(filters.createdFrom) : undefined,
    createdTo: filters.createdTo ? dayStart(filters.createdTo, 1) : undefined,
    missed: filters.missed ? true : undefined,
    withEmail: filters.withEmail ? true : undefined,
    due: filters.due ?? undefined,
    text: filters.text || undefined,
    sort: filters.sort,
    order: filters.order,
    limit,
    cursor: cursor ?? undefined,
  };
}

/** The extra filters as short words: @agent dept:name #tag from..to missed. */
function extraParts(filters: InboxFilters, short: boolean): string[] {
  const parts: string[] = [];
  if (typeof filters.agent !== 'string') parts.push(`@${filters.agent.name}`);
  if (filters.department) parts.push(`${short ? 'd:' : 'dept:'}${filters.department.name}`);
  if (filters.tag) parts.push(`#${filters.tag.name}`);
  if (filters.createdFrom || filters.createdTo) {
    const day = (d: string | null | undefined) => (d ? (short ? d.slice(5) : d) : '');
    parts.push(`${day(filters.createdFrom)}..${day(filters.createdTo)}`);
  }
  if (filters.missed) parts.push('missed');
  if (filters.withEmail) parts.push(short ? 'email' : 'with-email');
  if (filters.due) parts.push(filters.due);
  return parts;
}

/** A one-line summary for the status bar: every filter, the sort, the search. */
export function describeFilters(filters: InboxFilters): string {
  const agent = typeof filters.agent === 'string' ? [`agent:${filters.agent}`] : [];
  const parts = [
    filters.view,
    `status:${filters.status}`,
    ...agent,
    ...extraParts(filters, false),
    `${filters.sort.replace('_', '-')} ${filters.order}`,
  ];
  if (filters.text) parts.push(`/${filters.text}`);
  return parts.join(' ');
}

/** The same, abbreviated for a narrow status bar: only what differs from the defaults, short words. */
export function shortFilters(filters: InboxFilters): string {
  const parts: string[] = [];
  if (filters.view !== 'both') parts.push(filters.view === 'conversations' ? 'chats' : 'tickets');
  if (filters.status !== 'all') parts.push(`status:${filters.status}`);
  if (filters.agent === 'assigned' || filters.agent === 'unassigned') parts.push(filters.agent === 'assigned' ? 'asgd' : 'unasgd');
  parts.push(...extraParts(filters, true));
  if (filters.sort !== 'created' || filters.order !== 'desc')
    parts.push(`${filters.sort.replace('status_changed', 'chg')}${filters.order === 'asc' ? '↑' : '↓'}`);
  if (filters.text) parts.push(`/${filters.text}`);
  return parts.length ? parts.join(' ') : 'all items';
}
