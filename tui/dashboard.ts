import blessed from 'blessed';
import { dashboardController, type DashboardControllerOptions } from './dashboard-controller.ts';
import { createDashboardView } from './screens/dashboard-view.ts';
import type { DashboardState } from './state/dashboard-types.ts';

/** What the dashboard needs: what its controller needs, and the terminal. */
export interface DashboardOptions extends DashboardControllerOptions {
  /** The terminal; process.stdin/stdout by default, fake TTY streams in tests. */
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  terminal?: string;
}

/** A running dashboard. */
export interface Dashboard {
  screen: blessed.Widgets.Screen;
  /** Resolves once the user has quit and the terminal is restored. */
  closed: Promise<void>;
  /** The current view model (for tests). */
  state(): DashboardState;
  /** Runs one refresh now (skipped if one is running); resolves when it has rendered. */
  refresh(): Promise<void>;
  /** Quits as `q` does. */
  quit(): Promise<void>;
}

/**
 * Starts the dashboard on a blessed screen: the terminal's keys, clicks and size go to the
 * controller (tui/dashboard-controller.ts), which holds the view model, runs the loads and renders.
 */
export function startDashboard(options: DashboardOptions): Dashboard {
  const screen = blessed.screen({
    input: options.input as NodeJS.ReadStream | undefined,
    output: options.output as NodeJS.WriteStream | undefined,
    terminal: options.terminal,
    smartCSR: true,
    fullUnicode: true,
    warnings: false,
    title: `Switchboard · ${options.property.slug}`,
  });
  // Mouse: a click selects a row (a second click opens it), the wheel scrolls; keys are unchanged.
  screen.enableMouse();
  // The view calls back only on later events, by when the controller exists.
  const view = createDashboardView(
    screen,
    (key) => controller.key(key),
    (event) => controller.mouse(event),
  );
  const controller = dashboardController(options, screen, view);

  screen.on('keypress', (ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg | undefined) => {
    // A printable character is the key itself ('O', '/', ' '); anything else goes by name.
    const printable = ch !== undefined && [...ch].length === 1 && ch >= ' ' && ch !== '\x7f' && !key?.ctrl && !key?.meta;
    const name = printable ? ch : key?.full;
    // blessed turns one \r into two keypresses, 'enter' and then 'return': only the first is a
    // key, or the second would clear the message that enter has just set (as every key does).
    if (name === 'return') return;
    if (name) controller.key(name);
  });
  screen.on('resize', () => controller.resize());

  return { screen, closed: controller.closed, state: controller.state, refresh: controller.refresh, quit: controller.quit };
}
