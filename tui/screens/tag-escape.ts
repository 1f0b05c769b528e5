import blessed from 'blessed';

/** Text shown inside blessed tags, with its own braces escaped. */
export const esc = (text: string): string => blessed.escape(text);
