// Message-ID lists as found in Message-ID, In-Reply-To and References. Clients add comments
// ("<id> (Anna's message of ...)"), fold long lists and sometimes drop the angle brackets;
// threading compares ids exactly, so every id is returned in one form: `<left@right>`.

const BRACKETED = /<([^<>\s]+)>/g;

/**
 * The bounds of ids taken from mail. An id is at most 998 characters with its brackets: the
 * longest line RFC 5322 allows, and (the header block being read as latin1, one character per
 * octet) well under Postgres' btree row limit of the unique (property, Message-ID) index. A
 * longer "id" is no id: the message is then told apart by its content, as one without any.
 * A References list keeps its first id (the thread's start) and its most recent ones, as
 * threading looks at 50 (core/mail/inbound/filing/plan/find-thread.ts) and RFC 5322 suggests for long threads.
 */
export const messageIdBounds = { length: 998, references: 50 } as const;

/** Control characters (NUL above all, which Postgres text cannot hold) are never part of an id: an "id" with one is not an id. */
function withoutControls(id: string): boolean {
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

/** Every Message-ID in a header value, in order, with angle brackets (bare ids are wrapped), whatever their length. */
function everyMessageId(value: string | null | undefined): string[] {
  if (!value) return [];
  const ids = [...value.matchAll(BRACKETED)].map((m) => m[1] ?? '').filter((id) => id.includes('@') && withoutControls(id));
  if (ids.length > 0) return ids.map((id) => `<${id}>`);
  // No brackets at all: whitespace-separated bare ids (seen from old or broken mailers).
  return value
    .split(/[\s,]+/)
    .filter((token) => /^[^\s<>()"]+@[^\s<>()"]+$/.test(token) && withoutControls(token))
    .map((token) => `<${token}>`);
}

const fits = (id: string) => id.length <= messageIdBounds.length;

/** The ids of a header value that fit, and what bounding left out: how many were over-long, and the longest's length. */
export interface ReadMessageIds {
  ids: string[];
  overLong: number;
  longest: number;
}

/** Every Message-ID in a header value that fits the bound, with what was left out (for the note that says so). */
export function readMessageIds(value: string | null | undefined): ReadMessageIds {
  const ids: string[] = [];
  let overLong = 0;
  let longest = 0;
  for (const id of everyMessageId(value)) {
    if (fits(id)) ids.push(id);
    else {
      overLong++;
      longest = Math.max(longest, id.length);
    }
  }
  return { ids, overLong, longest };
}

/** Every Message-ID in a header value, in order, with angle brackets; bare ids are wrapped; over-long ones are left out. */
export function messageIdsIn(value: string | null | undefined): string[] {
  return readMessageIds(value).ids;
}

/** The first Message-ID in a header value, normalised, or null when there is none (or it is over-long: then it is no id). */
export function firstMessageId(value: string | null | undefined): string | null {
  const first = everyMessageId(value)[0];
  return first !== undefined && fits(first) ? first : null;
}

/** A references chain cut to `max` ids: its first (the thread's start) and the most recent ones. */
export function trimReferences(chain: string[], max: number = messageIdBounds.references): string[] {
  return chain.length > max ? [chain[0]!, ...chain.slice(-(max - 1))] : chain;
}

/** The domain part of a normalised Message-ID, lower-cased, or null. */
export function messageIdDomain(messageId: string): string | null {
  const at = messageId.lastIndexOf('@');
  if (at < 0) return null;
  const domain = messageId
    .slice(at + 1)
    .replace(/>$/, '')
    .trim()
    .toLowerCase();
  return domain === '' ? null : domain;
}
