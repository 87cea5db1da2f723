/**
 * The events file's winston transport: asynchronous writes through rotating-file-stream,
 * which rotates the file by size (once a write has taken it to `maxBytes`) and at each UTC
 * midnight (and at start, when the file left by an earlier run was last written on an
 * earlier day). The rotated files are named and pruned as the other logs are (./rotation.ts):
 * the stream's generator gives the names, and the oldest beyond `keep` are removed when a
 * rotation is done. Without rotation (or on a path that is not a regular file, such as
 * /dev/null) the file is a plain fs.WriteStream.
 *
 * A message carrying `control: 'reopen'` (./sync-file-transport.ts) is not written: the
 * stream is ended (every line before the message is in the old file, wherever it now is),
 * then a new one is opened at the path; the messages after it wait in the transport meanwhile,
 * so none is lost, doubled or reordered.
 *
 * 'logged' is emitted once a line has been written, so the logger's backlog counts the lines
 * still in the stream's buffer.
 */
import { createWriteStream, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createStream, type Options as StreamOptions } from 'rotating-file-stream';
import TransportStream from 'winston-transport';
import type winston from 'winston';
import { nextRotatedIndex, pruneRotated, rotatedBaseName, rotates, utcDay, type RotationOptions } from './rotation.js';
import { isReopen } from './sync-file-transport.js';

const MESSAGE = Symbol.for('message');

export interface RotatingStreamTransportOptions extends TransportStream.TransportStreamOptions {
  readonly filename: string;
  readonly rotation: RotationOptions;
}

/** Whether the path is a regular file or nothing yet (a device is not rotated). */
function rotatable(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

function nonEmpty(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}

export class RotatingStreamTransport extends TransportStream {
  readonly filename: string;
  readonly #rotation: RotationOptions;
  #stream: Writable;
  /** writes waiting for the stream to drain */
  #waiting: Array<() => void> = [];
  /** while the file is reopened: the messages that came after the reopen message, in order */
  #held: Array<[winston.Logform.TransformableInfo, () => void]> | undefined;
  #reopening: Promise<void> | undefined;
  /** settles when the current stream has opened its file, or could not */
  #opened: Promise<void> = Promise.resolve();

  constructor(options: RotatingStreamTransportOptions) {
    super(options);
    this.filename = options.filename;
    this.#rotation = options.rotation;
    this.#stream = this.#open();
  }

  override log(info: winston.Logform.TransformableInfo, next: () => void): void {
    if (this.#held !== undefined) {
      this.#held.push([info, next]);
      return;
    }
    if (isReopen(info)) {
      this.#held = [];
      this.#reopening = this.#reopen();
      this.#reopening.then(
        () => {
          const held = this.#held ?? [];
          this.#held = undefined;
          this.#reopening = undefined;
          this.emit('reopened');
          // the held messages first: those winston passes on once next is called come after them
          for (const [heldInfo, heldNext] of held) this.log(heldInfo, heldNext);
          next();
        },
        (error: unknown) => this.#fail(error),
      );
      return;
    }
    const ok = this.#stream.write(`${String((info as Record<symbol, unknown>)[MESSAGE])}\n`, (error) => {
      if (error === null || error === undefined) this.emit('logged', info);
    });
    if (ok) {
      next();
      return;
    }
    this.#waiting.push(next);
    if (this.#waiting.length === 1) this.#stream.once('drain', () => this.#release());
  }

  /** Resolves once the file is open (a rotation at start done); rejects when it cannot be. */
  whenOpen(): Promise<void> {
    return this.#opened;
  }

  override _final(callback: (error?: Error | null) => void): void {
    void (async () => {
      await this.#reopening;
      this.#stream.end();
      await finished(this.#stream);
    })().then(
      () => callback(),
      (error: Error) => callback(error),
    );
  }

  override close(): void {
    // winston calls this when the transport leaves its logger; the stream is ended by _final
  }

  /** Ends the stream (its lines land in the file it has open), then opens a new one at the path. */
  async #reopen(): Promise<void> {
    const old = this.#stream;
    old.end();
    await finished(old);
    this.#release();
    this.#stream = this.#open();
    await this.#opened;
  }

  #release(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const next of waiting) next();
  }

  #fail(error: unknown): void {
    this.emit('error', new Error(`cannot write ${this.filename}: ${(error as Error).message}`));
  }

  #open(): Writable {
    const stream = rotates(this.#rotation) && rotatable(this.filename) ? this.#rotatingStream() : createWriteStream(this.filename, { flags: 'a' });
    stream.on('error', (error: Error) => this.#fail(error));
    this.#opened = new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    this.#opened.catch(() => undefined); // the error is the transport's too
    return stream;
  }

  #rotatingStream(): Writable {
    const { daily, maxBytes, keep } = this.#rotation;
    const name = basename(this.filename);
    const options: StreamOptions = {
      path: dirname(this.filename),
      ...(maxBytes > 0 ? { size: `${maxBytes}B` } : {}),
      // at start, a file of an earlier day is rotated first (not an empty one, as the other logs)
      ...(daily ? { interval: '1d', intervalBoundary: true, intervalUTC: true, initialRotation: nonEmpty(this.filename) } : {}),
    };
    // time is the start of the UTC day of the lines (daily), else the time of the rotation; the
    // stream asks again with index + 1 while a name is taken
    const generator = (time: number | Date | null, index?: number): string => {
      if (time === null) return name;
      const day = utcDay(new Date(time).getTime());
      return rotatedBaseName(name, day, nextRotatedIndex(this.filename, day) + (index ?? 1) - 1);
    };
    const stream = createStream(generator, options);
    stream.on('rotated', () => {
      try {
        pruneRotated(this.filename, keep);
      } catch (error) {
        this.emit('warn', error);
      }
    });
    return stream;
  }
}
