// A visitor often types an address into the chat ("write me at anna@example.com") after the
// trigger asked for one. The last address typed wins: people correct themselves.

const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** The last email address in a text, lower-cased, or null. */
export function emailInText(text: string): string | null {
  const found = text.match(emailPattern);
  return found ? found[found.length - 1]!.toLowerCase() : null;
}
