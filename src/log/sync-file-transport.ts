/**
 * A winston transport that appends each message to a file with synchronous writes, in the
 * logger thread: the line is in the file when `log` returns. The logger actor uses it for
 * the intents file and the fills journal, so that a line reaches the file without a hop
 * through libuv's thread pool (winston's File transport writes through an fs.WriteStream).
 * The logger has a thread of its own, so a slow disk blocks only the logger; producers never
 * wait for it (their records queue on their ports). A failed write (ENOSPC, EIO...) is
 * emitted as the transport's error, which winston passes on to the logger.
 *
 * Rotation (./rotation.ts) happens here too, synchronously, right before a write: by size
 * when the write would take the file past `maxBytes` (a file is never split inside one
 * message, so a message larger than `maxBytes` makes a file of its own), and by day when the
 * UTC day has changed since the file was started (an empty file is never rotated). The
 * rotation libraries for Node write through streams, so they cannot keep the guarantee
 * above; the rename and the retention are written here instead. Only a regular file is
 * rotated (a device such as /dev/null is written as it is).
 *
 * A message carrying `control: 'reopen'` (./log-writer.ts sends it) is not written: the
 * file is closed and opened again at its path (after an external rename, a new file).
 */
import { closeSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs';
import TransportStream from 'winston-transport';
import type winston from 'winston';
import { nextRotatedPath, NO_ROTATION, pruneRotated, rotates, utcDay, type RotationOptions } from './rotation.js';

const MESSAGE = Symbol.for('message');

export interface SyncFileTransportOptions extends TransportStream.TransportStreamOptions {
  readonly filename: string;
  /** no rotation when left out */
  readonly rotation?: RotationOptions;
  /** epoch ms, for daily rotation; Date.now when left out */
  readonly now?: () => number;
}

/** A message that asks a file transport to reopen its file instead of writing. */
export interface ReopenMessage {
  readonly control: 'reopen';
}

export function isReopen(info: object): boolean {
  return (info as Partial<ReopenMessage>).control === 'reopen';
}

/** Writes all of `bytes` (a short write is continued, not lost). */
function writeAll(descriptor: number, bytes: Buffer): void {
  for (let written = 0; written < bytes.length;) written += writeSync(descriptor, bytes, written, bytes.length - written);
}

export class SyncFileTransport extends TransportStream {
  readonly filename: string;
  readonly #rotation: RotationOptions;
  readonly #now: () => number;
  #descriptor: number | undefined;
  /** bytes in the open file */
  #size = 0;
  /** the UTC day the open file was started */
  #day = '';
  /** a regular file (only those are rotated) */
  #regular = false;

  constructor(options: SyncFileTransportOptions) {
    super(options);
    this.filename = options.filename;
    this.#rotation = options.rotation ?? NO_ROTATION;
    this.#now = options.now ?? (() => Date.now());
    this.#open();
  }

  override log(info: winston.Logform.TransformableInfo, next: () => void): void {
    try {
      if (isReopen(info)) {
        this.reopen();
        this.emit('reopened');
      } else {
        const bytes = Buffer.from(`${String((info as Record<symbol, unknown>)[MESSAGE])}\n`, 'utf8');
        if (this.#descriptor === undefined) throw new Error('the file is closed');
        this.#rotateIfDue(bytes.length);
        writeAll(this.#descriptor!, bytes);
        this.#size += bytes.length;
        this.emit('logged', info);
      }
    } catch (error) {
      this.emit('error', new Error(`cannot write ${this.filename}: ${(error as Error).message}`));
    }
    next();
  }

  /** Closes the file and opens the one at its path (throws when it cannot). */
  reopen(): void {
    this.close();
    this.#open();
  }

  override close(): void {
    if (this.#descriptor === undefined) return;
    const descriptor = this.#descriptor;
    this.#descriptor = undefined;
    closeSync(descriptor);
  }

  override _final(callback: (error?: Error | null) => void): void {
    try {
      this.close();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  #open(): void {
    const descriptor = openSync(this.filename, 'a');
    try {
      const stats = fstatSync(descriptor);
      this.#regular = stats.isFile();
      this.#size = stats.size;
      // a file left by an earlier run belongs to the day it was last written
      this.#day = utcDay(stats.size > 0 ? stats.mtimeMs : this.#now());
    } catch (error) {
      closeSync(descriptor);
      throw error;
    }
    this.#descriptor = descriptor;
  }

  /** Rotates the file when writing `bytes` more would break the size limit or a new day has begun. */
  #rotateIfDue(bytes: number): void {
    if (!this.#regular || !rotates(this.#rotation)) return;
    const today = utcDay(this.#now());
    if (this.#size === 0) {
      this.#day = today;
      return;
    }
    const { daily, maxBytes } = this.#rotation;
    if (daily && today !== this.#day) this.#rotate(this.#day);
    else if (maxBytes > 0 && this.#size + bytes > maxBytes) this.#rotate(daily ? this.#day : today);
  }

  /** Renames the file to the next rotated name of `day`, starts a new one, drops the oldest beyond `keep`. */
  #rotate(day: string): void {
    this.close();
    try {
      renameSync(this.filename, nextRotatedPath(this.filename, day));
    } catch (error) {
      // already moved away (an external rotation whose signal has not come yet): its lines are there
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.#open();
    try {
      pruneRotated(this.filename, this.#rotation.keep);
    } catch (error) {
      this.emit('warn', error);
    }
  }
}
