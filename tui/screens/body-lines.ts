import type { DashboardState } from '../state/dashboard-types.ts';
import { listWindowFirst } from '../state/mouse.ts';
import { formatAgentsTable } from './agents-table.ts';
import { formatInboxTable, type DueTone } from './inbox-table.ts';
import { formatDetail, type LineKind } from './item-transcript.ts';
import { formatJobDetail, formatJobList, type JobLineKind } from './job-list.ts';
import { formatQueuesTable } from './queues-table.ts';
import { formatReportsView } from './reports-view.ts';
import { esc } from './tag-escape.ts';
import { fit } from './text-fit.ts';

// The dashboard's body, tab by tab, as lines of blessed tags fitted to the frame: plain text
// from the pure formatters, with colour added here.

/** The body's size in columns and lines. */
export interface Frame {
  width: number;
  height: number;
}

const lineColours: Record<LineKind, string | null> = {
  heading: 'white-fg}{bold',
  meta: 'gray-fg',
  visitor: 'cyan-fg',
  agent: 'green-fg',
  trigger: 'black-fg}{yellow-bg',
  system: 'black-fg}{magenta-bg',
  note: 'yellow-fg',
  quote: 'gray-fg',
  body: null,
};

const jobLineColours: Record<JobLineKind, string | null> = { heading: 'white-fg}{bold', meta: 'gray-fg', error: 'red-fg', body: null };

/** A row past its due time in red, one at risk in yellow (the selected row keeps the selection's colours). */
const dueRow = (row: string, tone: DueTone) =>
  tone === 'breach' ? `{red-fg}${esc(row)}{/}` : tone === 'risk' ? `{yellow-fg}${esc(row)}{/}` : esc(row);
const selectedRow = (row: string) => `{black-fg}{cyan-bg}${esc(row)}{/}`;

/** The body's lines for what the state shows: the tab, or the inbox's list, item or history. */
export function bodyLines(state: DashboardState, frame: Frame): string[] {
  if (state.tab === 'reports') return reportLines(state, frame);
  if (state.tab === 'agents') return agentLines(state, frame);
  if (state.tab === 'trash') return trashLines(state, frame);
  if (state.tab === 'queues') return queueLines(state, frame);
  return state.inbox.mode === 'history' && state.inbox.history ? historyLines(state, frame) : inboxLines(state, frame);
}

function inboxLines(state: DashboardState, frame: Frame): string[] {
  const inbox = state.inbox;
  const w = frame.width;
  if (inbox.mode === 'detail' && inbox.detail) {
    const d = inbox.detail;
    if (!d.data) return [d.error ? `{red-fg}${esc(d.error)}{/}` : `loading ${d.ref}…`];
    const lines = formatDetail(d.data, w - 1, d.showQuoted ?? false);
    const scroll = Math.min(d.scroll, Math.max(0, lines.length - frame.height));
    return lines.slice(scroll, scroll + frame.height).map((l) => {
      const colour = lineColours[l.kind];
      return colour ? `{${colour}}${esc(l.text)}{/}` : esc(l.text);
    });
  }
  const table = formatInboxTable(inbox.items, w, inbox.filters.sort);
  const lines = [`{bold}${esc(table.header)}{/bold}`];
  table.rows.forEach((row, n) => lines.push(n === inbox.selected ? selectedRow(row) : dueRow(row, table.tones[n]!)));
  if (inbox.items.length === 0) lines.push(inbox.loadedSeq === 0 ? 'loading…' : 'nothing matches these filters');
  if (inbox.error) lines.push(`{red-fg}${esc(inbox.error)}{/}`);
  return lines;
}

/** A list of items with its selection: the trash tab and a contact's history. */
function itemList(items: DashboardState['inbox']['items'], selected: number, sort: 'created' | 'updated', frame: Frame): string[] {
  const table = formatInboxTable(items, frame.width, sort);
  const lines = [`{bold}${esc(table.header)}{/bold}`];
  const room = Math.max(1, frame.height - 2);
  const first = listWindowFirst(selected, items.length, room);
  table.rows
    .slice(first, first + room)
    .forEach((row, n) => lines.push(n + first === selected ? selectedRow(row) : dueRow(row, table.tones[n + first]!)));
  return lines;
}

function historyLines(state: DashboardState, frame: Frame): string[] {
  const h = state.inbox.history!;
  const count = h.loaded ? `${h.items.length} item${h.items.length === 1 ? '' : 's'}, oldest first` : 'loading…';
  const title = `{bold}${esc(fit(`History of ${h.email}  ${count}  (enter opens · esc back)`, frame.width))}{/bold}`;
  if (h.error) return [title, `{red-fg}${esc(h.error)}{/}`];
  return [title, ...itemList(h.items, h.selected, 'created', frame)];
}

function trashLines(state: DashboardState, frame: Frame): string[] {
  const t = state.trash;
  const count = t.loadedSeq === 0 ? 'loading…' : `${t.items.length} item${t.items.length === 1 ? '' : 's'}, last trashed first`;
  const title = `{bold}${esc(fit(`Trash  ${count}  (R restores · D deletes permanently)`, frame.width))}{/bold}`;
  if (t.error) return [title, `{red-fg}${esc(t.error)}{/}`];
  if (t.loadedSeq > 0 && t.items.length === 0) return [title, '', 'the trash is empty'];
  return [title, ...itemList(t.items, t.selected, 'updated', frame)];
}

