/** Cuts `text` to `width` columns (with "…" when cut) and pads it to exactly `width`. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const flat = text.replace(/\s+/g, ' ');
  const chars = [...flat];
  if (chars.length > width) return `${chars.slice(0, width - 1).join('')}…`;
  return flat + ' '.repeat(width - chars.length);
}

/** Cuts or pads already fitted text to exactly `width` columns, keeping its spacing. */
export function padTo(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? chars.slice(0, width).join('') : text + ' '.repeat(width - chars.length);
}

/** Right-aligns `text` in `width` columns. */
export function fitRight(text: string, width: number): string {
  return text.length >= width ? fit(text, width) : text.padStart(width);
}

/** Wraps one paragraph to lines of at most `width` columns, at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  if (width <= 0) return [];
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let rest = [...paragraph.replace(/\t/g, '  ').trimEnd()];
    if (rest.length === 0) lines.push('');
    while (rest.length > 0) {
      if (rest.length <= width) {
        lines.push(rest.join(''));
        break;
      }
      const space = rest.lastIndexOf(' ', width);
      const cut = space > 0 ? space : width;
      lines.push(rest.slice(0, cut).join(''));
      rest = rest.slice(space > 0 ? cut + 1 : cut);
    }
  }
  return lines;
}

/** A compact local time for tables: 11-25 14:03. */
export function shortTime(date: Date | null): string {
  if (!date) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A job's time to the second: 11-25 14:03:07 ('-' for none). */
export function jobTime(ms: number | null): string {
  if (!ms) return '-';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
