import { ConfigError } from '../errors.ts';

// Redis Cluster spreads keys over slots by a hash of the key, or only of its hash tag: the
// part between the first "{" and the next "}", when that part is not empty. BullMQ's scripts
// touch several keys of a queue at once, which a cluster allows only within one slot; a
// prefix with a hash tag (`{switchboard}`) puts every key of every queue in the same slot.

/** The hash tag of a key prefix (`switchboard` for `{switchboard}`), or null when it has none. */
export function hashTag(prefix: string): string | null {
  const open = prefix.indexOf('{');
  if (open < 0) return null;
  const close = prefix.indexOf('}', open + 1);
  // "{}" is no tag: Redis then hashes the whole key.
  return close > open + 1 ? prefix.slice(open + 1, close) : null;
}

/**
 * Refuses a queue prefix without a hash tag on a Redis Cluster. Refused rather than wrapped
 * in braces for the operator: the keys would then not be the ones configured, and a process
 * still given the unwrapped prefix (another deployment, a queue browser) would silently look
 * at other, empty queues.
 */
export function assertClusterPrefix(prefix: string, name = 'the queue prefix'): void {
  if (hashTag(prefix) !== null) return;
  const suggestion = `{${prefix.replace(/[{}]/g, '') || 'switchboard'}}`;
  throw new ConfigError(
    `${name} "${prefix}" has no Redis Cluster hash tag: on a cluster the keys of a BullMQ queue must share one slot. ` +
      `Set SWITCHBOARD_QUEUE_PREFIX=${suggestion} (braces included).`,
  );
}
