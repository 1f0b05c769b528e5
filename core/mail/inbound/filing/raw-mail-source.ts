/**
 * Where filing may find raw mail without reading it from Postgres (a RawMailHandoff of this
 * process's ingress), and tells what it has filed. Only ever a shortcut: what it lacks is read
 * from the database.
 */
export interface RawMailSource {
  /** The raw bytes of those of `ids` it holds. */
  peek(ids: readonly string[]): ReadonlyMap<string, Buffer>;
  /** Drops what filing has read (or no longer needs). */
  forget(ids: Iterable<string>): void;
}

/** No raw mail at hand: every message is read from the database. */
export const noRawMail: RawMailSource = {
  peek: () => new Map(),
  forget: () => {},
};
