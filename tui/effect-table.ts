import type { Kysely } from 'kysely';
import type { Database } from '../core/db/schema.ts';
import { listAgents, resolveAgent } from '../core/directory/agents.ts';
import { listLabels, resolveLabel } from '../core/directory/labels.ts';
import { listProperties } from '../core/properties/property-store.ts';
import type { PropertyScope } from './data/property-scope.ts';
import type { QueueJobs } from './data/queue-jobs.ts';
import type { QueueStatsLoader } from './data/queue-stats.ts';
import type { DashboardView } from './screens/dashboard-view.ts';
import { filterChoicesFailed, filterChoicesLoaded, filterLookupFailed, filterResolved } from './state/filter-prompt.ts';
import { toInboxQuery } from './state/inbox-filters.ts';
import { currentCursor, detailFailed, detailLoaded, historyFailed, historyLoaded, pageFailed, pageLoaded } from './state/inbox-state.ts';
import { actionDone, actionFailed, replyFailed, replySent } from './state/item-keys.ts';
import { propertiesFailed, propertiesLoaded } from './state/property-switcher.ts';
import { queueActionDone } from './state/queue-action.ts';
import { jobFailed, jobLoaded, jobsFailed, jobsLoaded, jobsRange, statsFailed, statsLoaded } from './state/queues-state.ts';
import { trashFailed, trashLoaded } from './state/trash-state.ts';
import { attentionFailed, attentionLoaded } from './state/attention-state.ts';
import { agentsFailed, agentsLoaded } from './state/agents-state.ts';
import { reportsFailed, reportsLoaded } from './state/reports-state.ts';
import type { DashboardState, Effect, KeyResult, PropertyChoice } from './state/dashboard-types.ts';

/** What a settled effect leaves: the next state, or a result whose effects run in turn (an action's reload). */
export type Outcome = DashboardState | KeyResult;

/**
 * A settled effect's outcome, as a function of the state at the moment it lands: keys keep
 * changing the state while a load is out, and the outcome must apply to that state, not to
 * the one the load started from.
 */
export type Transition = (now: DashboardState) => Outcome;

/** One kind of effect: `at` is the state when it starts; nothing is returned by one done at once. */
export type EffectHandler<E extends Effect> = (effect: E, at: DashboardState) => Promise<Transition> | undefined;

/** The member of the `Effect` union whose type is `K`. */
export type EffectOf<K extends Effect['type']> = Extract<Effect, { type: K }>;

/** A handler for every kind of effect: a new kind does not compile until it has its entry. */
export type EffectTable = { [K in Effect['type']]: EffectHandler<EffectOf<K>> };

/** What the handlers reach: the loaders and the screen, owned by the dashboard controller. */
export interface EffectContext {
  db: Kysely<Database>;
  /** The property shown and its loaders, read when an effect starts or settles (the switcher replaces them). */
  scope(): PropertyScope;
  queues: QueueStatsLoader;
  jobs: QueueJobs;
  editor: Pick<DashboardView, 'openEditor' | 'closeEditor' | 'editorText'>;
  switchTo(property: PropertyChoice): void;
  quit(): void;
}

