/**
 * Records every session of a connection: each time the socket (re)opens a new recording
 * starts, because sids and sequence numbers start over with the connection. The first
 * session is written to `path`, session n (n >= 2) to `path` with `.session<n>` inserted
 * before the suffix; each session rotates into parts on its own.
 *
 * This is the hook the gateway calls: `sessionOpened()` when the socket is up,
 * `frame(text, receivedAtMs)` for every text frame before routing it, `sessionClosed()`
 * when it is down, `close()` at shutdown. None of them throws: a recording that cannot be
 * written is reported through `onError` and the engine carries on without it.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../actors/clock.js';
import { insertBeforeSuffix, type WireFormat } from './recording-format.js';
import { RecordingWriter, type RecordingSummary } from './recording-writer.js';

export interface SessionRecorderOptions {
  /** the first session's first part */
  readonly path: string;
  readonly wsUrl: string;
  readonly tickers: readonly string[];
  /** default 'current' */
  readonly wireFormat?: WireFormat;
  /** compressed bytes per part before rotating */
  readonly maxBytes?: number;
  /** stamps each session's start */
  readonly clock: Clock;
  readonly onError: (error: Error) => void;
}

export class SessionRecorder {
  #sessions = 0;
  #writer: RecordingWriter | undefined;
  readonly #closing: Array<Promise<RecordingSummary>> = [];

  constructor(private readonly options: SessionRecorderOptions) {}

  /** Starts the recording of a new connection session. */
  sessionOpened(): void {
    this.sessionClosed();
    this.#sessions++;
    const path = this.#sessions === 1 ? this.options.path : insertBeforeSuffix(this.options.path, `session${this.#sessions}`);
    try {
      this.#writer = new RecordingWriter({
        path,
        session: {
          session: randomUUID(),
          started_ms: this.options.clock.now(),
          ws_url: this.options.wsUrl,
          tickers: [...this.options.tickers],
          wire_format: this.options.wireFormat ?? 'current',
        },
        ...(this.options.maxBytes !== undefined ? { maxBytes: this.options.maxBytes } : {}),
        onError: this.options.onError,
      });
    } catch (error) {
      this.options.onError(error as Error);
    }
  }

  /** A frame as received, before anything else looks at it. */
  frame(text: string, receivedAtMs: number): void {
    this.#writer?.record(text, receivedAtMs);
  }

  /** The session's socket is gone: its recording is finished in the background. */
  sessionClosed(): void {
    if (this.#writer === undefined) return;
    this.#closing.push(this.#writer.close());
    this.#writer = undefined;
  }

  /** Finishes every recording; one summary per session that could be written. */
  async close(): Promise<RecordingSummary[]> {
    this.sessionClosed();
    return Promise.all(this.#closing);
  }
}
