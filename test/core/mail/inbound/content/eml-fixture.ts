import { readFileSync } from 'node:fs';

/** The raw bytes of a fixture in test/fixtures/eml. */
export function emlFixture(name: string): Buffer {
  return readFileSync(new URL(`../../../../fixtures/eml/${name}`, import.meta.url));
}
