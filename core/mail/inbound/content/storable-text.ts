// Postgres text (and jsonb) cannot hold the NUL character, and a query parameter containing
// one fails the whole statement. Mail can carry NULs anywhere: raw in a body, or decoded
// from an encoded word ("=?utf-8?Q?=00?="), quoted-printable ("=00") or base64. They carry
// nothing a reader needs, so everything read from a message is cleaned before it is stored
// or used in a query; the raw bytes (bytea) keep them.

/** The text without NUL characters. */
export function storableText(text: string): string {
  return text.includes('\u0000') ? text.split('\u0000').join('') : text;
}
