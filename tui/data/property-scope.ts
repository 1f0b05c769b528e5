import type { Kysely } from 'kysely';
import type { Database } from '../../core/db/schema.ts';
import type { JobQueue } from '../../core/jobs/job-queue.ts';
import { inboxLoader, type InboxLoader } from './inbox-loader.ts';
import { itemActionsRunner, type ItemActionsRunner } from './item-actions-runner.ts';
import { reportsLoader, type ReportsLoader } from './reports-loader.ts';
import type { PropertyChoice } from '../state/dashboard-types.ts';

/**
 * The property shown and the loaders bound to it. They are one value so that the switcher
 * (C-p) replaces them together, and a read started for one property can tell, when it
 * settles, that another is shown by comparing scopes.
 */
export interface PropertyScope {
  property: PropertyChoice;
  inbox: InboxLoader;
  actions: ItemActionsRunner;
  reports: ReportsLoader;
}

/** The loaders of `property`; `jobs` as `itemActionsRunner` takes it. */
export function propertyScope(db: Kysely<Database>, jobs: JobQueue | undefined, property: PropertyChoice): PropertyScope {
  // A copy of the three fields: the caller's object may carry more and may change.
  const { id, slug, name } = property;
  return {
    property: { id, slug, name },
    inbox: inboxLoader(db, id),
    actions: itemActionsRunner(db, jobs, id),
    reports: reportsLoader(db, id),
  };
}
