/**
 * The gateway's sending end of one actor's data port: batches raw frames per event-loop
 * turn (flushed on setImmediate, at most `maxBatch` frames per post) and keeps a credit
 * window. Every frame counts as outstanding from the moment it is queued until the actor
 * acknowledges it (FramesProcessed). Past `maxOutstanding` the outbox refuses frames and
 * reports the actor as overloaded; once the actor has worked its backlog down to
 * `resumeBelow` it reports it drained. The gateway decides what overload means for the
 * actor's tickers (mark stale, resnapshot); the outbox never buffers past the bound.
 */
import { sharedNowMs } from '../clock/clock.js';
import type { ActorCommand, MarkStale } from './messages.js';

export interface DataPortSender {
  postMessage(message: ActorCommand): void;
}

export interface OutboxOptions {
  /** frames per post */
  readonly maxBatch: number;
  /** frames queued or in flight before the actor counts as overloaded */
  readonly maxOutstanding: number;
  /** outstanding frames at or below which an overloaded actor counts as drained */
  readonly resumeBelow: number;
  /** defers a flush to the end of the current turn; setImmediate by default */
  readonly defer?: (flush: () => void) => void;
  /** the receipt time stamped on a batch (its first frame's); sharedNowMs by default */
  readonly now?: () => number;
}

/**
 * maxBatch 300: chosen by measurement (docs/benchmarks.md, the outbox cap): under load a turn
 * brings many frames, and fewer, larger posts cost less on both sides. At low rates a batch
 * is whatever one turn brought (a few frames), whatever the cap.
 */
export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = { maxBatch: 300, maxOutstanding: 20_000, resumeBelow: 2_000 };

export type PushResult = 'queued' | 'refused';

export class ActorOutbox {
  private pending: string[] = [];
  private pendingSince = 0;
  private flushScheduled = false;
  private outstandingFrames = 0;
  private overloadedNow = false;
  private closed = false;
  private readonly defer: (flush: () => void) => void;
  private readonly now: () => number;

  constructor(
    private readonly port: DataPortSender,
    private readonly options: OutboxOptions = DEFAULT_OUTBOX_OPTIONS,
  ) {
    this.defer = options.defer ?? ((flush) => void setImmediate(flush));
    this.now = options.now ?? sharedNowMs;
  }

  get outstanding(): number {
    return this.outstandingFrames;
  }

  get overloaded(): boolean {
    return this.overloadedNow;
  }

  /** Queues one raw frame. 'refused' when the actor is overloaded (or the outbox closed). */
  push(frame: string): PushResult {
    if (this.closed) return 'refused';
    if (this.overloadedNow) return 'refused';
    if (this.outstandingFrames >= this.options.maxOutstanding) {
      this.overloadedNow = true;
      return 'refused';
    }
    if (this.pending.length === 0) this.pendingSince = this.now();
    this.pending.push(frame);
    this.outstandingFrames++;
    if (this.pending.length >= this.options.maxBatch) this.flush();
    else this.scheduleFlush();
    return 'queued';
  }

  /** Posts a command after every frame queued before it (one port keeps them in order). */
  command(command: MarkStale): void {
    if (this.closed) return;
    this.flush();
    this.port.postMessage(command);
  }

  /** Frames the actor reports processed. Returns true when this ends an overload. */
  acknowledge(frames: number): boolean {
    this.outstandingFrames = Math.max(0, this.outstandingFrames - frames);
    if (this.overloadedNow && this.outstandingFrames <= this.options.resumeBelow) {
      this.overloadedNow = false;
      return true;
    }
    return false;
  }

  flush(): void {
    if (this.pending.length === 0 || this.closed) return;
    const frames = this.pending;
    this.pending = [];
    this.port.postMessage({ kind: 'DeliverFrames', frames, receivedAt: this.pendingSince });
  }

  /** Drops what is queued; nothing is posted afterwards. */
  close(): void {
    this.closed = true;
    this.pending = [];
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.defer(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }
}
