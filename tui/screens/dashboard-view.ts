import blessed from 'blessed';
import type { ConnectionHealth } from '../data/connection-health.ts';
import { tabs } from '../state/dashboard-state.ts';
import { attentionBar, type BarSegment } from './attention-bar.ts';
import { bodyLines } from './body-lines.ts';
import { createDialogWidgets } from './dialog-widgets.ts';
import { helpLines } from './help-text.ts';
import { statusParts } from './status-line.ts';
import { esc } from './tag-escape.ts';
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

const tabTitles: Record<DashboardState['tab'], string> = {
  inbox: 'Inbox',
  queues: 'Queues',
  trash: 'Trash',
  agents: 'Agents',
  reports: 'Reports',
};
const toneColours: Record<NonNullable<BarSegment['tone']>, string> = { breach: 'white-fg}{red-bg', risk: 'black-fg}{yellow-bg' };
const barSegment = (s: BarSegment) => (s.tone ? `{${toneColours[s.tone]}}${esc(s.text)}{/}` : esc(s.text));
/**
 * Builds the widgets: a header line with the tabs, a body (the inbox list with its column
 * header, an item's detail, a contact's history, the queues table or the trash), a status bar
 * (or the message of the last action), a help overlay and the dialogs. Content
 * is plain text fitted to the width by the pure formatters; blessed tags add only colour.
 */
/** What the mouse did on the body: a click on one of its lines (0 = the first), or the wheel. */
export type BodyMouse = { type: 'click'; row: number } | { type: 'wheel'; down: boolean };

export function createDashboardView(
  screen: blessed.Widgets.Screen,
  onEditorKey: (key: string) => void = () => {},
  onMouse: (event: BodyMouse) => void = () => {},
): DashboardView {
  const header = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: 1, tags: true, style: { bg: 'blue', fg: 'white' } });
  // Lines are fitted to the width before they get here; blessed's own wrapping would also
  // break a line that ends in a colour reset (it counts the escape codes), so it is off.
  const body = blessed.box({ parent: screen, top: 1, left: 0, width: '100%', height: '100%-3', tags: true, wrap: false, clickable: true });
  body.on('click', (data: { y: number }) => onMouse({ type: 'click', row: data.y - Number(body.atop) }));
  body.on('wheeldown', () => onMouse({ type: 'wheel', down: true }));
  body.on('wheelup', () => onMouse({ type: 'wheel', down: false }));
  // The lead's piles, on a line of their own above the status bar so that they keep their
  // counts and ages at 80 columns, where the status bar has no room to spare.
  const attention = blessed.box({
    parent: screen,
    bottom: 1,
    left: 0,
    width: '100%',
    height: 1,
    tags: true,
    style: { bg: 'black', fg: 'white' },
  });
  const status = blessed.box({
    parent: screen,
    bottom: 0,
    left: 0,
    width: '100%',
    height: 1,
    tags: true,
    style: { bg: 'black', fg: 'white' },
  });
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

  return {
    listHeight: () => Math.max(1, bodyHeight() - 1),
    bodyHeight,
    openEditor: (ref) => dialogs.openEditor(ref),
    closeEditor: () => dialogs.closeEditor(),
    editorText: () => dialogs.editorText(),
    update(data) {
      const { state } = data;
      header.setContent(headerText(state, data.property, width()));
      const lines = bodyLines(state, { width: width(), height: bodyHeight() });
      body.setContent(lines.join('\n'));
      status.setContent(statusText(data, width()));
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

/** The header line: the tabs, the brand where there is room, the property. */
function headerText(state: DashboardState, property: string, width: number): string {
  const tabText = tabs
    .map((t, n) => (t === state.tab ? `{black-fg}{white-bg} ${n + 1} ${tabTitles[t]} {/}` : ` ${n + 1} ${tabTitles[t]} `))
    .join(' ');
  // Five tabs leave little room at 80-100 columns: the name Switchboard goes first, the property's name stays.
  const tabsWidth = tabs.reduce((n, t) => n + tabTitles[t].length + 4, tabs.length - 1);
  const brand = width - (14 + tabsWidth + 2) >= 40 ? '{bold} Switchboard{/bold}  ' : ' ';
  const room = width - (brand === ' ' ? 1 : 14) - tabsWidth - 2;
  return `${brand}${tabText}  ${esc(fit(`${property} (C-p switch)`, Math.max(0, room)).trimEnd())}`;
}

/** The status bar: the last action's message, the search being typed, or where things stand; the connections always. */
function statusText(data: Parameters<DashboardView['update']>[0], width: number): string {
  const { state } = data;
  const inbox = state.inbox;
  const ownTab: Partial<Record<DashboardState['tab'], string>> = {
    trash: 'trash · R restores · D deletes for good',
    agents: 'agents · enter lists their open items',
    reports: 'reports · b groups · 5 reads again',
  };
  const p = statusParts({
    property: data.property,
    inbox,
    health: data.health,
    queues: state.tab === 'queues' ? state.queues : undefined,
    tab: ownTab[state.tab],
  });
  const conn = (text: string) =>
    text.endsWith('down') ? `{white-fg}{red-bg} ${esc(text)} {/}` : text.endsWith('up') ? `{green-fg}${esc(text)}{/}` : esc(text);
  const connections = `${conn(p.postgres)} ${conn(p.redis)}`;
  const connectionsWidth = p.postgres.length + p.redis.length + 5;
  if (state.message) {
    // A message takes the line but the connection states, which stay in sight.
    const text = esc(fit(state.message.text, Math.max(0, width - connectionsWidth - 3)));
    const shown = state.message.kind === 'error' ? `{white-fg}{red-bg}${text}{/}` : `{black-fg}{yellow-bg}${text}{/}`;
    return `${shown} │ ${connections}`;
  }
  if (state.tab === 'inbox' && inbox.mode === 'search') {
    return esc(fit(`/${inbox.searchDraft}_   (enter search · esc cancel)`, width));
  }
  const right = ' │ ';
  const room = width - right.length - p.postgres.length - p.redis.length - ' │ ? help'.length - 3;
  const left = [...p.left].length <= room ? p.left : p.short;
  return `${esc(fit(left, Math.max(0, room)))}${esc(right)}${connections} │ ? help`;
}
