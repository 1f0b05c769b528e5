import { type RawBuilder, sql } from 'kysely';
import { ValidationError } from '../errors.ts';

// Free text is matched word by word, as prefixes, over a stripped tsvector kept on each item.
// Text is reduced to lower-case runs of letters and digits on both sides, so that
// "mario.rossi@example.com" is found by "mario", "rossi@example" or "example.com" alike.

const maxIndexedChars = 20_000;
/** What a word is made of: letters and digits of any script. */
const wordChars = String.raw`\p{L}\p{N}`;
const word = new RegExp(`[${wordChars}]+`, 'gu');
const notWord = new RegExp(`[^${wordChars}]+`, 'gu');

function words(text: string): string[] {
  return text.toLowerCase().match(word) ?? [];
}

/**
 * The words of `texts` as indexed (bounded size), for to_tsvector('simple', ...). Vectors are
 * stripped, so the words of several appends may be joined into one: same lexemes either way.
 */
export function searchWords(texts: (string | null | undefined)[]): string {
  // words(...).join(' ') in one pass, without an array of every word (each inbound email's
  // body goes through here).
  return texts.filter(Boolean).join(' ').slice(0, maxIndexedChars).toLowerCase().replace(notWord, ' ').trim();
}

/** SQL that adds `texts` to an item's search vector (stripped: lexemes only, bounded size). */
export function appendSearchText(texts: (string | null | undefined)[]): RawBuilder<string> {
  return sql<string>`strip(search || to_tsvector('simple', ${searchWords(texts)}))`;
}

/** SQL for a fresh search vector made of `texts`. */
export function searchVector(texts: (string | null | undefined)[]): RawBuilder<string> {
  return sql<string>`strip(to_tsvector('simple', ${searchWords(texts)}))`;
}

/** The tsquery text for a free-text search: every word, as a prefix. */
export function searchQuery(text: string): string {
  const terms = words(text);
  if (terms.length === 0) throw new ValidationError(`search text "${text}" has no letters or digits`);
  return terms.map((t) => `${t}:*`).join(' & ');
}
