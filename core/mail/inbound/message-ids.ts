// Message-ID lists as found in Message-ID, In-Reply-To and References. Clients add comments
// ("<id> (Anna's message of ...)"), fold long lists and sometimes drop the angle brackets;
// threading compares ids exactly, so every id is returned in one form: `<left@right>`.

const BRACKETED = /<([^<>\s]+)>/g;

/** Control characters (NUL above all, which Postgres text cannot hold) are never part of an id: an "id" with one is not an id. */
function withoutControls(id: string): boolean {
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

/** Every Message-ID in a header value, in order, with angle brackets; bare ids are wrapped. */
export function messageIdsIn(value: string | null | undefined): string[] {
  if (!value) return [];
  const ids = [...value.matchAll(BRACKETED)].map((m) => m[1] ?? '').filter((id) => id.includes('@') && withoutControls(id));
  if (ids.length > 0) return ids.map((id) => `<${id}>`);
  // No brackets at all: whitespace-separated bare ids (seen from old or broken mailers).
  return value
    .split(/[\s,]+/)
    .filter((token) => /^[^\s<>()"]+@[^\s<>()"]+$/.test(token) && withoutControls(token))
    .map((token) => `<${token}>`);
}

/** The first Message-ID in a header value, normalised, or null when there is none. */
export function firstMessageId(value: string | null | undefined): string | null {
  return messageIdsIn(value)[0] ?? null;
}

/** The domain part of a normalised Message-ID, lower-cased, or null. */
export function messageIdDomain(messageId: string): string | null {
  const at = messageId.lastIndexOf('@');
  if (at < 0) return null;
  const domain = messageId.slice(at + 1).replace(/>$/, '').trim().toLowerCase();
  return domain === '' ? null : domain;
}
