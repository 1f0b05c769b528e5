import { priorityNames, type InboxItem } from '../../core/inbox/inbox-item.ts';
import type { InboxSort } from '../../core/inbox/list-inbox.ts';
import { fit, padTo, shortTime } from './text-fit.ts';

interface Column {
  title: string;
  width: number;
  /** Columns with a higher number are dropped first when the terminal is narrow. */
  drop: number;
  cell(item: InboxItem): string;
}

/** The time column follows the sort: what the list is ordered by is what it shows. */
function timeColumn(sort: InboxSort): Column {
  if (sort === 'created') return { title: 'CREATED', width: 11, drop: 2, cell: (i) => shortTime(i.createdAt) };
  if (sort === 'status_changed') return { title: 'CHANGED', width: 11, drop: 2, cell: (i) => shortTime(i.statusChangedAt) };
  return { title: 'UPDATED', width: 11, drop: 2, cell: (i) => shortTime(i.updatedAt) };
}

function columns(sort: InboxSort): Column[] {
  return [
    { title: 'ID', width: 6, drop: 0, cell: (i) => i.ref },
    { title: 'TYPE', width: 7, drop: 3, cell: (i) => (i.missed ? 'missed' : (i.channel ?? 'ticket')) },
    { title: 'STATUS', width: 7, drop: 0, cell: (i) => i.status },
    { title: 'PRIO', width: 6, drop: 4, cell: (i) => priorityNames[i.priority] ?? String(i.priority) },
    { title: 'AGENT', width: 10, drop: 5, cell: (i) => i.agent?.name ?? '-' },
    { title: 'CONTACT', width: 18, drop: 1, cell: (i) => i.contact.email ?? i.contact.name ?? '-' },
    timeColumn(sort),
  ];
}

/** Titles get at least this many columns; fixed columns are dropped to keep it. */
const minTitle = 24;

/**
 * The inbox as fixed-width lines for a list `width` columns wide: a header and one line per
 * item, each exactly `width` long. Narrow terminals lose the least useful columns first.
 */
export function formatInboxTable(items: InboxItem[], width: number, sort: InboxSort): { header: string; rows: string[] } {
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
    rows: items.map((item) => line([...shown.map((c) => fit(c.cell(item), c.width) + ' '), fit(item.title, titleWidth)])),
  };
}
