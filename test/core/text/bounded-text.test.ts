import { describe, expect, it } from 'vitest';
import { boundText, cutNote } from '../../../core/text/bounded-text.ts';

describe('boundText', () => {
  it('keeps a value that fits, untouched', () => {
    expect(boundText('Where is my order?', 200)).toEqual({ text: 'Where is my order?', cut: false, originalLength: 18 });
  });

  it('cuts at the last word boundary that fits, with an ellipsis', () => {
    const bounded = boundText('Where is my order? It was due on Monday', 20);
    expect(bounded).toEqual({ text: 'Where is my order?…', cut: true, originalLength: 39 });
    expect([...bounded.text].length).toBeLessThanOrEqual(20);
  });

  it('cuts a value without spaces mid-word, and a 200 KB subject to the bound', () => {
    const bounded = boundText('A'.repeat(200_000), 200);
    expect(bounded.cut).toBe(true);
    expect(bounded.text).toBe(`${'A'.repeat(199)}…`);
    expect(bounded.originalLength).toBe(200_000);
  });

  it('never splits a surrogate pair, and counts each half against the bound', () => {
    const { text } = boundText('😀'.repeat(50), 10);
    expect(text).toBe(`${'😀'.repeat(4)}…`);
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('stays within the bound when the cut is full of clusters lodash counts as one', () => {
    // Seen in the fuzz suite: accents stacked on letters and emoji near the cut.
    for (const value of [
      'a'.repeat(190) + 'e\u0301\u0301\u0301\u0301'.repeat(20),
      `${'a'.repeat(195)} ${'👨‍👩‍👧'.repeat(10)}`,
      '👍🏽'.repeat(300),
    ]) {
      const bounded = boundText(value, 200);
      expect(bounded.cut).toBe(true);
      expect(bounded.text.length).toBeLessThanOrEqual(200);
      expect(bounded.text.endsWith('…')).toBe(true);
    }
  });

  it('words the note with both lengths', () => {
    expect(cutNote('The subject', boundText('x'.repeat(1234), 200))).toBe('The subject was 1,234 characters long and is shown cut to 200');
  });
});
