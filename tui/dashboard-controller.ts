import type blessed from 'blessed';
import type { Cluster, Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Database } from '../core/db/schema.ts';
import type { JobQueue } from '../core/jobs/job-queue.ts';
import { checkHealth, type ConnectionHealth } from './data/connection-health.ts';
import { propertyScope } from './data/property-scope.ts';
import { queueJobs } from './data/queue-jobs.ts';
import { queueStatsLoader } from './data/queue-stats.ts';
import { effectTable, type EffectHandler, type Outcome } from './effect-table.ts';
import type { BodyMouse, DashboardView } from './screens/dashboard-view.ts';
import { handleKey } from './state/dashboard-keys.ts';
import { initialDashboardState } from './state/dashboard-state.ts';
import { withPageSize } from './state/inbox-state.ts';
import { clickRow, wheel } from './state/mouse.ts';
import { propertySwitched } from './state/property-switcher.ts';
import { withJobsPageSize } from './state/queues-state.ts';
import type { DashboardState, Effect, KeyResult, PropertyChoice } from './state/dashboard-types.ts';

/** What the controller needs: connections owned by the caller, the property and the refresh period. */
export interface DashboardControllerOptions {
  db: Kysely<Database>;
  /** A Redis connection for queue statistics (fail-fast: no offline queue). */
  redis: Redis | Cluster;
  queuePrefix: string;
  property: { id: string; slug: string; name: string };
  refreshMs?: number;
  /**
   * Where actions queue their emails (convert to ticket, reply by email); owned by the caller.
   * Without it those two actions report that they cannot run; everything else works.
   */
  jobs?: JobQueue;
  /** The dashboard runs inside `switchboard start`: quitting it stops the ingress and the workers, so it asks first. */
  quitStopsBackOffice?: boolean;
}

/** The dashboard's state and loads; the terminal's events are fed to it by `startDashboard`. */
export interface DashboardController {
  /** Resolves once quitting has restored the terminal and closed the queue objects. */
  closed: Promise<void>;
  state(): DashboardState;
  /** A key by name: a printable character as itself, anything else by blessed's full name. */
  key(name: string): void;
  mouse(event: BodyMouse): void;
  /** The terminal changed size: the pages follow the rows that fit, and are read again if that changed them. */
  resize(): void;
  /** Runs one refresh now (skipped if one is running); resolves when it has rendered. */
  refresh(): Promise<void>;
  quit(): Promise<void>;
}

/**
 * Runs the dashboard on `screen` and `view`: renders, refreshes at once and then every
 * `refreshMs` (a refresh that is still running when the next one is due is skipped). Keys
 * change the pure view model at once; the effects they ask for are carried out by the
 * handlers of `effectTable`, and what a load brings lands in the state when it settles,
 * never thrown. Each change renders once, so blessed redraws only the cells that changed.
 */
