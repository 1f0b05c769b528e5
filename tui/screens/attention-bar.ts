import { pileNames, type Pile, type PileName } from '../../core/inbox/attention-piles.ts';
import { formatDuration } from '../../core/hours/business-duration.ts';
import type { AttentionState } from '../state/attention-state.ts';
import { pileKeys } from '../state/pile-jump.ts';
import { fit } from './text-fit.ts';

/** A piece of the bar; the screen colours a non-empty breached pile red and an at-risk one yellow. */
export interface BarSegment {
  text: string;
  tone: 'breach' | 'risk' | null;
}

// Labels from the fullest to the shortest; the bar uses the fullest form that fits the width,
// so that a lead reads the same piles in the same order at any size.
const mediumLabels: Record<PileName, string> = {
  unassigned: 'unassigned',
  missed: 'missed',
  breached: 'breached',
  atRisk: 'at risk',
  pending: 'pending',
};
const shortLabels: Record<PileName, string> = {
  unassigned: 'unasg',
  missed: 'missed',
  breached: 'breach',
  atRisk: 'risk',
  pending: 'pend',
};
const tinyLabels: Record<PileName, string> = { unassigned: 'u', missed: 'm', breached: 'b', atRisk: 'r', pending: 'p' };
const fullLabels: Record<PileName, string> = {
  unassigned: 'open unassigned',
  missed: 'missed with email',
  breached: 'breached',
  atRisk: 'at risk',
  pending: 'pending',
};

/** "12", "~15,000" for Postgres's estimate past the cap. */
export function pileCount(pile: Pile): string {
  return pile.estimate ? `~${pile.count.toLocaleString('en-US')}` : String(pile.count);
}

type Form = (pile: Pile, now: number) => string;

const age = (pile: Pile, now: number) => (pile.oldestSince ? formatDuration(now - pile.oldestSince.getTime()) : null);
/** Only the largest unit ("2h 05m" → "2h"): the narrow forms keep the order of magnitude. */
const coarseAge = (pile: Pile, now: number) => age(pile, now)?.split(' ')[0] ?? null;

const forms: { separator: string; pile: Form }[] = [
  {
    separator: '  ·  ',
    pile: (p, now) => `${pileKeys[p.name]} ${fullLabels[p.name]} ${pileCount(p)}${age(p, now) ? ` (oldest ${age(p, now)})` : ''}`,
  },
  { separator: ' · ', pile: (p, now) => `${fullLabels[p.name]} ${pileCount(p)}${age(p, now) ? ` (oldest ${age(p, now)})` : ''}` },
  { separator: ' · ', pile: (p, now) => `${mediumLabels[p.name]} ${pileCount(p)}${age(p, now) ? ` (${age(p, now)})` : ''}` },
  { separator: ' · ', pile: (p, now) => `${mediumLabels[p.name]} ${pileCount(p)}${coarseAge(p, now) ? ` ${coarseAge(p, now)}` : ''}` },
  { separator: ' · ', pile: (p, now) => `${shortLabels[p.name]} ${pileCount(p)}${coarseAge(p, now) ? ` ${coarseAge(p, now)}` : ''}` },
  { separator: ' ', pile: (p, now) => `${tinyLabels[p.name]}${pileCount(p)}${coarseAge(p, now) ? `/${coarseAge(p, now)}` : ''}` },
  { separator: ' ', pile: (p) => `${tinyLabels[p.name]}${pileCount(p)}` },
];

const tone = (pile: Pile): BarSegment['tone'] =>
  pile.count === 0 ? null : pile.name === 'breached' ? 'breach' : pile.name === 'atRisk' ? 'risk' : null;

/**
 * The attention bar for a line `width` columns wide: every pile with its count and how long
 * its oldest item has waited, in the fullest form that fits (the pile keys too at 200 columns),
 * cut with "…" when even the shortest does not. The segments' texts joined are exactly `width` long.
 */
export function attentionBar(attention: AttentionState, width: number, now: number = Date.now()): BarSegment[] {
  if (width <= 0) return [];
  if (!attention.piles) return [{ text: fit(attention.error ? `attention: ${attention.error}` : 'attention …', width), tone: null }];
  const piles = pileNames.map((name) => attention.piles!.find((p) => p.name === name)).filter((p): p is Pile => p !== undefined);
  // A failed refresh keeps the last piles, marked so that nobody takes them for the present.
  const stale = attention.error ? ' (stale)' : '';
  for (const form of forms) {
    const texts = piles.map((p) => form.pile(p, now));
    const length = texts.reduce((n, t) => n + [...t].length, 0) + form.separator.length * (texts.length - 1) + stale.length;
    if (length > width) continue;
    const segments: BarSegment[] = [];
    texts.forEach((text, n) => {
      if (n > 0) segments.push({ text: form.separator, tone: null });
      segments.push({ text, tone: tone(piles[n]!) });
    });
    segments.push({ text: fit(stale, width - length + stale.length), tone: null });
    return segments;
  }
  const shortest = forms[forms.length - 1]!;
  return [{ text: fit(piles.map((p) => shortest.pile(p, now)).join(' ') + stale, width), tone: null }];
}
