/** A piece of a message body: its own text, or a run of quoted lines (with the attribution before them). */
export type BodyPart = { kind: 'text'; lines: string[] } | { kind: 'quote'; lines: string[] };

const quoted = (line: string) => /^\s*>/.test(line);
/** "On Tue, 3 Mar 2026, Ann <ann@x> wrote:" and its common variants, possibly wrapped over two lines. */
const attribution = (line: string) => /^\s*(On\b.*|.*\b)wrote:\s*$/i.test(line) || /^\s*-{2,}\s*Original Message\s*-{2,}\s*$/i.test(line);

/**
 * Splits an email body into its own text and its quoted parts: runs of lines starting with `>`,
 * each with the attribution line right before it ("On … wrote:", blank lines between allowed).
 */
export function splitQuoted(body: string): BodyPart[] {
  const lines = body.split('\n');
  const parts: BodyPart[] = [];
  const push = (kind: BodyPart['kind'], line: string) => {
    const last = parts[parts.length - 1];
    if (last && last.kind === kind) last.lines.push(line);
    else parts.push({ kind, lines: [line] });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (quoted(line)) {
      push('quote', line);
      continue;
    }
    if (attribution(line)) {
      // It belongs to the quote if one follows (after blank lines at most).
      let j = i + 1;
      while (j < lines.length && lines[j]!.trim() === '') j++;
      if (j < lines.length && quoted(lines[j]!)) {
        // Blank lines between the text and the attribution stay with the text; an attribution
        // wrapped over two lines ("On …, Ann" / "<ann@x> wrote:") takes its first half along.
        const prev = parts[parts.length - 1];
        const carried =
          prev?.kind === 'text' && prev.lines.length && /^\s*On\b/i.test(prev.lines[prev.lines.length - 1]!) && !/^\s*On\b/i.test(line)
            ? prev.lines.pop()!
            : null;
        if (prev?.kind === 'text' && prev.lines.length === 0) parts.pop();
        parts.push({ kind: 'quote', lines: carried === null ? [line] : [carried, line] });
        for (let k = i + 1; k < j; k++) push('quote', lines[k]!);
        i = j - 1;
        continue;
      }
    }
    push('text', line);
  }
  return parts;
}

/** The marker a folded quote shows instead of its lines. */
export function quoteMarker(count: number): string {
  return `[… ${count} quoted line${count === 1 ? '' : 's'}, z to show]`;
}

/** A body with its quoted parts folded to one marker each (or all shown); counts how many were folded. */
export function foldQuoted(body: string, show: boolean): { text: string; folded: number } {
  if (show) return { text: body, folded: 0 };
  let folded = 0;
  const text = splitQuoted(body)
    .map((p) => {
      if (p.kind === 'text') return p.lines.join('\n');
      folded++;
      return quoteMarker(p.lines.length);
    })
    .join('\n');
  return { text: text.replace(/\n+$/, ''), folded };
}
