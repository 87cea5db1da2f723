/**
 * Rotation of the logger's files: when a file is rotated, what the rotated file is called,
 * and which rotated files are kept. Shared by the synchronous transport of the intents file
 * and the fills journal (./sync-file-transport.ts) and by the events file's transport
 * (./rotating-stream-transport.ts), so the three files are named and pruned alike.
 *
 * The file being written keeps its configured path; a rotated file is renamed beside it to
 * `<name>.<YYYY-MM-DD>.<n><ext>`: `logs/intents.jsonl` becomes `logs/intents.2026-11-25.1.jsonl`,
 * then `.2`, ... The day is a UTC day: with daily rotation the day the file's lines were written,
 * otherwise the day of the rotation. `n` is one more than the highest of that day (1 for the
 * first), never a gap left by a removed file: the newest file always sorts last.
 */
import { readdirSync, existsSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { AppConfig } from '../config/types.js';

export interface RotationOptions {
  /** rotate a file before a write would take it past this many bytes; 0 = never by size */
  readonly maxBytes: number;
  /** rotate at the first write of a new UTC day */
  readonly daily: boolean;
  /** rotated files kept per log, the newest; 0 = every one is kept */
  readonly keep: number;
}

export const NO_ROTATION: RotationOptions = { maxBytes: 0, daily: false, keep: 0 };

/** The rotation keys of a config; a config built by hand without them rotates nothing. */
export function rotationFromConfig(log: AppConfig['log']): RotationOptions {
  return { maxBytes: log.rotate_max_bytes ?? 0, daily: log.rotate_daily ?? false, keep: log.rotate_keep ?? 0 };
}

/** Whether the options rotate at all. */
export function rotates(options: RotationOptions): boolean {
  return options.maxBytes > 0 || options.daily;
}

/** The UTC day of an epoch-ms time: "2026-11-25". */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A file name split around the place of the day and number: "intents" and ".jsonl". */
function stemAndExtension(file: string): { stem: string; extension: string } {
  const name = basename(file);
  const extension = extname(name);
  return { stem: name.slice(0, name.length - extension.length), extension };
}

/** The base name of the `index`-th file rotated on `day`: "intents.2026-11-25.1.jsonl". */
export function rotatedBaseName(file: string, day: string, index: number): string {
  const { stem, extension } = stemAndExtension(file);
  return `${stem}.${day}.${index}${extension}`;
}

export interface RotatedFile {
  readonly path: string;
  readonly day: string;
  readonly index: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The rotated files of `file` in its folder, oldest first (by day, then number). */
export function listRotated(file: string): RotatedFile[] {
  const { stem, extension } = stemAndExtension(file);
  const pattern = new RegExp(`^${escapeRegExp(stem)}\\.(\\d{4}-\\d{2}-\\d{2})\\.(\\d+)${escapeRegExp(extension)}$`);
  const folder = dirname(file);
  const rotated: RotatedFile[] = [];
  for (const name of readdirSync(folder)) {
    const match = pattern.exec(name);
    if (match !== null) rotated.push({ path: join(folder, name), day: match[1]!, index: Number(match[2]) });
  }
  return rotated.sort((a, b) => (a.day === b.day ? a.index - b.index : a.day < b.day ? -1 : 1));
}

/** The number of the next file rotated on `day`: one more than the highest of that day. */
export function nextRotatedIndex(file: string, day: string): number {
  return listRotated(file).reduce((highest, rotated) => (rotated.day === day ? Math.max(highest, rotated.index) : highest), 0) + 1;
}

/** The path of the next rotated file of `file` for `day`, beside it (a name in use is never given). */
export function nextRotatedPath(file: string, day: string): string {
  for (let index = nextRotatedIndex(file, day); ; index += 1) {
    const candidate = join(dirname(file), rotatedBaseName(file, day, index));
    if (!existsSync(candidate)) return candidate;
  }
}

/**
 * Removes the oldest rotated files of `file` beyond the `keep` newest (none when keep is 0).
 * Returns the paths removed; a file that cannot be removed does not stop the others, and
 * the error (thrown after them) names every one.
 */
export function pruneRotated(file: string, keep: number): string[] {
  if (keep <= 0) return [];
  const rotated = listRotated(file);
  const removed: string[] = [];
  const problems: string[] = [];
  for (const old of rotated.slice(0, Math.max(0, rotated.length - keep))) {
    try {
      unlinkSync(old.path);
      removed.push(old.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') removed.push(old.path);
      else problems.push(`${old.path}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new Error(`cannot remove the old log file ${problems.join('; ')}`);
  return removed;
}
