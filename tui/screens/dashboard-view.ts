import blessed from 'blessed';
import type { ConnectionHealth } from '../data/connection-health.ts';
import { tabs } from '../state/dashboard-state.ts';
import { attentionBar, type BarSegment } from './attention-bar.ts';
import { createDialogWidgets } from './dialog-widgets.ts';
import { helpLines } from './help-text.ts';
import { formatAgentsTable } from './agents-table.ts';
import { formatReportsView } from './reports-view.ts';
import { formatInboxTable, type DueTone } from './inbox-table.ts';
import { formatDetail, type LineKind } from './item-transcript.ts';
import { formatJobDetail, formatJobList, type JobLineKind } from './job-list.ts';
import { formatQueuesTable } from './queues-table.ts';
import { listWindowFirst } from '../state/mouse.ts';
import { statusParts } from './status-line.ts';
import { fit } from './text-fit.ts';
import type { DashboardState } from '../state/dashboard-types.ts';

/** Everything the screen shows, read from the controller on each render. */
export interface ViewData {
  state: DashboardState;
  property: string;
  health: ConnectionHealth | null;
}

/** The widgets of the dashboard, laid out on the screen; `update` sets their content (it does not render). */
export interface DashboardView {
  update(data: ViewData): void;
  /** How many inbox rows fit on the screen now. */
  listHeight(): number;
  /** How many lines the body has. */
  bodyHeight(): number;
  /** Shows the reply editor, empty, and starts reading keys into it. */
  openEditor(ref: string): void;
  /** Stops reading and hides the editor. */
  closeEditor(): void;
  /** The editor's text. */
  editorText(): string;
}

const tabTitles: Record<DashboardState['tab'], string> = { inbox: 'Inbox', queues: 'Queues', trash: 'Trash', agents: 'Agents', reports: 'Reports' };
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

const esc = (text: string) => blessed.escape(text);
const toneColours: Record<NonNullable<BarSegment['tone']>, string> = { breach: 'white-fg}{red-bg', risk: 'black-fg}{yellow-bg' };
const barSegment = (s: BarSegment) => (s.tone ? `{${toneColours[s.tone]}}${esc(s.text)}{/}` : esc(s.text));
/** A row past its due time in red, one at risk in yellow (the selected row keeps the selection's colours). */
const dueRow = (row: string, tone: DueTone) => (tone === 'breach' ? `{red-fg}${esc(row)}{/}` : tone === 'risk' ? `{yellow-fg}${esc(row)}{/}` : esc(row));
const selectedRow = (row: string) => `{black-fg}{cyan-bg}${esc(row)}{/}`;

/**
 * Builds the widgets: a header line with the tabs, a body (the inbox list with its column
 * header, an item's detail, a contact's history, the queues table or the trash), a status bar
 * (or the message of the last action), a help overlay and the dialogs. Content
 * is plain text fitted to the width by the pure formatters; blessed tags add only colour.
 */
/** What the mouse did on the body: a click on one of its lines (0 = the first), or the wheel. */
export type BodyMouse = { type: 'click'; row: number } | { type: 'wheel'; down: boolean };

