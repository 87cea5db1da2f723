/** Reading the logger's JSON-lines files in tests. */
import { readFileSync } from 'node:fs';

export function jsonLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