export function dashboardController(
  options: DashboardControllerOptions,
  screen: Pick<blessed.Widgets.Screen, 'render' | 'destroy' | 'title'>,
  view: DashboardView,
): DashboardController {
  let scope = propertyScope(options.db, options.jobs, options.property);
  const queues = queueStatsLoader(options.redis, options.queuePrefix);
  const jobs = queueJobs((name) => queues.queue(name));
  const table = effectTable({ db: options.db, scope: () => scope, queues, jobs, editor: view, switchTo, quit: () => void quit() });

  let state = initialDashboardState(view.listHeight(), options.quitStopsBackOffice ?? false);
  let health: ConnectionHealth | null = null;
  let running: Promise<void> | null = null;
  let closing: Promise<void> | null = null;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));

  function render(): void {
    if (closing) return;
    view.update({ state, property: scope.property.slug, health });
    screen.render();
  }

  /** Puts a settled effect's outcome in the state and starts its effects; once quitting, none is started. */
  function land(outcome: Outcome): void {
    const result = 'effects' in outcome ? outcome : { state: outcome, effects: [] };
    state = result.state;
    if (!closing) result.effects.forEach(run);
  }

  /**
   * Starts `effect` through its handler; resolves once its outcome has landed, without
   * rendering (a refresh renders once for all of its loads). Nothing for one done at once.
   */
  function settle(effect: Effect): Promise<void> | undefined {
    // The table's entry for effect.type takes exactly this effect, which TypeScript cannot
    // follow through the union; the table's own type checks each entry against its effect.
    const handler = table[effect.type] as EffectHandler<Effect>;
    return handler(effect, state)?.then((transition) => land(transition(state)));
  }

  function run(effect: Effect): void {
    void settle(effect)?.then(render);
  }

  /** Applies a key's (or a click's) outcome: the new state, its effects, one render. */
  function apply(result: KeyResult): void {
    if (closing) return;
    land(result);
    render();
  }

  /** Shows another property: new loaders, its piles and the trash read again, the inbox from its first page. */
  function switchTo(next: PropertyChoice): void {
    scope = propertyScope(options.db, options.jobs, next);
    screen.title = `Switchboard · ${scope.property.slug}`;
    apply(propertySwitched(state, scope.property));
  }

  /** Everything at once: health, the attention piles, and the loads of what is shown; one render when all have landed. */
  function refresh(): Promise<void> {
    if (closing) return Promise.resolve();
    running ??= (async () => {
      const [h] = await Promise.all([checkHealth(options.db, options.redis), ...refreshEffects(state).map(settle)]);
      health = h;
      render();
    })().finally(() => (running = null));
    return running;
  }

  /** Restores the terminal first, then waits for loads in flight and closes the queue objects. */
  function quit(): Promise<void> {
    closing ??= (async () => {
      clearInterval(timer);
      screen.destroy();
      await running?.catch(() => {});
      await queues.close();
      resolveClosed();
    })();
    return closing;
  }

  function resize(): void {
    apply(resized(state, view.listHeight()));
  }

  const timer = setInterval(() => void refresh(), options.refreshMs ?? 2000);
  render();
  void refresh();

  return {
    closed,
    state: () => state,
    key: (name) => apply(handleKey(state, name)),
    mouse: (event) => apply(event.type === 'click' ? clickRow(state, event.row, view.bodyHeight()) : wheel(state, event.down)),
    resize,
    refresh,
    quit,
  };
}

/**
 * What a refresh loads again: the attention piles, the page, the open item, the trash, the
 * agents and the jobs when shown, the queues table and the job shown.
 */
function refreshEffects(state: DashboardState): Effect[] {
  const open = state.inbox.mode === 'detail' ? state.inbox.detail?.ref : undefined;
  const q = state.queues;
  const effects: Effect[] = [{ type: 'loadAttention' }, { type: 'load' }];
  if (open) effects.push({ type: 'open', ref: open });
  if (state.tab === 'trash') effects.push({ type: 'loadTrash' });
  if (state.tab === 'agents') effects.push({ type: 'loadAgents' });
  effects.push({ type: 'loadQueues' });
  if (state.tab === 'queues' && q.mode !== 'table') effects.push({ type: 'loadJobs' });
  if (q.mode === 'job' && q.queue && q.detail) effects.push({ type: 'loadJob', queue: q.queue, id: q.detail.id });
  return effects;
}

/** The state for a new list height: pages sized to it, and loaded again where their size changed. */
function resized(state: DashboardState, listHeight: number): KeyResult {
  const next = {
    ...state,
    inbox: withPageSize(state.inbox, listHeight),
    queues: withJobsPageSize(state.queues, listHeight - 1),
  };
  const effects: Effect[] = [];
  if (next.inbox.loadSeq !== state.inbox.loadSeq) effects.push({ type: 'load' });
  if (next.queues.loadSeq !== state.queues.loadSeq) effects.push({ type: 'loadJobs' });
  return { state: next, effects };
}
