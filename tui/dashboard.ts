import blessed from 'blessed';
import type { Cluster, Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Database } from '../core/db/schema.ts';
import type { QueueName } from '../core/jobs/job-catalog.ts';
import type { JobQueue } from '../core/jobs/job-queue.ts';
import { checkHealth, type ConnectionHealth } from './data/connection-health.ts';
import { inboxLoader, type UnassignedCount } from './data/inbox-loader.ts';
import { itemActionsRunner } from './data/item-actions-runner.ts';
import { queueJobs } from './data/queue-jobs.ts';
import { queueStatsLoader } from './data/queue-stats.ts';
import { createDashboardView } from './screens/dashboard-view.ts';
import { listProperties } from '../core/properties/property-store.ts';
import { resolveAgent } from '../core/directory/agents.ts';
import { resolveLabel } from '../core/directory/labels.ts';
import { handleKey } from './state/dashboard-keys.ts';
import { filterLookupFailed, filterResolved } from './state/filter-prompt.ts';
import { clickRow, wheel } from './state/mouse.ts';
import { propertiesFailed, propertiesLoaded, propertySwitched, type PropertyChoice } from './state/property-switcher.ts';
import { initialDashboardState, type DashboardState, type Effect, type KeyResult } from './state/dashboard-state.ts';
import { toInboxQuery } from './state/inbox-filters.ts';
import { currentCursor, detailFailed, detailLoaded, historyFailed, historyLoaded, pageFailed, pageLoaded, withPageSize, type InboxState } from './state/inbox-state.ts';
import { actionDone, actionFailed, replyFailed, replySent } from './state/item-keys.ts';
import { queueActionDone } from './state/queue-action.ts';
import { jobFailed, jobLoaded, jobsFailed, jobsLoaded, jobsRange, statsFailed, statsLoaded, withJobsPageSize, type QueuesState } from './state/queues-state.ts';
import { trashFailed, trashLoaded } from './state/trash-state.ts';

/** What the dashboard needs: connections owned by the caller, the property, and the terminal. */
export interface DashboardOptions {
  db: Kysely<Database>;
  /** A Redis connection for queue statistics (fail-fast: no offline queue). */
  redis: Redis | Cluster;
  queuePrefix: string;
  property: { id: string; slug: string; name: string };
  /** The terminal; process.stdin/stdout by default, fake TTY streams in tests. */
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  terminal?: string;
  refreshMs?: number;
  /**
   * Where actions queue their emails (convert to ticket, reply by email); owned by the caller.
   * Without it those two actions report that they cannot run; everything else works.
   */
  jobs?: JobQueue;
  /** The dashboard runs inside `switchboard start`: quitting it stops the ingress and the workers, so it asks first. */
  quitStopsBackOffice?: boolean;
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

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Starts the dashboard on a blessed screen. Keys change the pure view model at once and start
 * loads without waiting for them; a timer refreshes everything every `refreshMs` (a refresh
 * that is still running when the next one is due is skipped). Each change updates the widgets'
 * content and renders once, so blessed redraws only the cells that changed: no flicker.
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
  const view = createDashboardView(
    screen,
    (key) => dispatch(key),
    (event) => {
      if (closing) return;
      apply(event.type === 'click' ? clickRow(state, event.row, view.bodyHeight()) : wheel(state, event.down));
    },
  );
  /** The property shown; the switcher (C-p) changes it, and the loaders with it. */
  let property = { id: options.property.id, slug: options.property.slug, name: options.property.name };
  let actions = itemActionsRunner(options.db, options.jobs, property.id);
  let inbox = inboxLoader(options.db, property.id);
  const queues = queueStatsLoader(options.redis, options.queuePrefix);
  const jobs = queueJobs((name) => queues.queue(name));

