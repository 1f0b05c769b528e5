import { keyMap } from '../state/key-map.ts';

/** The help overlay's lines: every key, by section. */
export function helpLines(): string[] {
  const width = Math.max(...keyMap.flatMap((s) => s.keys.map(([k]) => k.length)));
  const lines: string[] = [];
  for (const section of keyMap) {
    if (lines.length) lines.push('');
    lines.push(section.section);
    for (const [keys, what] of section.keys) lines.push(`  ${keys.padEnd(width)}  ${what}`);
  }
  return lines;
}
