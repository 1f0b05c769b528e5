import { formatDuration } from '../../core/hours/business-duration.ts';
import { type InboxItem } from '../../core/inbox/inbox-item.ts';
import type { InboxSort } from '../../core/inbox/list-inbox.ts';
import { fit, padTo, shortTime } from './text-fit.ts';
import { priorityNames } from '../../core/inbox/priority-names.ts';

interface Column {
  title: string;
  width: number;
  /** Columns with a higher number are dropped first when the terminal is narrow. */
  drop: number;
  cell(item: InboxItem, now: number): string;
}

/**
 * The WAITING and DUE cells, worded as `switchboard inbox list` words them
 * (cli/commands/inbox-command.ts `waitingAndDue`): how long the visitor has waited, and
 * "in 45m" before the due time, "1h 05m over" after it, "-" for none.
 */
export function waitingAndDue(i: InboxItem, now: number): [string, string] {
  const waiting = i.waitingSince ? formatDuration(now - i.waitingSince.getTime()) : '-';
  const due = !i.dueAt
    ? '-'
    : i.dueAt.getTime() <= now
      ? `${formatDuration(now - i.dueAt.getTime())} over`
      : `in ${formatDuration(i.dueAt.getTime() - now)}`;
  return [waiting, due];
}

/** How a row is coloured: breached once its due time has passed, at risk from its at-risk time until then. */
export type DueTone = 'breach' | 'risk' | null;

export function dueTone(i: InboxItem, now: number): DueTone {
  if (!i.dueAt) return null;
  if (i.dueAt.getTime() <= now) return 'breach';
  return i.atRiskAt && i.atRiskAt.getTime() <= now ? 'risk' : null;
}

/** The time column follows the sort: what the list is ordered by is what it shows. */
function timeColumn(sort: InboxSort): Column {
  // A due listing has no time of its own to show (DUE is a column): it shows when each was created.
  if (sort === 'created' || sort === 'due') return { title: 'CREATED', width: 11, drop: 2, cell: (i) => shortTime(i.createdAt) };
  if (sort === 'status_changed') return { title: 'CHANGED', width: 11, drop: 2, cell: (i) => shortTime(i.statusChangedAt) };
  return { title: 'UPDATED', width: 11, drop: 2, cell: (i) => shortTime(i.updatedAt) };
}

// Drop numbers: at 80 columns the list keeps ID, STATUS, WAITING, DUE and CONTACT (what a lead
// triages by); TYPE and the time come back at 100, the department and tags at about 140.
function columns(sort: InboxSort): Column[] {
  return [
    { title: 'ID', width: 6, drop: 0, cell: (i) => i.ref },
    { title: 'TYPE', width: 7, drop: 4, cell: (i) => (i.missed ? 'missed' : (i.channel ?? 'ticket')) },
    { title: 'STATUS', width: 7, drop: 0, cell: (i) => i.status },
    { title: 'WAITING', width: 7, drop: 1, cell: (i, now) => waitingAndDue(i, now)[0] },
    // "23h 59m over" is the longest below "1d 0h over".
    { title: 'DUE', width: 12, drop: 1, cell: (i, now) => waitingAndDue(i, now)[1] },
    { title: 'PRIO', width: 6, drop: 6, cell: (i) => priorityNames[i.priority] ?? String(i.priority) },
    { title: 'AGENT', width: 10, drop: 7, cell: (i) => i.agent?.name ?? '-' },
    { title: 'DEPT', width: 12, drop: 8, cell: (i) => i.department?.name ?? '-' },
    { title: 'TAGS', width: 14, drop: 9, cell: (i) => (i.tags.length ? i.tags.join(',') : '-') },
    { title: 'CONTACT', width: 18, drop: 2, cell: (i) => i.contact.email ?? i.contact.name ?? '-' },
    { ...timeColumn(sort), drop: 5 },
  ];
}

/** Titles get at least this many columns; fixed columns are dropped to keep it. */
const minTitle = 24;

/**
 * The inbox as fixed-width lines for a list `width` columns wide: a header and one line per
 * item, each exactly `width` long, and each row's due tone (the screen colours it). Narrow
 * terminals lose the least useful columns first. `now` is when waits and due times are read.
 */
export function formatInboxTable(
  items: InboxItem[],
  width: number,
  sort: InboxSort,
  now: number = Date.now(),
): { header: string; rows: string[]; tones: DueTone[] } {
  let shown = columns(sort);
  const used = (cols: Column[]) => cols.reduce((sum, c) => sum + c.width + 1, 0);
  while (width - used(shown) < minTitle && shown.some((c) => c.drop > 0)) {
    const worst = Math.max(...shown.map((c) => c.drop));
    shown = shown.filter((c) => c.drop !== worst);
  }
  // A wide terminal gives the contact column some of the room.
  const spare = width - used(shown) - 60;
  if (spare > 0) shown = shown.map((c) => (c.title === 'CONTACT' ? { ...c, width: c.width + Math.min(spare, 12) } : c));
  const titleWidth = Math.max(0, width - used(shown));
  const line = (cells: string[]) => padTo(cells.join(''), width);
  return {
    header: line([...shown.map((c) => fit(c.title, c.width) + ' '), fit('TITLE', titleWidth)]),
    rows: items.map((item) => line([...shown.map((c) => fit(c.cell(item, now), c.width) + ' '), fit(item.title, titleWidth)])),
    tones: items.map((item) => dueTone(item, now)),
  };
}
