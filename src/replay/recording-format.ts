/**
 * The recording file contract: gzip-compressed JSON lines.
 *
 *   line 1:  {"format":"kalshi-mm-recording","version":1,"session":"<uuid>","part":1,
 *             "started_ms":<ms>,"ws_url":"...","tickers":[...],"wire_format":"current"}
 *   then:    {"t":<receive time ms>,"f":"<the frame text exactly as received>"}
 *   or:      {"t":<ms>,"lost":<n>}   n frames were not recorded here (the writer fell behind)
 *
 * A long session is rotated into parts: part 1 is the path the recording was started with,
 * part n (n >= 2) inserts `.part<n>` before the `.jsonl.gz` suffix. Every part starts with
 * the header line (same session, its own part number), so each part is readable alone.
 * Fields may be added to the header; none may be removed or renamed.
 */
import { isJsonObject } from '../protocol/json-object.js';

export const RECORDING_FORMAT = 'kalshi-mm-recording';
export const RECORDING_VERSION = 1;
export const RECORDING_SUFFIX = '.jsonl.gz';

/** `legacy_cents`: integer-cent fields of before 12 Mar 2026 (ws-v2.md section 5.1.4). */
export type WireFormat = 'current' | 'legacy_cents';

export interface RecordingHeader {
  readonly format: typeof RECORDING_FORMAT;
  readonly version: number;
  /** one id per connection session, shared by its parts */
  readonly session: string;
  /** 1 for the first file of the session */
  readonly part: number;
  /** wall time the session started, ms */
  readonly started_ms: number;
  readonly ws_url: string;
  readonly tickers: readonly string[];
  readonly wire_format: WireFormat;
}

/** What the caller says about a session; the writer adds format, version and part. */
export type SessionDescription = Omit<RecordingHeader, 'format' | 'version' | 'part'>;

export type RecordingEntry =
  | { readonly kind: 'frame'; readonly receivedAtMs: number; readonly text: string }
  | { readonly kind: 'gap'; readonly receivedAtMs: number; readonly lost: number };

export class RecordingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingError';
  }
}

export function headerLine(description: SessionDescription, part: number): string {
  const header: RecordingHeader = { format: RECORDING_FORMAT, version: RECORDING_VERSION, ...description, part };
  return `${JSON.stringify(header)}\n`;
}

/** One frame line. Only the frame text needs escaping; the time is an integer. */
export function frameLine(receivedAtMs: number, text: string): string {
  return `{"t":${receivedAtMs},"f":${JSON.stringify(text)}}\n`;
}

export function gapLine(receivedAtMs: number, lost: number): string {
  return `{"t":${receivedAtMs},"lost":${lost}}\n`;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Parses and checks a header line; `where` names the file for messages. */
export function parseHeaderLine(line: string, where: string): RecordingHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new RecordingError(`${where}: the first line is not JSON; not a recording`);
  }
  if (!isJsonObject(parsed) || parsed.format !== RECORDING_FORMAT) {
    throw new RecordingError(`${where}: the first line is not a ${RECORDING_FORMAT} header`);
  }
  if (parsed.version !== RECORDING_VERSION) {
    throw new RecordingError(`${where}: recording format version ${String(parsed.version)} is not supported (this build reads version ${RECORDING_VERSION})`);
  }
  const problems: string[] = [];
  if (typeof parsed.session !== 'string' || parsed.session === '') problems.push('session');
  if (!Number.isSafeInteger(parsed.part) || (parsed.part as number) < 1) problems.push('part');
  if (!isTime(parsed.started_ms)) problems.push('started_ms');
  if (typeof parsed.ws_url !== 'string') problems.push('ws_url');
  if (!Array.isArray(parsed.tickers) || !parsed.tickers.every((ticker) => typeof ticker === 'string')) problems.push('tickers');
  if (parsed.wire_format !== 'current' && parsed.wire_format !== 'legacy_cents') problems.push('wire_format');
  if (problems.length > 0) throw new RecordingError(`${where}: header field${problems.length > 1 ? 's' : ''} ${problems.join(', ')} missing or invalid`);
  return parsed as unknown as RecordingHeader;
}

/** Parses one line after the header; `where` names the file and line for messages. */
export function parseEntryLine(line: string, where: string): RecordingEntry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new RecordingError(`${where}: not a JSON line`);
  }
  if (!isJsonObject(parsed) || !isTime(parsed.t)) throw new RecordingError(`${where}: expected {"t": <ms>, "f": <frame>}`);
  if (typeof parsed.f === 'string') return { kind: 'frame', receivedAtMs: parsed.t, text: parsed.f };
  if (Number.isSafeInteger(parsed.lost) && (parsed.lost as number) > 0) return { kind: 'gap', receivedAtMs: parsed.t, lost: parsed.lost as number };
  throw new RecordingError(`${where}: expected a frame text in "f" or a count in "lost"`);
}

/** `name.jsonl.gz` + `x` -> `name.x.jsonl.gz` (or before `.gz`, or at the end). */
export function insertBeforeSuffix(path: string, infix: string): string {
  const suffix = path.endsWith(RECORDING_SUFFIX) ? RECORDING_SUFFIX : path.endsWith('.gz') ? '.gz' : '';
  return `${path.slice(0, path.length - suffix.length)}.${infix}${suffix}`;
}

/** The file of part `part` of a recording whose first part is `firstPart`. */
export function partPath(firstPart: string, part: number): string {
  return part === 1 ? firstPart : insertBeforeSuffix(firstPart, `part${part}`);
}