  let state = initialDashboardState(view.listHeight(), options.quitStopsBackOffice ?? false);
  let unassigned: UnassignedCount | null = null;
  let health: ConnectionHealth | null = null;
  let running: Promise<void> | null = null;
  let closing: Promise<void> | null = null;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));

  function render(): void {
    if (closing) return;
    view.update({ state, property: property.slug, unassigned, health });
    screen.render();
  }

  const setInbox = (change: (inbox: InboxState) => InboxState) => {
    state = { ...state, inbox: change(state.inbox) };
  };

  /** Loads the page the state asks for now; applied only if nothing newer was asked since. */
  async function loadPage(): Promise<void> {
    const { loadSeq, filters, pageSize } = state.inbox;
    try {
      const page = await inbox.page(toInboxQuery(filters, currentCursor(state.inbox), pageSize));
      setInbox((s) => pageLoaded(s, loadSeq, page));
    } catch (error) {
      setInbox((s) => pageFailed(s, loadSeq, message(error)));
    }
  }

  async function loadDetail(ref: string): Promise<void> {
    try {
      const detail = await inbox.detail(ref);
      setInbox((s) => detailLoaded(s, ref, detail));
    } catch (error) {
      setInbox((s) => detailFailed(s, ref, message(error)));
    }
  }

  async function loadTrash(): Promise<void> {
    const seq = state.trash.loadSeq;
    try {
      const items = await actions.trash();
      state = { ...state, trash: trashLoaded(state.trash, seq, items) };
    } catch (error) {
      state = { ...state, trash: trashFailed(state.trash, seq, message(error)) };
    }
  }

  const setQueues = (change: (queues: QueuesState) => QueuesState) => {
    state = { ...state, queues: change(state.queues) };
  };

  async function loadQueues(): Promise<void> {
    try {
      const stats = await queues.load();
      setQueues((q) => statsLoaded(q, stats));
    } catch (error) {
      setQueues((q) => statsFailed(q, message(error)));
    }
  }

  /** Loads the job list the state asks for now; applied only if nothing newer was asked since. */
  async function loadJobs(): Promise<void> {
    const q = state.queues;
    if (q.mode === 'table' || !q.queue) return;
    const { start, end } = jobsRange(q);
    try {
      const rows = await jobs.list(q.queue, q.jobState, start, end);
      setQueues((s) => jobsLoaded(s, q.loadSeq, rows));
    } catch (error) {
      setQueues((s) => jobsFailed(s, q.loadSeq, message(error)));
    }
  }

  async function loadJob(queue: QueueName, id: string): Promise<void> {
    try {
      const detail = await jobs.job(queue, id);
      setQueues((q) => (q.queue === queue ? jobLoaded(q, id, detail) : q));
    } catch (error) {
      setQueues((q) => (q.queue === queue ? jobFailed(q, id, message(error)) : q));
    }
  }

  async function loadHistory(email: string): Promise<void> {
    try {
      const items = await actions.history(email);
      setInbox((s) => historyLoaded(s, email, items));
    } catch (error) {
      setInbox((s) => historyFailed(s, email, message(error)));
    }
  }

  /** Applies a key's (or a finished action's) outcome: the new state, its effects, one render. */
  function apply(result: KeyResult): void {
    if (closing) return;
    state = result.state;
    result.effects.forEach(run);
    render();
  }

  /** Runs one effect; what it loads or changes is applied when it settles, never thrown. */
  function run(effect: Effect): void {
    switch (effect.type) {
      case 'quit':
        void quit();
        return;
      case 'load':
        void loadPage().then(render);
        return;
      case 'open':
        void loadDetail(effect.ref).then(render);
        return;
      case 'act':
        void actions.run(effect.action).then(
          () => apply(actionDone(state, effect.action)),
          (error: unknown) => apply({ state: actionFailed(state, message(error)), effects: [] }),
        );
        return;
      case 'edit':
        view.openEditor(effect.ref);
        return;
      case 'closeEditor':
        view.closeEditor();
        return;
      case 'reply':
        void actions.reply(effect.ref, view.editorText()).then(
          ({ to }) => apply(replySent(state, effect.ref, to)),
          (error: unknown) => apply({ state: replyFailed(state, message(error)), effects: [] }),
        );
        return;
      case 'loadTrash':
        void loadTrash().then(render);
        return;
      case 'history':
        void loadHistory(effect.email).then(render);
        return;
      case 'loadQueues':
        void loadQueues().then(render);
        return;
      case 'loadJobs':
        void loadJobs().then(render);
        return;
      case 'loadJob':
        void loadJob(effect.queue, effect.id).then(render);
        return;
      case 'resolveFilter': {
        const propertyId = property.id;
        const lookup =
          effect.field === 'agent'
            ? resolveAgent(options.db, propertyId, effect.value).then((a) => ({ id: a.id, name: a.name }))
            : resolveLabel(options.db, effect.field === 'department' ? 'departments' : 'tags', propertyId, effect.value).then((l) => ({ id: l.id, name: l.name }));
        void lookup.then(
          (ref) => {
            if (property.id === propertyId) apply(filterResolved(state, effect.field, ref));
          },
          (error: unknown) => apply({ state: filterLookupFailed(state, message(error)), effects: [] }),
        );
        return;
      }
      case 'loadProperties':
        void listProperties(options.db).then(
          (rows) => apply({ state: propertiesLoaded(state, rows.map((p) => ({ id: p.id, slug: p.slug, name: p.name })), property.id), effects: [] }),
          (error: unknown) => apply({ state: propertiesFailed(state, message(error)), effects: [] }),
        );
        return;
      case 'switchProperty':
        switchTo(effect.property);
        return;
      case 'queueAct':
        void jobs.run(effect.action).then(
          (removed) => apply(queueActionDone(state, effect.action, removed)),
          (error: unknown) => apply({ state: actionFailed(state, message(error)), effects: [] }),
        );
    }
  }

  /** Shows another property: new loaders, the count and the trash read again, the inbox from its first page. */
  function switchTo(next: PropertyChoice): void {
    property = { ...next };
    inbox = inboxLoader(options.db, property.id);
    actions = itemActionsRunner(options.db, options.jobs, property.id);
    unassigned = null;
    screen.title = `Switchboard · ${property.slug}`;
    const loader = inbox;
    void loader.openUnassigned().then(
      (count) => {
        if (inbox === loader) unassigned = count;
        render();
      },
      () => {},
    );
    apply(propertySwitched(state, property));
  }

  function dispatch(key: string): void {
    if (closing) return;
    apply(handleKey(state, key));
  }

  /** Everything at once: health, the page shown, the open item, the count, the queues and the jobs shown. */
  function refresh(): Promise<void> {
    if (closing) return Promise.resolve();
    running ??= (async () => {
      const open = state.inbox.mode === 'detail' ? state.inbox.detail?.ref : undefined;
      const q = state.queues;
      const job = q.mode === 'job' && q.queue && q.detail ? { queue: q.queue, id: q.detail.id } : undefined;
      const [h] = await Promise.all([
        checkHealth(options.db, options.redis),
        loadPage(),
        open ? loadDetail(open) : undefined,
        state.tab === 'trash' ? loadTrash() : undefined,
        ((loader) =>
          loader.openUnassigned().then((count) => {
            if (inbox === loader) unassigned = count;
          }))(inbox).then(
          () => {},
          () => {},
        ),
        loadQueues(),
        state.tab === 'queues' && q.mode !== 'table' ? loadJobs() : undefined,
        job ? loadJob(job.queue, job.id) : undefined,
      ]);
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

  screen.on('keypress', (ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg | undefined) => {
    if (closing) return;
    // A printable character is the key itself ('O', '/', ' '); anything else goes by name.
    const printable = ch !== undefined && [...ch].length === 1 && ch >= ' ' && ch !== '\x7f' && !key?.ctrl && !key?.meta;
    const name = printable ? ch : key?.full;
    if (!name) return;
    dispatch(name);
  });
  screen.on('resize', () => {
    const before = state.inbox.loadSeq;
    setInbox((s) => withPageSize(s, view.listHeight()));
    if (state.inbox.loadSeq !== before) void loadPage().then(render);
    const jobsBefore = state.queues.loadSeq;
    setQueues((q) => withJobsPageSize(q, view.listHeight() - 1));
    if (state.queues.loadSeq !== jobsBefore) void loadJobs().then(render);
    render();
  });

  const timer = setInterval(() => void refresh(), options.refreshMs ?? 2000);
  render();
  void refresh();

  return { screen, closed, state: () => state, refresh, quit };
}