/** An effect that is work: its loader, and the transition for its success and for its failure. */
interface Task<E extends Effect, T> {
  /** Starts the read or the write; `undefined` when the state asks for nothing to load. */
  start(effect: E, at: DashboardState): Promise<T> | undefined;
  done(now: DashboardState, value: T, effect: E, at: DashboardState): Outcome;
  /** `error` is the failure's message, as the message bar and the panes show it. */
  failed(now: DashboardState, error: string, effect: E, at: DashboardState): Outcome;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The handler of a task: its failure lands as a transition too, so a load never rejects. */
function task<E extends Effect, T>(t: Task<E, T>): EffectHandler<E> {
  return (effect, at) => {
    let work: Promise<T> | undefined;
    // A loader that throws before it returns a promise fails as one that rejects, instead of
    // throwing out of the key handler that started it.
    try {
      work = t.start(effect, at);
    } catch (error) {
      work = Promise.reject(error);
    }
    return work?.then(
      (value): Transition =>
        (now) =>
          t.done(now, value, effect, at),
      (error: unknown): Transition =>
        (now) =>
          t.failed(now, message(error), effect, at),
    );
  };
}

/** The handler of an effect on the screen or the controller itself, done at once: nothing to land. */
function now<E extends Effect>(act: (effect: E) => void): EffectHandler<E> {
  return (effect) => {
    act(effect);
    return undefined;
  };
}

/** Each kind of effect with what carries it out. */
export function effectTable(ctx: EffectContext): EffectTable {
  return { ...inboxEffects(ctx), ...queueEffects(ctx), ...filterAndPropertyEffects(ctx) };
}

type InboxEffect = 'load' | 'open' | 'history' | 'loadTrash' | 'loadAgents' | 'loadReports' | 'act' | 'edit' | 'closeEditor' | 'reply';
type QueueEffect = 'loadQueues' | 'loadJobs' | 'loadJob' | 'queueAct';

/** The inbox, the trash, the Agents and Reports tabs, item actions and the reply editor. */
function inboxEffects(ctx: EffectContext): Pick<EffectTable, InboxEffect> {
  return {
    // The inbox: loads under the sequence the state started them with, so an older one that
    // settles after a newer one was asked for is dropped by the state.
    load: task({
      start: (_, { inbox }) => ctx.scope().inbox.page(toInboxQuery(inbox.filters, currentCursor(inbox), inbox.pageSize)),
      done: (s, page, _, at) => ({ ...s, inbox: pageLoaded(s.inbox, at.inbox.loadSeq, page) }),
      failed: (s, error, _, at) => ({ ...s, inbox: pageFailed(s.inbox, at.inbox.loadSeq, error) }),
    }),
    open: task({
      start: ({ ref }) => ctx.scope().inbox.detail(ref),
      done: (s, detail, { ref }) => ({ ...s, inbox: detailLoaded(s.inbox, ref, detail) }),
      failed: (s, error, { ref }) => ({ ...s, inbox: detailFailed(s.inbox, ref, error) }),
    }),
    history: task({
      start: ({ email }) => ctx.scope().actions.history(email),
      done: (s, items, { email }) => ({ ...s, inbox: historyLoaded(s.inbox, email, items) }),
      failed: (s, error, { email }) => ({ ...s, inbox: historyFailed(s.inbox, email, error) }),
    }),
    loadTrash: task({
      start: () => ctx.scope().actions.trash(),
      done: (s, items, _, at) => ({ ...s, trash: trashLoaded(s.trash, at.trash.loadSeq, items) }),
      failed: (s, error, _, at) => ({ ...s, trash: trashFailed(s.trash, at.trash.loadSeq, error) }),
    }),

    loadAgents: task({
      start: () => ctx.scope().inbox.agents(),
      done: (s, rows, _, at) => ({ ...s, agents: agentsLoaded(s.agents, at.agents.loadSeq, rows) }),
      failed: (s, error, _, at) => ({ ...s, agents: agentsFailed(s.agents, at.agents.loadSeq, error) }),
    }),
    loadReports: task({
      start: (_, { reports }) => ctx.scope().reports.responses(reports.by),
      done: (s, report, _, at) => ({ ...s, reports: reportsLoaded(s.reports, at.reports.loadSeq, report) }),
      failed: (s, error, _, at) => ({ ...s, reports: reportsFailed(s.reports, at.reports.loadSeq, error) }),
    }),

    // Item actions: success is a result of its own (a message and the reloads of what is shown).
    act: task({
      start: ({ action }) => ctx.scope().actions.run(action),
      done: (s, _, { action }) => actionDone(s, action),
      failed: (s, error) => actionFailed(s, error),
    }),
    edit: now(({ ref }) => ctx.editor.openEditor(ref)),
    closeEditor: now(() => ctx.editor.closeEditor()),
    reply: task({
      start: ({ ref }) => ctx.scope().actions.reply(ref, ctx.editor.editorText()),
      done: (s, { to }, { ref }) => replySent(s, ref, to),
      failed: (s, error) => replyFailed(s, error),
    }),
  };
}

/** The Queues tab: the table, a queue's jobs, a job, and actions on them. */
function queueEffects(ctx: EffectContext): Pick<EffectTable, QueueEffect> {
  return {
    loadQueues: task({
      start: () => ctx.queues.load(),
      done: (s, stats) => ({ ...s, queues: statsLoaded(s.queues, stats) }),
      failed: (s, error) => ({ ...s, queues: statsFailed(s.queues, error) }),
    }),
    loadJobs: task({
      start: (_, { queues: q }) => {
        if (q.mode === 'table' || !q.queue) return undefined;
        const { start, end } = jobsRange(q);
        return ctx.jobs.list(q.queue, q.jobState, start, end);
      },
      done: (s, rows, _, at) => ({ ...s, queues: jobsLoaded(s.queues, at.queues.loadSeq, rows) }),
      failed: (s, error, _, at) => ({ ...s, queues: jobsFailed(s.queues, at.queues.loadSeq, error) }),
    }),
    // A job's detail is for the queue it was asked on: another queue opened meanwhile drops it.
    loadJob: task({
      start: ({ queue, id }) => ctx.jobs.job(queue, id),
      done: (s, detail, { queue, id }) => (s.queues.queue === queue ? { ...s, queues: jobLoaded(s.queues, id, detail) } : s),
      failed: (s, error, { queue, id }) => (s.queues.queue === queue ? { ...s, queues: jobFailed(s.queues, id, error) } : s),
    }),
    queueAct: task({
      start: ({ action }) => ctx.jobs.run(action),
      done: (s, removed, { action }) => queueActionDone(s, action, removed),
      failed: (s, error) => actionFailed(s, error),
    }),
  };
}

/** The filter prompt's look-ups, the attention bar, the property switcher and quitting. */
function filterAndPropertyEffects(ctx: EffectContext): Omit<EffectTable, InboxEffect | QueueEffect> {
  return {
    // A name typed into the filter prompt is looked up in the property it was typed in; if
    // another is shown by the time it is found, the filter would be another property's, so it is dropped.
    resolveFilter: task({
      start: ({ field, value }) => {
        const propertyId = ctx.scope().property.id;
        const lookup =
          field === 'agent'
            ? resolveAgent(ctx.db, propertyId, value).then((a) => ({ id: a.id, name: a.name }))
            : resolveLabel(ctx.db, field === 'department' ? 'departments' : 'tags', propertyId, value).then((l) => ({
                id: l.id,
                name: l.name,
              }));
        return lookup.then((ref) => ({ ref, propertyId }));
      },
      done: (s, { ref, propertyId }, { field }) => (ctx.scope().property.id === propertyId ? filterResolved(s, field, ref) : s),
      failed: (s, error) => filterLookupFailed(s, error),
    }),
    // The piles are for the property they were read in: piles that land after a switch are
    // dropped, and so is a failure (the switch replaced the attention state it started from).
    loadAttention: task({
      start: () => {
        const { property, inbox } = ctx.scope();
        return inbox.attention().then((piles) => ({ piles, propertyId: property.id }));
      },
      done: (s, { piles, propertyId }) =>
        ctx.scope().property.id === propertyId ? { ...s, attention: attentionLoaded(s.attention, piles) } : s,
      failed: (s, error, _, at) => (at.attention === s.attention ? { ...s, attention: attentionFailed(s.attention, error) } : s),
    }),
    // The picker's names: the prompt takes every key while it is up, so the property cannot
    // change before they land (and they are dropped if the prompt was closed meanwhile).
    loadFilterChoices: task({
      start: async () => {
        const propertyId = ctx.scope().property.id;
        const [agents, departments, tags] = await Promise.all([
          listAgents(ctx.db, propertyId),
          listLabels(ctx.db, 'departments', propertyId),
          listLabels(ctx.db, 'tags', propertyId),
        ]);
        return {
          agent: agents.map((a) => ({ id: a.id, name: a.name, detail: a.email })),
          department: departments.map((d) => ({ id: d.id, name: d.name })),
          tag: tags.map((t) => ({ id: t.id, name: t.name })),
        };
      },
      done: (s, choices) => filterChoicesLoaded(s, choices),
      failed: (s, error) => filterChoicesFailed(s, error),
    }),
    loadProperties: task({
      start: () => listProperties(ctx.db),
      done: (s, rows) =>
        propertiesLoaded(
          s,
          rows.map((p) => ({ id: p.id, slug: p.slug, name: p.name })),
          ctx.scope().property.id,
        ),
      failed: (s, error) => propertiesFailed(s, error),
    }),
    switchProperty: now(({ property }) => ctx.switchTo(property)),
    quit: now(() => ctx.quit()),
  };
}