function agentLines(state: DashboardState, frame: Frame): string[] {
  const a = state.agents;
  const count = a.loadedSeq === 0 ? 'loading…' : `${a.rows.length}, by name`;
  const title = `{bold}${esc(fit(`Agents  ${count}  (breaches since midnight · enter lists their open items)`, frame.width))}{/bold}`;
  if (a.error && a.rows.length === 0) return [title, `{red-fg}${esc(a.error)}{/}`];
  if (a.loadedSeq > 0 && a.rows.length === 0) return [title, '', 'no agents in this property (switchboard agent add)'];
  const table = formatAgentsTable(a.rows, frame.width);
  const room = Math.max(1, frame.height - 2);
  const first = listWindowFirst(a.selected, a.rows.length, room);
  const lines = [title, `{bold}${esc(table.header)}{/bold}`];
  table.rows
    .slice(first, first + room)
    .forEach((row, n) =>
      lines.push(n + first === a.selected ? selectedRow(row) : table.breached[n + first] ? `{red-fg}${esc(row)}{/}` : esc(row)),
    );
  if (a.error) lines.push(`{red-fg}${esc(a.error)} (the rows above are the last read){/}`);
  return lines;
}

function reportLines(state: DashboardState, frame: Frame): string[] {
  const r = state.reports;
  const loading = r.loadedSeq !== r.loadSeq ? ' …' : '';
  const heading = `Reports  responses, last 7 days${loading}  (b groups by agent, department, priority · 5 reads again)`;
  const title = `{bold}${esc(fit(heading, frame.width))}{/bold}`;
  if (!r.report) return [title, r.error ? `{red-fg}${esc(r.error)}{/}` : 'loading…'];
  const view = formatReportsView(r.report, frame.width);
  const room = Math.max(2, (frame.height - 6) & ~1); // whole groups: two rows each
  const lines = [title, esc(view.intro), `{bold}${esc(view.header)}{/bold}`];
  view.rows.slice(0, room).forEach((row, n) => lines.push(view.breached[n] ? `{red-fg}${esc(row)}{/}` : esc(row)));
  if (view.rows.length > room) {
    const more = `… ${(view.rows.length - room) / 2} more groups (switchboard report responses --by ${r.report.by ?? 'agent'})`;
    lines.push(`{gray-fg}${esc(fit(more, frame.width))}{/}`);
  }
  lines.push('', esc(view.days));
  if (r.error) lines.push(`{red-fg}${esc(r.error)} (the report above is the last read){/}`);
  return lines;
}

function queueLines(state: DashboardState, frame: Frame): string[] {
  const q = state.queues;
  if (q.mode === 'jobs') return jobListLines(state, frame);
  if (q.mode === 'job') return jobDetailLines(state, frame);
  if (!q.stats) return [q.statsError ? `{red-fg}${esc(q.statsError)}{/}` : 'loading…'];
  const [header, ...rows] = formatQueuesTable(q.stats, frame.width);
  const lines = [`{bold}${esc(header!)}{/bold}`, ...rows.map((row, n) => (n === q.selected ? selectedRow(row) : esc(row)))];
  lines.push(
    '',
    `{gray-fg}${esc(fit('enter lists the jobs · P pause/resume · R retry all failed · X F clean completed/failed', frame.width))}{/}`,
  );
  if (q.stats.every((s) => s.throughput === null))
    lines.push(`{gray-fg}${esc(fit('LAST HOUR "-": no BullMQ metrics (the workers run without metrics.maxDataPoints)', frame.width))}{/}`);
  if (q.statsError) lines.push('', `{red-fg}${esc(q.statsError)} (counts above are the last known){/}`);
  return lines;
}

function jobListLines(state: DashboardState, frame: Frame): string[] {
  const q = state.queues;
  const from = q.page * q.pageSize;
  const range = q.jobs.length ? `${from + 1}-${from + q.jobs.length}${q.hasMore ? '+' : ''}` : '';
  const loading = q.loadedSeq !== q.loadSeq ? ' …' : '';
  const heading = `${q.queue} · ${q.jobState} ${range}${loading}  (s state · n p page · enter opens · esc back)`;
  const title = `{bold}${esc(fit(heading, frame.width))}{/bold}`;
  const table = formatJobList(q.jobs, q.jobState, frame.width);
  const lines = [title, `{bold}${esc(table.header)}{/bold}`];
  table.rows.forEach((row, n) => lines.push(n === q.jobSelected ? selectedRow(row) : esc(row)));
  if (q.jobs.length === 0) lines.push(q.loadedSeq !== q.loadSeq ? 'loading…' : `no ${q.jobState} jobs`);
  if (q.error) lines.push(`{red-fg}${esc(q.error)}{/}`);
  return lines;
}

function jobDetailLines(state: DashboardState, frame: Frame): string[] {
  const q = state.queues;
  const d = q.detail!;
  if (!d.data) return [d.error ? `{red-fg}${esc(d.error)}{/}` : `loading job ${d.id}…`];
  const lines = formatJobDetail(q.queue ?? '', d.data, frame.width - 1);
  const scroll = Math.min(d.scroll, Math.max(0, lines.length - frame.height));
  const shown = lines.slice(scroll, scroll + frame.height).map((l) => {
    const colour = jobLineColours[l.kind];
    return colour ? `{${colour}}${esc(l.text)}{/}` : esc(l.text);
  });
  if (d.error) shown[shown.length - 1] = `{red-fg}${esc(fit(d.error, frame.width))}{/}`;
  return shown;
}
