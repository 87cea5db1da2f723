/**
 * Writes one session's frames to a recording (src/replay/recording-format.ts), off the hot
 * path: `record()` only appends the text and its receive time to two arrays; once per
 * event-loop turn the batch becomes JSON lines and goes to a gzip stream, whose
 * compression runs on libuv's thread pool.
 *
 * Bounded: while the gzip stream pushes back, frames wait in memory up to
 * `maxPendingFrames`; past that they are dropped, counted and marked in the file with a
 * `lost` line, so a replay knows where the recording has a hole. A write error (disk
 * full, permissions) stops the recording and is reported once through `onError`; it never
 * throws into the caller's frame handler.
 *
 * Rotation: once a part's compressed size reaches `maxBytes` the part is closed and the
 * next one starts with its own header. Compressed output trails the input by the
 * compressor's buffer, so a part can end up somewhat above `maxBytes`.
 */
import { closeSync, createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';
import { frameLine, gapLine, headerLine, partPath, RecordingError, type SessionDescription } from './recording-format.js';

export interface RecordingWriterOptions {
  /** the first part; later parts are named by partPath() */
  readonly path: string;
  readonly session: SessionDescription;
  /** compressed bytes per part before rotating; default 256 MiB */
  readonly maxBytes?: number;
  /** frames waiting for the compressor above which new frames are dropped; default 500 000 */
  readonly maxPendingFrames?: number;
  /** gzip level 1 (fastest) .. 9; default 1 */
  readonly compressionLevel?: number;
  /** called once when writing fails; the recording stops there */
  readonly onError?: (error: Error) => void;
}

export interface RecordingSummary {
  readonly paths: readonly string[];
  /** frames written to the files */
  readonly frames: number;
  /** frames dropped because the writer fell behind or had failed */
  readonly lostFrames: number;
  readonly compressedBytes: number;
  readonly error?: string;
}

/** One line about a finished recording: files, frames, lost frames, bytes, why it stopped early. */
export function describeSummary(summary: RecordingSummary): string {
  const lost = summary.lostFrames > 0 ? `, ${summary.lostFrames} lost` : '';
  const error = summary.error !== undefined ? ` (stopped: ${summary.error})` : '';
  return `${summary.paths.join(', ')}: ${summary.frames} frames${lost}, ${summary.compressedBytes} bytes${error}`;
}

export const DEFAULT_MAX_PART_BYTES = 256 * 1024 * 1024;
export const MIN_PART_BYTES = 1024;
const DEFAULT_MAX_PENDING_FRAMES = 500_000;
/**
 * Frames turned into lines per write: keeps each string small, and the size check between
 * writes close to the limit (the compressor's output trails its input by about one write).
 */
const FRAMES_PER_FLUSH = 1_000;
/** written frames kept at the head of the pending arrays before they are freed */
const COMPACT_AFTER_FRAMES = 100_000;

interface Part {
  readonly path: string;
  readonly gzip: Gzip;
  readonly file: WriteStream;
  readonly closed: Promise<void>;
  compressedBytes: number;
}

export class RecordingWriter {
  readonly #options: Required<Omit<RecordingWriterOptions, 'onError'>> & Pick<RecordingWriterOptions, 'onError'>;
  /** frames accepted, from `#head` on not yet written */
  #texts: string[] = [];
  #times: number[] = [];
  #head = 0;
  /** frames dropped and not yet marked in the file */
  #unmarkedLost = 0;
  #lostSinceMs = 0;
  #lostTotal = 0;
  #framesWritten = 0;
  #pumpScheduled = false;
  #pumping: Promise<void> | undefined;
  #closing = false;
  #error: Error | undefined;
  /** every part so far; the last one is being written */
  readonly #parts: Part[] = [];
  readonly #startPump = (): void => {
    this.#pumpScheduled = false;
    this.#pumping ??= this.#pump().finally(() => {
      this.#pumping = undefined;
    });
  };

  /** Creates the first part now, so that a bad path fails at once (RecordingError). */
  constructor(options: RecordingWriterOptions) {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_PART_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < MIN_PART_BYTES)
      throw new RangeError(`maxBytes must be an integer of at least ${MIN_PART_BYTES}, got ${maxBytes}`);
    this.#options = {
      path: options.path,
      session: options.session,
      maxBytes,
      maxPendingFrames: options.maxPendingFrames ?? DEFAULT_MAX_PENDING_FRAMES,
      compressionLevel: options.compressionLevel ?? 1,
      onError: options.onError,
    };
    this.#parts.push(this.#openPart(1));
  }

  /** The hot path: keeps the frame for the next flush. */
  record(text: string, receivedAtMs: number): void {
    if (this.#closing) return;
    if (this.#error !== undefined || this.pendingFrames >= this.#options.maxPendingFrames) {
      this.#lose(1, receivedAtMs);
      return;
    }
    this.#texts.push(text);
    this.#times.push(receivedAtMs);
    if (!this.#pumpScheduled && this.#pumping === undefined) {
      this.#pumpScheduled = true;
      setImmediate(this.#startPump);
    }
  }

  /** Frames accepted and not yet handed to the compressor. */
  get pendingFrames(): number {
    return this.#texts.length - this.#head;
  }

  get paths(): string[] {
    return this.#parts.map((part) => part.path);
  }

  /** Writes what is pending, ends the last part and waits until every file is closed. */
  async close(): Promise<RecordingSummary> {
    if (!this.#closing) {
      this.#closing = true;
      await this.#pumping;
      await this.#pump();
      if (this.#error === undefined) this.#current.gzip.end();
    }
    await Promise.all(this.#parts.map((part) => part.closed));
    return this.#summary();
  }

  get #current(): Part {
    return this.#parts[this.#parts.length - 1]!;
  }

  #summary(): RecordingSummary {
    const summary = {
      paths: this.paths,
      frames: this.#framesWritten,
      lostFrames: this.#lostTotal,
      compressedBytes: this.#parts.reduce((sum, part) => sum + part.compressedBytes, 0),
    };
    return this.#error === undefined ? summary : { ...summary, error: this.#error.message };
  }

  /** Writes batches until nothing is pending, waiting whenever the compressor asks to; one run at a time. */
  async #pump(): Promise<void> {
    while (this.#error === undefined && (this.pendingFrames > 0 || this.#unmarkedLost > 0)) {
      if (this.#current.compressedBytes >= this.#options.maxBytes && !this.#rotate()) return;
      if (!this.#writeBatch()) await this.#drained(this.#current.gzip);
      else if (!this.#closing) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  #drained(gzip: Gzip): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        gzip.off('drain', done);
        gzip.off('close', done);
        resolve();
      };
      gzip.on('drain', done);
      gzip.on('close', done);
    });
  }

  /** Hands up to FRAMES_PER_FLUSH frames (and a pending gap marker) to the compressor; false when it asks to wait. */
  #writeBatch(): boolean {
    let chunk = '';
    if (this.#unmarkedLost > 0) {
      chunk += gapLine(this.#lostSinceMs, this.#unmarkedLost);
      this.#unmarkedLost = 0;
    }
    const end = Math.min(this.#texts.length, this.#head + FRAMES_PER_FLUSH);
    for (let index = this.#head; index < end; index++) chunk += frameLine(this.#times[index]!, this.#texts[index]!);
    this.#framesWritten += end - this.#head;
    this.#head = end;
    if (end === this.#texts.length) this.#clearPending();
    else if (end >= COMPACT_AFTER_FRAMES) this.#compactPending();
    return this.#current.gzip.write(chunk);
  }

  /** Ends the current part and starts the next; false when the next cannot be created. */
  #rotate(): boolean {
    this.#current.gzip.end();
    try {
      this.#parts.push(this.#openPart(this.#parts.length + 1));
      return true;
    } catch (error) {
      this.#fail(error as Error);
      return false;
    }
  }

  /** Frees the written head of the arrays when the writer never quite catches up. */
  #compactPending(): void {
    this.#texts = this.#texts.slice(this.#head);
    this.#times = this.#times.slice(this.#head);
    this.#head = 0;
  }

  #clearPending(): void {
    this.#texts = [];
    this.#times = [];
    this.#head = 0;
  }

  #lose(count: number, sinceMs: number): void {
    if (this.#unmarkedLost === 0) this.#lostSinceMs = sinceMs;
    this.#unmarkedLost += count;
    this.#lostTotal += count;
  }

  #openPart(number: number): Part {
    const path = partPath(this.#options.path, number);
    let descriptor: number;
    try {
      mkdirSync(dirname(path), { recursive: true });
      descriptor = openSync(path, 'wx');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'EEXIST' ? 'the file already exists (a recording is never overwritten)' : (error as Error).message;
      throw new RecordingError(`cannot create recording ${path}: ${reason}`);
    }
    let file: WriteStream;
    try {
      file = createWriteStream(path, { fd: descriptor });
    } catch (error) {
      closeSync(descriptor);
      throw error;
    }
    const gzip = createGzip({ level: this.#options.compressionLevel });
    const closed = new Promise<void>((resolve) => file.once('close', () => resolve()));
    const part: Part = { path, gzip, file, closed, compressedBytes: 0 };
    gzip.on('data', (chunk: Buffer) => {
      part.compressedBytes += chunk.length;
    });
    gzip.on('error', (error) => this.#fail(error));
    file.on('error', (error) => this.#fail(new RecordingError(`writing recording ${path} failed: ${error.message}`)));
    gzip.pipe(file);
    gzip.write(headerLine(this.#options.session, number));
    return part;
  }

  #fail(error: Error): void {
    if (this.#error !== undefined) return;
    this.#error = error;
    if (this.pendingFrames > 0) this.#lose(this.pendingFrames, this.#times[this.#head]!);
    this.#clearPending();
    // parts already ended finish on their own; the one being written is abandoned
    const current = this.#current;
    if (!current.gzip.writableEnded) {
      current.gzip.unpipe(current.file);
      current.gzip.destroy();
      current.file.destroy();
    }
    this.#options.onError?.(error);
  }
}
