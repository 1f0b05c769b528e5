import { ValidationError } from '../errors.ts';

/** The two kinds of inbox item. */
export type ItemKind = 'conversation' | 'ticket';

/**
 * A parsed public reference. People and scripts see conversations as `C<id>` and tickets as
 * `T<number>` (the per-property number that also appears in mail subjects as `[#<number>]`).
 */
export type ItemRef = { kind: 'conversation'; id: string } | { kind: 'ticket'; number: number };

/** Parses `C123`, `T45` or `#45` (any case); anything else is a ValidationError. */
export function parseItemRef(text: string): ItemRef {
  const match = /^\s*(?:([ct])(\d{1,18})|#(\d{1,9}))\s*$/i.exec(text);
  if (!match) throw new ValidationError(`"${text}" is not an item id: use C<number> for a conversation or T<number> for a ticket`);
  if (match[3]) return { kind: 'ticket', number: Number(match[3]) };
  return match[1]!.toLowerCase() === 'c'
    ? { kind: 'conversation', id: match[2]!.replace(/^0+(?=\d)/, '') }
    : { kind: 'ticket', number: Number(match[2]) };
}

/** The public reference of a conversation id or a ticket number. */
export function formatItemRef(kind: ItemKind, idOrNumber: string | number): string {
  return `${kind === 'conversation' ? 'C' : 'T'}${idOrNumber}`;
}
