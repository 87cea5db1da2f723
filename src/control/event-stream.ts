/**
 * Server-sent events: the state pushed to every connected page at a fixed rate.
 *
 * One timer serves every client, and runs only while a client is connected. Each tick takes
 * the last sample and, when it is a new one (another object or another `ts`), serialises it
 * once for all clients. A client whose socket buffer is full (write returned false) is
 * skipped until it drains and then gets the newest state: a slow page sees fewer updates,
 * it never makes the server queue them.
 */
import type { EngineState } from './engine-state.js';

/** The part of a response the stream writes to (node's ServerResponse fits). */
export interface EventStreamTarget {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** Interval timers: the global ones unless given (tests pass fake ones). */
export interface IntervalTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface EventStreamOptions {
  /** how often the state is looked at and pushed when new (ms) */
  readonly intervalMs: number;
  readonly latest: () => EngineState;
  /** a comment line after this long without any write keeps proxies from closing the stream (ms) */
  readonly keepAliveMs?: number;
  readonly timers?: IntervalTimers;
  /** a sample that could not be read or serialised (reported once per distinct message) */
  readonly onError?: (error: Error) => void;
}

interface Client {
  readonly target: EventStreamTarget;
  blocked: boolean;
  /** the last state frame written to it */
  sent: string | undefined;
}

const globalTimers: IntervalTimers = {
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof setInterval>),
};

export class EventStream {
  readonly #options: EventStreamOptions;
  readonly #timers: IntervalTimers;
  readonly #clients = new Set<Client>();
  #timer: unknown;
  #lastState: EngineState | undefined;
  #lastTs: string | undefined;
  #lastFrame: string | undefined;
  #ticksSinceWrite = 0;
  #lastError: string | undefined;
  #closed = false;

  constructor(options: EventStreamOptions) {
    if (!(options.intervalMs > 0) || !Number.isFinite(options.intervalMs)) {
      throw new RangeError(`event stream interval must be a positive number of ms, got ${options.intervalMs}`);
    }
    this.#options = options;
    this.#timers = options.timers ?? globalTimers;
  }

  get size(): number {
    return this.#clients.size;
  }

  /** Starts streaming to `target` (the current state first); returns the function that stops it. */
  add(target: EventStreamTarget): () => void {
    if (this.#closed) throw new Error('event stream is closed');
    const client: Client = { target, blocked: false, sent: undefined };
    this.#clients.add(client);
    const frame = this.#frame(true);
    this.#send(client, 'retry: 2000\n\n', frame);
    if (this.#timer === undefined) this.#timer = this.#timers.setInterval(() => this.#tick(), this.#options.intervalMs);
    return () => this.#remove(client);
  }

  /** Stops the timer and forgets every client (their responses are the caller's to end). */
  close(): void {
    this.#closed = true;
    this.#clients.clear();
    this.#stopTimer();
  }

  #remove(client: Client): void {
    this.#clients.delete(client);
    if (this.#clients.size === 0) this.#stopTimer();
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) this.#timers.clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The newest sample as an SSE frame; undefined when it is the one sent last (unless `always`) or unreadable. */
  #frame(always: boolean): string | undefined {
    let state: EngineState;
    try {
      state = this.#options.latest();
      if (always || state !== this.#lastState || state.ts !== this.#lastTs) {
        // JSON.stringify writes no line breaks, so the whole state is one data line
        this.#lastFrame = `event: state\ndata: ${JSON.stringify(state)}\n\n`;
        this.#lastState = state;
        this.#lastTs = state.ts;
        this.#lastError = undefined;
        return this.#lastFrame;
      }
      return undefined;
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      if (failure.message !== this.#lastError) this.#options.onError?.(failure);
      this.#lastError = failure.message;
      return undefined;
    }
  }

  #tick(): void {
    const frame = this.#frame(false);
    this.#ticksSinceWrite++;
    const keepAlive = this.#ticksSinceWrite * this.#options.intervalMs >= (this.#options.keepAliveMs ?? 15_000);
    if (frame === undefined && !keepAlive) return;
    this.#ticksSinceWrite = 0;
    for (const client of this.#clients) {
      if (!client.blocked) this.#send(client, frame === undefined ? ': keep-alive\n\n' : '', frame);
    }
  }

  /** Writes `prefix` then `frame` (either may be empty); a full buffer parks the client until it drains. */
  #send(client: Client, prefix: string, frame: string | undefined): void {
    if (frame !== undefined) client.sent = frame;
    if (client.target.write(prefix + (frame ?? ''))) return;
    client.blocked = true;
    client.target.once('drain', () => {
      client.blocked = false;
      // catch up with the newest state if a newer one came while it was parked, and only then
      const newest = this.#lastFrame;
      if (this.#clients.has(client) && newest !== undefined && newest !== client.sent) this.#send(client, '', newest);
    });
  }
}
