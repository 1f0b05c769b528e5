import blessed from 'blessed';
import type { ConnectionHealth } from '../data/connection-health.ts';
import type { UnassignedCount } from '../data/inbox-loader.ts';
import type { QueueStats } from '../data/queue-stats.ts';
import { tabs, type DashboardState } from '../state/dashboard-state.ts';
import { helpLines } from './help-text.ts';
import { formatInboxTable } from './inbox-table.ts';
import { formatDetail, type LineKind } from './item-transcript.ts';
import { formatQueuesTable } from './queues-table.ts';
import { statusParts } from './status-line.ts';
import { fit } from './text-fit.ts';

/** Everything the screen shows, read from the controller on each render. */
export interface ViewData {
  state: DashboardState;
  property: string;
  queues: QueueStats[] | null;
  queuesError: string | null;
  unassigned: UnassignedCount | null;
  health: ConnectionHealth | null;
}

/** The widgets of the dashboard, laid out on the screen; `update` sets their content (it does not render). */
export interface DashboardView {
  update(data: ViewData): void;
  /** How many inbox rows fit on the screen now. */
  listHeight(): number;
}

const tabTitles: Record<DashboardState['tab'], string> = { inbox: 'Inbox', queues: 'Queues' };
const lineColours: Record<LineKind, string | null> = {
  heading: 'white-fg}{bold',
  meta: 'gray-fg',
  visitor: 'cyan-fg',
  agent: 'green-fg',
  trigger: 'black-fg}{yellow-bg',
  system: 'black-fg}{magenta-bg',
  body: null,
};

const esc = (text: string) => blessed.escape(text);

/**
 * Builds the widgets: a header line with the tabs, a body (the inbox list with its column
 * header, an item's detail, or the queues table), a status bar and a help overlay. Content
 * is plain text fitted to the width by the pure formatters; blessed tags add only colour.
 */
export function createDashboardView(screen: blessed.Widgets.Screen): DashboardView {
  const header = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: 1, tags: true, style: { bg: 'blue', fg: 'white' } });
  const body = blessed.box({ parent: screen, top: 1, left: 0, width: '100%', height: '100%-2', tags: true });
  const status = blessed.box({ parent: screen, bottom: 0, left: 0, width: '100%', height: 1, tags: true, style: { bg: 'black', fg: 'white' } });
  const help = blessed.box({
    parent: screen,
    top: 'center',
    left: 'center',
    width: 72,
    height: helpLines().length + 2,
    border: { type: 'line' },
    label: ' Keys (any key closes) ',
    padding: { left: 1, right: 1 },
    tags: false,
    hidden: true,
    style: { border: { fg: 'cyan' } },
  });
  help.setContent(helpLines().join('\n'));

  const width = () => Number(screen.width);
  const bodyHeight = () => Math.max(1, Number(screen.height) - 2);

  function inboxLines(data: ViewData): string[] {
    const inbox = data.state.inbox;
    const w = width();
    if (inbox.mode === 'detail' && inbox.detail) {
      const d = inbox.detail;
      if (!d.data) return [d.error ? `{red-fg}${esc(d.error)}{/}` : `loading ${d.ref}…`];
      const lines = formatDetail(d.data, w - 1);
      const scroll = Math.min(d.scroll, Math.max(0, lines.length - bodyHeight()));
      return lines.slice(scroll, scroll + bodyHeight()).map((l) => {
        const colour = lineColours[l.kind];
        return colour ? `{${colour}}${esc(l.text)}{/}` : esc(l.text);
      });
    }
    const table = formatInboxTable(inbox.items, w, inbox.filters.sort);
    const lines = [`{bold}${esc(table.header)}{/bold}`];
    table.rows.forEach((row, n) => lines.push(n === inbox.selected ? `{black-fg}{cyan-bg}${esc(row)}{/}` : esc(row)));
    if (inbox.items.length === 0) lines.push(inbox.loadedSeq === 0 ? 'loading…' : 'nothing matches these filters');
    if (inbox.error) lines.push(`{red-fg}${esc(inbox.error)}{/}`);
    return lines;
  }

  function queueLines(data: ViewData): string[] {
    if (!data.queues) return [data.queuesError ? `{red-fg}${esc(data.queuesError)}{/}` : 'loading…'];
    const lines = formatQueuesTable(data.queues, width()).map(esc);
    lines[0] = `{bold}${lines[0]}{/bold}`;
    if (data.queuesError) lines.push('', `{red-fg}${esc(data.queuesError)} (counts above are the last known){/}`);
    return lines;
  }

  return {
    listHeight: () => Math.max(1, bodyHeight() - 1),
    update(data) {
      const { state } = data;
      const tabText = tabs.map((t, n) => (t === state.tab ? `{black-fg}{white-bg} ${n + 1} ${tabTitles[t]} {/}` : ` ${n + 1} ${tabTitles[t]} `)).join(' ');
      header.setContent(`{bold} Switchboard{/bold}  ${tabText}`);
      body.setContent((state.tab === 'inbox' ? inboxLines(data) : queueLines(data)).join('\n'));
      const inbox = state.inbox;
      if (state.tab === 'inbox' && inbox.mode === 'search') {
        status.setContent(esc(fit(`/${inbox.searchDraft}_   (enter search · esc cancel)`, width())));
      } else {
        const p = statusParts({ property: data.property, inbox, unassigned: data.unassigned, health: data.health });
        const state = (text: string) => (text.endsWith('down') ? `{white-fg}{red-bg} ${esc(text)} {/}` : text.endsWith('up') ? `{green-fg}${esc(text)}{/}` : esc(text));
        const right = ` │ ${p.unassigned} │ `;
        const room = width() - right.length - p.postgres.length - p.redis.length - ' │ ? help'.length - 3;
        status.setContent(`${esc(fit(p.left, Math.max(0, room)))}${esc(right)}${state(p.postgres)} ${state(p.redis)} │ ? help`);
      }
      // The overlay never outgrows the screen (at 80×24 its last lines are cut).
      help.height = Math.min(helpLines().length + 2, Number(screen.height) - 1);
      if (state.help) help.show();
      else help.hide();
    },
  };
}
