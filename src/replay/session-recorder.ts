/**
 * Records every session of a connection: each time the socket (re)opens a new recording
 * starts, because sids and sequence numbers start over with the connection. The first
 * session is written to `path`, session n (n >= 2) to `path` with `.session<n>` inserted
 * before the suffix; each session rotates into parts on its own.
 *
 * This is the hook the gateway calls: `sessionOpened()` when the socket is up,
 * `frame(text, receivedAtMs)` for every text frame before routing it, `sessionClosed()`
 * when it is down, `close()` at shutdown. The calling thread only collects the frames of
 * the current event-loop turn and posts them once per turn; the lines are built,
 * compressed and written on a thread of their own (recording-thread.ts). None of these
 * methods throws: a recording that cannot be written is reported through `onError` and
 * the engine carries on without it.
 */
import { randomUUID } from 'node:crypto';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { TimeSource } from '../clock/clock.js';
import { insertBeforeSuffix, RecordingError, type WireFormat } from './recording-format.js';
import type { RecordingFailed, RecordingThreadMessage, RecordingThreadTask } from './recording-thread.js';
import type { RecordingSummary } from './recording-writer.js';

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
  readonly clock: TimeSource;
  readonly onError: (error: Error) => void;
}

const TASK_EXTENSION = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const TASK_FILE = new URL(`./recording-thread.${TASK_EXTENSION}`, import.meta.url).href;

interface OpenSession {
  readonly port: MessagePort;
  texts: string[];
  receivedAtMs: number[];
  postScheduled: boolean;
}

export class SessionRecorder {
  #sessions = 0;
  #pool: Piscina | undefined;
  #current: OpenSession | undefined;
  readonly #finishing: Array<Promise<RecordingSummary | undefined>> = [];

  constructor(private readonly options: SessionRecorderOptions) {}

  /** Starts the recording of a new connection session. */
  sessionOpened(): void {
    this.sessionClosed();
    this.#sessions++;
    const path = this.#sessions === 1 ? this.options.path : insertBeforeSuffix(this.options.path, `session${this.#sessions}`);
    this.#pool ??= new Piscina({ filename: TASK_FILE, minThreads: 1, maxThreads: 1, idleTimeout: Infinity, concurrentTasksPerWorker: 1, atomics: 'disabled' });
    const channel = new MessageChannel();
    const notified = (notice: RecordingFailed): void => this.options.onError(new RecordingError(notice.message));
    channel.port1.on('message', notified);
    const task: RecordingThreadTask = {
      port: channel.port2,
      writer: {
        path,
        session: {
          session: randomUUID(),
          started_ms: this.options.clock.now(),
          ws_url: this.options.wsUrl,
          tickers: [...this.options.tickers],
          wire_format: this.options.wireFormat ?? 'current',
        },
        ...(this.options.maxBytes !== undefined ? { maxBytes: this.options.maxBytes } : {}),
      },
    };
    const finished = (this.#pool.run(task, { transferList: [channel.port2] }) as Promise<RecordingSummary | undefined>).then(
      (summary) => summary,
      (error: Error) => {
        this.options.onError(new RecordingError(`the recording thread failed: ${error.message}`));
        return undefined;
      },
    );
    // a notice posted just before the task ended can arrive after its result (another channel): drain the port first
    const drained = finished.finally(() => {
      for (let queued = receiveMessageOnPort(channel.port1); queued; queued = receiveMessageOnPort(channel.port1)) notified(queued.message as RecordingFailed);
      channel.port1.close();
    });
    this.#finishing.push(drained);
    this.#current = { port: channel.port1, texts: [], receivedAtMs: [], postScheduled: false };
  }

  /** A frame as received, before anything else looks at it. */
  frame(text: string, receivedAtMs: number): void {
    const session = this.#current;
    if (session === undefined) return;
    session.texts.push(text);
    session.receivedAtMs.push(receivedAtMs);
    if (!session.postScheduled) {
      session.postScheduled = true;
      setImmediate(() => this.#post(session));
    }
  }

  /** The session's socket is gone: its recording is finished in the background. */
  sessionClosed(): void {
    const session = this.#current;
    if (session === undefined) return;
    this.#current = undefined;
    this.#post(session);
    session.port.postMessage({ kind: 'CloseRecording' } satisfies RecordingThreadMessage);
  }

  /** Finishes every recording and the recording thread; one summary per session that could be written. */
  async close(): Promise<RecordingSummary[]> {
    this.sessionClosed();
    const summaries = await Promise.all(this.#finishing);
    await this.#pool?.destroy();
    this.#pool = undefined;
    return summaries.filter((summary): summary is RecordingSummary => summary !== undefined);
  }

  #post(session: OpenSession): void {
    session.postScheduled = false;
    if (session.texts.length === 0) return;
    session.port.postMessage({ kind: 'FramesPosted', texts: session.texts, receivedAtMs: session.receivedAtMs } satisfies RecordingThreadMessage);
    session.texts = [];
    session.receivedAtMs = [];
  }
}
