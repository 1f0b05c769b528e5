const bars = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * `values` (oldest first) as a sparkline of at most `width` cells: consecutive values are
 * summed into each cell when they do not fit one a cell. Zero is a blank; anything above zero
 * is at least the lowest bar, the highest cell the full one.
 */
export function sparkline(values: number[], width: number): string {
  const cells = Math.min(Math.max(0, width), values.length);
  if (cells === 0) return '';
  const sums = Array.from({ length: cells }, (_, i) => {
    const from = Math.floor((i * values.length) / cells);
    const to = Math.floor(((i + 1) * values.length) / cells);
    return values.slice(from, to).reduce((a, b) => a + b, 0);
  });
  const max = Math.max(...sums);
  return sums.map((v) => (v <= 0 ? ' ' : bars[Math.max(0, Math.ceil((v / max) * bars.length) - 1)])).join('');
}