export function createDashboardView(screen: blessed.Widgets.Screen, onEditorKey: (key: string) => void = () => {}, onMouse: (event: BodyMouse) => void = () => {}): DashboardView {
  const header = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: 1, tags: true, style: { bg: 'blue', fg: 'white' } });
  // Lines are fitted to the width before they get here; blessed's own wrapping would also
  // break a line that ends in a colour reset (it counts the escape codes), so it is off.
  const body = blessed.box({ parent: screen, top: 1, left: 0, width: '100%', height: '100%-3', tags: true, wrap: false, clickable: true });
  body.on('click', (data: { y: number }) => onMouse({ type: 'click', row: data.y - Number(body.atop) }));
  body.on('wheeldown', () => onMouse({ type: 'wheel', down: true }));
  body.on('wheelup', () => onMouse({ type: 'wheel', down: false }));
  // The lead's piles, on a line of their own above the status bar so that they keep their
  // counts and ages at 80 columns, where the status bar has no room to spare.
  const attention = blessed.box({ parent: screen, bottom: 1, left: 0, width: '100%', height: 1, tags: true, style: { bg: 'black', fg: 'white' } });
  const status = blessed.box({ parent: screen, bottom: 0, left: 0, width: '100%', height: 1, tags: true, style: { bg: 'black', fg: 'white' } });
  const help = blessed.box({
    parent: screen,
    top: 'center',
    left: 'center',
    width: 72,
    height: 10,
    border: { type: 'line' },
    label: ' Keys (any key closes) ',
    padding: { left: 1, right: 1 },
    tags: false,
    hidden: true,
    style: { border: { fg: 'cyan' } },
  });
  const dialogs = createDialogWidgets(screen, onEditorKey);

  const width = () => Number(screen.width);
  const bodyHeight = () => Math.max(1, Number(screen.height) - 3);

  function inboxLines(data: ViewData): string[] {
    const inbox = data.state.inbox;
    const w = width();
    if (inbox.mode === 'detail' && inbox.detail) {
      const d = inbox.detail;
      if (!d.data) return [d.error ? `{red-fg}${esc(d.error)}{/}` : `loading ${d.ref}…`];
      const lines = formatDetail(d.data, w - 1, d.showQuoted ?? false);
      const scroll = Math.min(d.scroll, Math.max(0, lines.length - bodyHeight()));
      return lines.slice(scroll, scroll + bodyHeight()).map((l) => {
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
  function itemList(items: DashboardState['inbox']['items'], selected: number, sort: 'created' | 'updated'): string[] {
    const table = formatInboxTable(items, width(), sort);
    const lines = [`{bold}${esc(table.header)}{/bold}`];
    const room = Math.max(1, bodyHeight() - 2);
    const first = listWindowFirst(selected, items.length, room);
    table.rows.slice(first, first + room).forEach((row, n) => lines.push(n + first === selected ? selectedRow(row) : dueRow(row, table.tones[n + first]!)));
    return lines;
  }

  function historyLines(data: ViewData): string[] {
    const h = data.state.inbox.history!;
    const count = h.loaded ? `${h.items.length} item${h.items.length === 1 ? '' : 's'}, oldest first` : 'loading…';
    const title = `{bold}${esc(fit(`History of ${h.email}  ${count}  (enter opens · esc back)`, width()))}{/bold}`;
    if (h.error) return [title, `{red-fg}${esc(h.error)}{/}`];
    return [title, ...itemList(h.items, h.selected, 'created')];
  }

  function trashLines(data: ViewData): string[] {
    const t = data.state.trash;
    const count = t.loadedSeq === 0 ? 'loading…' : `${t.items.length} item${t.items.length === 1 ? '' : 's'}, last trashed first`;
    const title = `{bold}${esc(fit(`Trash  ${count}  (R restores · D deletes permanently)`, width()))}{/bold}`;
    if (t.error) return [title, `{red-fg}${esc(t.error)}{/}`];
    if (t.loadedSeq > 0 && t.items.length === 0) return [title, '', 'the trash is empty'];
    return [title, ...itemList(t.items, t.selected, 'updated')];
  }

  function agentLines(data: ViewData): string[] {
    const a = data.state.agents;
    const title = `{bold}${esc(fit(`Agents  ${a.loadedSeq === 0 ? 'loading…' : `${a.rows.length}, by name`}  (breaches since midnight · enter lists their open items)`, width()))}{/bold}`;
    if (a.error && a.rows.length === 0) return [title, `{red-fg}${esc(a.error)}{/}`];
    if (a.loadedSeq > 0 && a.rows.length === 0) return [title, '', 'no agents in this property (switchboard agent add)'];
    const table = formatAgentsTable(a.rows, width());
    const room = Math.max(1, bodyHeight() - 2);
    const first = listWindowFirst(a.selected, a.rows.length, room);
    const lines = [title, `{bold}${esc(table.header)}{/bold}`];
    table.rows.slice(first, first + room).forEach((row, n) => lines.push(n + first === a.selected ? selectedRow(row) : table.breached[n + first] ? `{red-fg}${esc(row)}{/}` : esc(row)));
    if (a.error) lines.push(`{red-fg}${esc(a.error)} (the rows above are the last read){/}`);
    return lines;
  }

  function reportLines(data: ViewData): string[] {
    const r = data.state.reports;
    const title = `{bold}${esc(fit(`Reports  responses, last 7 days${r.loadedSeq !== r.loadSeq ? ' …' : ''}  (b groups by agent, department, priority · 5 reads again)`, width()))}{/bold}`;
    if (!r.report) return [title, r.error ? `{red-fg}${esc(r.error)}{/}` : 'loading…'];
    const view = formatReportsView(r.report, width());
    const room = Math.max(2, (bodyHeight() - 6) & ~1); // whole groups: two rows each
    const lines = [title, esc(view.intro), `{bold}${esc(view.header)}{/bold}`];
    view.rows.slice(0, room).forEach((row, n) => lines.push(view.breached[n] ? `{red-fg}${esc(row)}{/}` : esc(row)));
    if (view.rows.length > room) lines.push(`{gray-fg}${esc(fit(`… ${(view.rows.length - room) / 2} more groups (switchboard report responses --by ${r.report.by ?? 'agent'})`, width()))}{/}`);
    lines.push('', esc(view.days));
    if (r.error) lines.push(`{red-fg}${esc(r.error)} (the report above is the last read){/}`);
    return lines;
  }

  function queueLines(data: ViewData): string[] {
    const q = data.state.queues;
    if (q.mode === 'jobs') return jobListLines(data);
    if (q.mode === 'job') return jobDetailLines(data);
    if (!q.stats) return [q.statsError ? `{red-fg}${esc(q.statsError)}{/}` : 'loading…'];
    const [header, ...rows] = formatQueuesTable(q.stats, width());
    const lines = [`{bold}${esc(header!)}{/bold}`, ...rows.map((row, n) => (n === q.selected ? selectedRow(row) : esc(row)))];
    lines.push('', `{gray-fg}${esc(fit('enter lists the jobs · P pause/resume · R retry all failed · X F clean completed/failed', width()))}{/}`);
    if (q.stats.every((s) => s.throughput === null)) lines.push(`{gray-fg}${esc(fit('LAST HOUR "-": no BullMQ metrics (the workers run without metrics.maxDataPoints)', width()))}{/}`);
    if (q.statsError) lines.push('', `{red-fg}${esc(q.statsError)} (counts above are the last known){/}`);
    return lines;
  }

  function jobListLines(data: ViewData): string[] {
    const q = data.state.queues;
    const from = q.page * q.pageSize;
    const range = q.jobs.length ? `${from + 1}-${from + q.jobs.length}${q.hasMore ? '+' : ''}` : '';
    const loading = q.loadedSeq !== q.loadSeq ? ' …' : '';
    const title = `{bold}${esc(fit(`${q.queue} · ${q.jobState} ${range}${loading}  (s state · n p page · enter opens · esc back)`, width()))}{/bold}`;
    const table = formatJobList(q.jobs, q.jobState, width());
    const lines = [title, `{bold}${esc(table.header)}{/bold}`];
    table.rows.forEach((row, n) => lines.push(n === q.jobSelected ? selectedRow(row) : esc(row)));
    if (q.jobs.length === 0) lines.push(q.loadedSeq !== q.loadSeq ? 'loading…' : `no ${q.jobState} jobs`);
    if (q.error) lines.push(`{red-fg}${esc(q.error)}{/}`);
    return lines;
  }

  function jobDetailLines(data: ViewData): string[] {
    const q = data.state.queues;
    const d = q.detail!;
    if (!d.data) return [d.error ? `{red-fg}${esc(d.error)}{/}` : `loading job ${d.id}…`];
    const lines = formatJobDetail(q.queue ?? '', d.data, width() - 1);
    const scroll = Math.min(d.scroll, Math.max(0, lines.length - bodyHeight()));
    const shown = lines.slice(scroll, scroll + bodyHeight()).map((l) => {
      const colour = jobLineColours[l.kind];
      return colour ? `{${colour}}${esc(l.text)}{/}` : esc(l.text);
    });
    if (d.error) shown[shown.length - 1] = `{red-fg}${esc(fit(d.error, width()))}{/}`;
    return shown;
  }

  return {
    listHeight: () => Math.max(1, bodyHeight() - 1),
    bodyHeight,
    openEditor: (ref) => dialogs.openEditor(ref),
    closeEditor: () => dialogs.closeEditor(),
    editorText: () => dialogs.editorText(),
    update(data) {
      const { state } = data;
      const tabText = tabs.map((t, n) => (t === state.tab ? `{black-fg}{white-bg} ${n + 1} ${tabTitles[t]} {/}` : ` ${n + 1} ${tabTitles[t]} `)).join(' ');
      // Five tabs leave little room at 80-100 columns: the name Switchboard goes first, the property's name stays.
      const tabsWidth = tabs.reduce((n, t) => n + tabTitles[t].length + 4, tabs.length - 1);
      const brand = width() - (14 + tabsWidth + 2) >= 40 ? '{bold} Switchboard{/bold}  ' : ' ';
      const room = width() - (brand === ' ' ? 1 : 14) - tabsWidth - 2;
      header.setContent(`${brand}${tabText}  ${esc(fit(`${data.property} (C-p switch)`, Math.max(0, room)).trimEnd())}`);
      const lines = state.tab === 'reports' ? reportLines(data) : state.tab === 'agents' ? agentLines(data) : state.tab === 'trash' ? trashLines(data) : state.tab === 'queues' ? queueLines(data) : state.inbox.mode === 'history' && state.inbox.history ? historyLines(data) : inboxLines(data);
      body.setContent(lines.join('\n'));
      const inbox = state.inbox;
      const ownTab: Partial<Record<DashboardState['tab'], string>> = { trash: 'trash · R restores · D deletes for good', agents: 'agents · enter lists their open items', reports: 'reports · b groups · 5 reads again' };
      const p = statusParts({ property: data.property, inbox, health: data.health, queues: state.tab === 'queues' ? state.queues : undefined, tab: ownTab[state.tab] });
      const conn = (text: string) => (text.endsWith('down') ? `{white-fg}{red-bg} ${esc(text)} {/}` : text.endsWith('up') ? `{green-fg}${esc(text)}{/}` : esc(text));
      const connections = `${conn(p.postgres)} ${conn(p.redis)}`;
      const connectionsWidth = p.postgres.length + p.redis.length + 5;
      if (state.message) {
        // A message takes the line but the connection states, which stay in sight.
        const text = esc(fit(state.message.text, Math.max(0, width() - connectionsWidth - 3)));
        status.setContent(`${state.message.kind === 'error' ? `{white-fg}{red-bg}${text}{/}` : `{black-fg}{yellow-bg}${text}{/}`} │ ${connections}`);
      } else if (state.tab === 'inbox' && inbox.mode === 'search') {
        status.setContent(esc(fit(`/${inbox.searchDraft}_   (enter search · esc cancel)`, width())));
      } else {
        const right = ' │ ';
        const room = width() - right.length - p.postgres.length - p.redis.length - ' │ ? help'.length - 3;
        const left = [...p.left].length <= room ? p.left : p.short;
        status.setContent(`${esc(fit(left, Math.max(0, room)))}${esc(right)}${connections} │ ? help`);
      }
      attention.setContent(attentionBar(state.attention, width()).map(barSegment).join(''));
      // The help never outgrows the screen: two columns where they fit (all of it at 80×24),
      // and it scrolls when it is still too long.
      help.width = Math.min(100, width() - 2);
      const helpText = helpLines(Number(help.width) - 4);
      help.height = Math.min(helpText.length + 2, Number(screen.height) - 1);
      const helpRoom = Number(help.height) - 2;
      const helpFrom = Math.min(state.helpScroll, Math.max(0, helpText.length - helpRoom));
      help.setContent(helpText.slice(helpFrom, helpFrom + helpRoom).join('\n'));
      if (state.help) help.show();
      else help.hide();
      dialogs.update(state.overlay, width(), Number(screen.height));
    },
  };
}
