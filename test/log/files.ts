/** Reading the logger's JSON-lines files in tests. */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { listRotated } from '../../src/log/rotation.js';

export function jsonLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The lines of a file ('' for none), without the last newline. */
export function textLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

/** Every rotated file of `file` then `file` itself, oldest first, each with its lines. */
export function logFiles(file: string): Array<{ name: string; lines: string[] }> {
  return [...listRotated(file).map((rotated) => rotated.path), file].map((path) => ({ name: basename(path), lines: existsSync(path) ? textLines(path) : [] }));
}
