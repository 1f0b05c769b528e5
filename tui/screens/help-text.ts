import { keyMap } from '../state/key-map.ts';
import { padTo } from './text-fit.ts';

type Section = (typeof keyMap)[number];

/** Cuts a line to `width` (with "…" when cut), keeping its spacing, without padding it. */
const cut = (line: string, width: number) => ([...line].length > width ? `${padTo(line, width - 1)}…` : line);

function sectionLines(sections: Section[], width: number): string[] {
  const keyWidth = Math.max(...sections.flatMap((s) => s.keys.map(([k]) => k.length)));
  const lines: string[] = [];
  for (const section of sections) {
    if (lines.length) lines.push('');
    lines.push(cut(section.section, width));
    for (const [keys, what] of section.keys) lines.push(cut(`  ${keys.padEnd(keyWidth)}  ${what}`, width));
  }
  return lines;
}

/** Narrowest column of the two-column layout. */
const minColumn = 34;

/**
 * The help overlay's lines for a box `width` columns wide: every key, by section. Two columns
 * when they fit (so that the whole map fits 80×24), split between sections where the halves
 * are closest; one column otherwise (the overlay scrolls).
 */
export function helpLines(width = 80): string[] {
  const gap = 3;
  if (width < 2 * minColumn + gap) return sectionLines(keyMap, width);
  const column = Math.floor((width - gap) / 2);
  let best = 1;
  let bestHeight = Infinity;
  for (let split = 1; split < keyMap.length; split++) {
    const height = Math.max(sectionLines(keyMap.slice(0, split), column).length, sectionLines(keyMap.slice(split), column).length);
    if (height < bestHeight) [best, bestHeight] = [split, height];
  }
  const left = sectionLines(keyMap.slice(0, best), column);
  const right = sectionLines(keyMap.slice(best), column);
  return Array.from({ length: Math.max(left.length, right.length) }, (_, n) =>
    `${(left[n] ?? '').padEnd(column)}${' '.repeat(gap)}${right[n] ?? ''}`.trimEnd(),
  );
}
