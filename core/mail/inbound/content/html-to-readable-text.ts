import { compile } from 'html-to-text';

// HTML-only mail (newsletters, some webmail and mobile clients) is shown and searched as text.
// The conversion keeps what a reader needs and what trimReply relies on: block elements end
// lines, blockquotes become "> " lines (so quoted history is recognised like plain-text
// quotes), links keep their target as "text (url)", entities are decoded, and scripts, styles,
// images and hidden preheaders are dropped. No word wrapping: wrapping is the reader's job.
const convert = compile({
  wordwrap: false,
  // Nesting deeper than this is hostile input; deeper content is cut, not recursed into.
  limits: { maxDepth: 200, ellipsis: '' },
  selectors: [
    { selector: 'a', options: { linkBrackets: ['(', ')'], hideLinkHrefIfSameAsText: true, ignoreHref: false } },
    // "anna@example.com (mailto:anna@example.com)" says the same thing twice.
    { selector: 'a[href^="mailto:"]', format: 'inline' },
    { selector: 'a[href^="cid:"]', format: 'inline' },
    { selector: 'img', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'head', format: 'skip' },
    { selector: 'noscript', format: 'skip' },
    { selector: '[style*="display:none"]', format: 'skip' },
    { selector: '[style*="display: none"]', format: 'skip' },
    { selector: 'blockquote', options: { trimEmptyLines: true } },
    // Layout tables (most HTML mail) read best as one block per cell.
    ...(['table', 'tr', 'td', 'th'] as const).map((t) => ({
      selector: t,
      format: 'block',
      options: { leadingLineBreaks: 1, trailingLineBreaks: 1 },
    })),
    ...(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const).map((h) => ({ selector: h, options: { uppercase: false } })),
  ],
});

/** Readable plain text of an HTML body: lines per block, "> " quotes, "text (url)" links. */
export function htmlToReadableText(html: string): string {
  return convert(html)
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
