import { PassThrough, Writable } from 'node:stream';
import type blessed from 'blessed';
import { waitFor } from '../support/wait-for.ts';

/** A terminal for a headless blessed screen: keys are written to `input`, output is discarded. */
export interface FakeTerminal {
  input: PassThrough & { isTTY: boolean; setRawMode(mode: boolean): void };
  output: Writable & { isTTY: boolean; columns: number; rows: number };
  /** Types keys: characters as they are, or escape sequences ('\r' enter, '\x1b' esc). */
  press(keys: string): void;
}

/** Fake TTY streams of `columns` × `rows`. */
export function fakeTerminal(columns = 100, rows = 30): FakeTerminal {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
  const output = Object.assign(new Writable({ write: (_chunk, _encoding, done) => done() }), { isTTY: true, columns, rows });
  return { input, output, press: (keys) => void input.write(keys) };
}

/** The screen's text as rendered, one string per row. */
export function screenText(screen: blessed.Widgets.Screen): string {
  const lines = (screen as unknown as { lines: [unknown, string][][] }).lines;
  return lines
    .map((row) =>
      row
        .map((cell) => cell[1])
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

/** Waits until the screen's text passes `check` and returns it; a timeout shows the screen as it was. */
export function screenShows(d: { screen: blessed.Widgets.Screen }, what: string, check: (text: string) => boolean): Promise<string> {
  return waitFor(
    async () => {
      const text = screenText(d.screen);
      return check(text) ? text : undefined;
    },
    what,
    5000,
    20,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${screenText(d.screen)}`);
  });
}

/**
 * The colours of one cell as blessed numbers them (0 black, 1 red, 3 yellow; 0x1ff the default): blessed packs flags, fg and bg
 * into one attribute.
 */
export function cellColours(screen: blessed.Widgets.Screen, row: number, col: number): { fg: number; bg: number } {
  const attr = (screen as unknown as { lines: [number, string][][] }).lines[row]![col]![0];
  return { fg: (attr >> 9) & 0x1ff, bg: attr & 0x1ff };
}
