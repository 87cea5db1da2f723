/**
 * A winston transport that appends each message to a file with synchronous writes, in the
 * logger thread: the line is in the file when `log` returns. The logger actor uses it for
 * the intents file, so that an intent reaches the file without a hop through libuv's
 * thread pool (winston's File transport writes through an fs.WriteStream). The logger has
 * a thread of its own, so a slow disk blocks only the logger; producers never wait for it
 * (their records queue on their ports). A failed write (ENOSPC, EIO...) is emitted as the
 * transport's error, which winston passes on to the logger.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import TransportStream from 'winston-transport';
import type winston from 'winston';

const MESSAGE = Symbol.for('message');

export interface SyncFileTransportOptions extends TransportStream.TransportStreamOptions {
  readonly filename: string;
}

/** Writes all of `text` (a short write is continued, not lost). */
function writeAll(descriptor: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let written = 0; written < bytes.length; ) written += writeSync(descriptor, bytes, written, bytes.length - written);
}

export class SyncFileTransport extends TransportStream {
  readonly filename: string;
  #descriptor: number | undefined;

  constructor(options: SyncFileTransportOptions) {
    super(options);
    this.filename = options.filename;
    this.#descriptor = openSync(options.filename, 'a');
  }

  override log(info: winston.Logform.TransformableInfo, next: () => void): void {
    try {
      if (this.#descriptor === undefined) throw new Error(`${this.filename} is closed`);
      writeAll(this.#descriptor, `${String((info as Record<symbol, unknown>)[MESSAGE])}\n`);
    } catch (error) {
      this.emit('error', new Error(`cannot write ${this.filename}: ${(error as Error).message}`));
      next();
      return;
    }
    this.emit('logged', info);
    next();
  }

  override close(): void {
    if (this.#descriptor === undefined) return;
    closeSync(this.#descriptor);
    this.#descriptor = undefined;
  }

  override _final(callback: (error?: Error | null) => void): void {
    try {
      this.close();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}
