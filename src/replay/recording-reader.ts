/**
 * Reads a recording (src/replay/recording-format.ts) as a stream: gunzip, split into
 * lines, check each part's header, and hand out the entries in batches (one per
 * decompressed chunk), so neither a long recording nor a slow consumer makes it hold more
 * than one chunk in memory. Parts follow one another by name until the next is missing.
 *
 * A recording whose writer was killed ends in a cut gzip stream: the entries up to the
 * last complete line are read and `truncated` reports it. Anything else that is wrong
 * (not gzip, not a recording, a part of another session, a bad line) is a RecordingError
 * naming the file and line.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parseEntryLine, parseHeaderLine, partPath, RecordingError, type RecordingEntry, type RecordingHeader } from './recording-format.js';

export interface RecordingReader {
  /** the header of the first part */
  readonly header: RecordingHeader;
  /** the entries of every part, in order, a batch at a time; may be called more than once */
  batches(): AsyncGenerator<RecordingEntry[]>;
  /** after a full read: whether the last part was cut off */
  readonly truncated: boolean;
  /** after a full read: how many parts there were */
  readonly parts: number;
}

export interface LoadedRecording {
  readonly header: RecordingHeader;
  readonly entries: RecordingEntry[];
  readonly truncated: boolean;
  readonly parts: number;
}

interface LineBatch {
  readonly lines: string[];
  /** line number of the first line in `lines` */
  readonly firstLine: number;
}

function describeStreamError(path: string, error: NodeJS.ErrnoException): RecordingError {
  if (error.code === 'ENOENT') return new RecordingError(`recording ${path}: file not found`);
  if (error.code === 'EISDIR') return new RecordingError(`recording ${path}: is a directory`);
  if (error.code === 'EACCES') return new RecordingError(`recording ${path}: permission denied`);
  if (error.code === 'Z_DATA_ERROR') return new RecordingError(`recording ${path}: not a gzip file (${error.message})`);
  return new RecordingError(`recording ${path}: ${error.message}`);
}

function isCutOff(error: NodeJS.ErrnoException): boolean {
  return error.code === 'Z_BUF_ERROR';
}

/** Lines of one gzip file; `cut` is set when the compressed stream ends early. */
async function* gzipLines(path: string, state: { cut: boolean }): AsyncGenerator<LineBatch> {
  const gunzip = createGunzip();
  const file = createReadStream(path);
  file.on('error', (error) => gunzip.destroy(error));
  file.pipe(gunzip);
  gunzip.setEncoding('utf8');
  let carry = '';
  let lineNumber = 1;
  try {
    for await (const chunk of gunzip as AsyncIterable<string>) {
      const text = carry + chunk;
      const lines = text.split('\n');
      carry = lines.pop()!;
      if (lines.length === 0) continue;
      yield { lines, firstLine: lineNumber };
      lineNumber += lines.length;
    }
  } catch (error) {
    if (!isCutOff(error as NodeJS.ErrnoException)) throw describeStreamError(path, error as NodeJS.ErrnoException);
    state.cut = true;
    return;
  } finally {
    file.destroy();
    gunzip.destroy();
  }
  if (carry !== '') yield { lines: [carry], firstLine: lineNumber };
}

/** The header line of one part. */
async function readHeader(path: string): Promise<RecordingHeader> {
  const state = { cut: false };
  for await (const batch of gzipLines(path, state)) return parseHeaderLine(batch.lines[0]!, `${path} line 1`);
  throw new RecordingError(`recording ${path}: ${state.cut ? 'cut off before its header line' : 'empty'}`);
}

class StreamedRecording implements RecordingReader {
  truncated = false;
  parts = 0;

  constructor(
    private readonly path: string,
    readonly header: RecordingHeader,
  ) {}

  async *batches(): AsyncGenerator<RecordingEntry[]> {
    this.truncated = false;
    for (let part = 1; ; part++) {
      const path = partPath(this.path, part);
      if (part > 1 && !existsSync(path)) break;
      this.parts = part;
      const state = { cut: false };
      let headerSeen = false;
      for await (const batch of gzipLines(path, state)) {
        const entries: RecordingEntry[] = [];
        batch.lines.forEach((line, index) => {
          const lineNumber = batch.firstLine + index;
          if (!headerSeen) {
            this.checkPart(parseHeaderLine(line, `${path} line ${lineNumber}`), part, path);
            headerSeen = true;
          } else if (line.trim() !== '') {
            entries.push(parseEntryLine(line, `${path} line ${lineNumber}`));
          }
        });
        if (entries.length > 0) yield entries;
      }
      if (!headerSeen) throw new RecordingError(`recording ${path}: ${state.cut ? 'cut off before its header line' : 'empty'}`);
      if (state.cut) {
        this.truncated = true;
        break;
      }
    }
  }

  private checkPart(header: RecordingHeader, part: number, path: string): void {
    if (header.session !== this.header.session) {
      throw new RecordingError(`recording ${path}: belongs to session ${header.session}, not ${this.header.session} of ${this.path}`);
    }
    if (header.part !== part) throw new RecordingError(`recording ${path}: header says part ${header.part}, expected part ${part}`);
  }
}

/** Opens a recording by its first part; reads only the header until batches() is iterated. */
export async function openRecording(path: string): Promise<RecordingReader> {
  const header = await readHeader(path);
  if (header.part !== 1) throw new RecordingError(`recording ${path}: is part ${header.part}; open the recording by its first part`);
  return new StreamedRecording(path, header);
}

/** Reads a whole recording into memory. */
export async function loadRecording(path: string): Promise<LoadedRecording> {
  const reader = await openRecording(path);
  const entries: RecordingEntry[] = [];
  for await (const batch of reader.batches()) for (const entry of batch) entries.push(entry);
  return { header: reader.header, entries, truncated: reader.truncated, parts: reader.parts };
}
