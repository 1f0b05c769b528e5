import truncate from 'lodash/truncate.js';
import { ValidationError } from '../errors.ts';

// Everything taken from outside (mail headers, webhook bodies, CLI arguments) is bounded
// before it is stored or echoed: a 200 KB Subject must not become a 200 KB ticket title,
// a list row or the subject of an acknowledgement. Display text is cut at a word boundary
// with an ellipsis; the caller keeps the full value where it has one (the raw mail) and
// notes the cut on the item.

/** How long each kind of outside text may be where it is shown or stored as a field. */
export const textBounds = {
  /** Ticket titles and email subjects: what a list, a notification or a mail client shows. */
  subject: 200,
  /** A person's display name (From's phrase, a visitor's or agent's name). */
  displayName: 100,
  /** Tag and department names. */
  label: 64,
  /** Short free fields of webhook bodies: names of pages, countries, departments, ids. */
  field: 500,
  /** One chat message or one webhook message body. */
  message: 20_000,
} as const;

/** A value after bounding: the text to keep, and whether (and from what length) it was cut. */
export interface BoundedText {
  text: string;
  cut: boolean;
  /** The length of the value before it was cut, in UTF-16 code units. */
  originalLength: number;
}

/**
 * The text cut to at most `max` UTF-16 code units (the unit `originalLength` and the cut note
 * count in), with its "…", at the last word boundary that fits; a value without whitespace in
 * reach is cut mid-word. lodash's truncate never splits a surrogate pair or a combining
 * sequence, but it counts such a cluster as one, so a cut full of emoji or accents can come
 * out longer than asked: it is cut again, shorter in proportion to the overshoot, until it fits.
 */
export function boundText(value: string, max: number): BoundedText {
  if (value.length <= max) return { text: value, cut: false, originalLength: value.length };
  // Only the head can survive the cut; truncate scans what it is given, and a subject can be 200 KB.
  const head = value.slice(0, 2 * max + 2);
  let text = value;
  for (let length = max; text.length > max; length = Math.min(length - 1, Math.floor((length * max) / text.length))) {
    text = truncate(head, { length, separator: /\s+/, omission: '…' });
  }
  return { text, cut: text !== value, originalLength: value.length };
}

/** The system note an item carries when one of its fields was cut. */
export function cutNote(what: string, bounded: BoundedText): string {
  return `${what} was ${bounded.originalLength.toLocaleString('en-US')} characters long and is shown cut to ${bounded.text.length}`;
}

/**
 * What a person types (a tag, a department, an agent's name) is refused when empty or too long
 * rather than cut behind their back: the error tells them the bound, and they choose the words.
 * `rule` starts the one-line error: "tag names are" gives "tag names are 1 to 64 characters, got 70".
 */
export function requireLength(value: string, max: number, rule: string): string {
  const length = [...value].length;
  if (length === 0 || length > max)
    throw new ValidationError(`${rule} 1 to ${max} characters${length ? `, got ${length.toLocaleString('en-US')}` : ''}`);
  return value;
}
