// What the inbox benchmark's data set looks like: its two properties, its size, its search words and response targets.
import { checkTargets, noTargets } from '../../core/responses/response-targets.ts';

/** Slugs of the two seeded properties; the benchmark lists the main one. */
export const mainSlug = 'bench-main';
export const otherSlug = 'bench-other';

/** Every 101st conversation and ticket id belongs to the small property (1% of the rows). */
export const otherStride = 101;

/** How large a data set to build. */
export interface SeedSize {
  /** Conversations of the main property; the small property gets 1% as many. */
  conversations: number;
  /** Tickets of the main property; the small property gets 1% as many. */
  tickets: number;
}

/** The words free-text search is benchmarked with, and why they were chosen. */
export const searchWords = {
  /** A body word drawn often by the Zipf-like vocabulary below (in roughly a fifth of the items). */
  common: 'refund',
  /** A surname given to one contact in 5,000 (a few hundred items). */
  rare: 'quasimodo',
};

const hour = 3_600_000;

/**
 * Both properties' response targets (no business hours: the clocks run around the clock, so a
 * due time is its start plus the target, as core/hours computes it without hours).
 */
export const benchTargets = checkTargets({
  ...noTargets,
  base: { first: 4 * hour, next: 8 * hour, resolution: 72 * hour },
  byPriority: { urgent: { first: 1 * hour, next: 2 * hour } },
});
