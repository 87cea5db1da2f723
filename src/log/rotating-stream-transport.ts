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
import { pruneRotated, rotatedBaseName, rotates, utcDay, type RotationOptions } from './rotation.js';
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

export class RotatingStreamTransport extends TransportStream {
  readonly filename: string;
  readonly #rotation: RotationOptions;
  #stream: Writable;
  /** writes waiting for the stream to drain */
  #waiting: Array<() => void> = [];
  /** while the file is reopened: the messages that came after the reopen message, in order */
  #held: Array<[winston.Logform.TransformableInfo, () => void]> | undefined;
  #reopening: Promise<void> | undefined;

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
          next();
          for (const [heldInfo, heldNext] of held) this.log(heldInfo, heldNext);
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
    return stream;
  }

  #rotatingStream(): Writable {
    const { daily, maxBytes, keep } = this.#rotation;
    const name = basename(this.filename);
    const options: StreamOptions = {
      path: dirname(this.filename),
      ...(maxBytes > 0 ? { size: `${maxBytes}B` } : {}),
      ...(daily ? { interval: '1d', intervalBoundary: true, intervalUTC: true, initialRotation: true } : {}),
    };
    // time is the start of the UTC day of the lines (daily), else the time of the rotation; index counts from 1
    const stream = createStream((time: number | Date | null, index?: number) => (time === null ? name : rotatedBaseName(name, utcDay(new Date(time).getTime()), index ?? 1)), options);
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
