import type { RawMailSource } from '../filing/raw-mail-source.ts';

// Filing reads every stored message back from Postgres: Postgres decompresses and converts it,
// sends it, and Node decodes it into a string and then bytes again (bench/mail: about a twentieth
// of a one-process Switchboard's CPU per email). When the ingress and the filing worker run in
// one process (`switchboard start`), the worker can take the bytes the ingress just stored
// instead. Only ever a shortcut: a message not here (another process stored it, or it was
// refused or expired below) is read from the database as always, and what is here is the exact
// bytes of a committed row, which never change.

/** How much raw mail waits here at most; past it, new messages are not kept (filing reads them back). */
const defaultMaxBytes = 64 * 1024 * 1024;
/** A message no filing took by then (another process filed it) is dropped. */
const defaultMaxAgeMs = 60_000;

/** Raw messages this process stored and has not filed yet, by inbound email id. */
export class RawMailHandoff implements RawMailSource {
  private readonly entries = new Map<string, { raw: Buffer; at: number }>();
  private bytes = 0;

  constructor(
    private readonly maxBytes = defaultMaxBytes,
    private readonly maxAgeMs = defaultMaxAgeMs,
    // Monotonic: a wall clock set back would keep entries past their age.
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Keeps the stored bytes of inbound email `id`, unless that would exceed the bound. */
  put(id: string, raw: Buffer): void {
    this.expire();
    if (this.entries.has(id) || this.bytes + raw.length > this.maxBytes) return;
    this.entries.set(id, { raw, at: this.now() });
    this.bytes += raw.length;
  }

  /** The kept bytes of those of `ids` that are here; they stay until `forget` (or their age is up). */
  peek(ids: readonly string[]): Map<string, Buffer> {
    this.expire();
    const found = new Map<string, Buffer>();
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry) found.set(id, entry.raw);
    }
    return found;
  }

  /** Drops what filing has read (or no longer needs). */
  forget(ids: Iterable<string>): void {
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      this.entries.delete(id);
      this.bytes -= entry.raw.length;
    }
  }

  /** Messages and bytes kept now. */
  get size(): { messages: number; bytes: number } {
    return { messages: this.entries.size, bytes: this.bytes };
  }

  private expire(): void {
    const oldest = this.now() - this.maxAgeMs;
    // Insertion order is age order: the stale ones are at the front.
    for (const [id, entry] of this.entries) {
      if (entry.at > oldest) break;
      this.entries.delete(id);
      this.bytes -= entry.raw.length;
    }
  }
}
