/**
 * The row a list-movement key selects (j/down, k/up, g/home, G/end) in a list whose last row
 * is `last`, or null when the key is not one of them: every list of the dashboard moves alike.
 */
export function listMove(key: string, selected: number, last: number): number | null {
  switch (key) {
    case 'j':
    case 'down':
      return Math.min(last, selected + 1);
    case 'k':
    case 'up':
      return Math.max(0, selected - 1);
    case 'g':
    case 'home':
      return 0;
    case 'G':
    case 'end':
      return last;
  }
  return null;
}
