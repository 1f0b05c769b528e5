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

/** The lines a scrolling key moves a text view by (j/k and arrows one, page keys and space ten), or null. */
export function scrollStep(key: string): number | null {
  switch (key) {
    case 'j':
    case 'down':
      return 1;
    case 'k':
    case 'up':
      return -1;
    case 'pagedown':
    case ' ':
      return 10;
    case 'pageup':
      return -10;
  }
  return null;
}
