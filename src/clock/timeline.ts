/**
 * The time a shard actor decides in, as one interface with two implementations, so the
 * runtime switches between them with one setting (`runtime.clock`):
 *
 * - WallTimeline: now() from the wall clock, timers on the host's setTimeout, frames
 *   handled at once (live trading, the default);
 * - ExchangeClock (exchange-clock.ts): now() and timers in the time the frames carry
 *   (replays: the same recording gives the same intents, byte for byte).
 *
 * The actor hands every frame's step to atFrame() with the frame's time (frame-time.ts),
 * and arms its TTL deadlines with setTimer(); nothing else changes.
 */
import type { Clock } from './clock.js';

export type TimelineTimer = unknown;

export interface Timeline extends Clock {
  /** Runs the step that handles a frame, at that frame's time when the timeline follows frames. */
  atFrame(frameTimeMs: number | undefined, step: () => void): void;
  /** Calls `callback` once the time reaches `dueMs`. */
  setTimer(dueMs: number, callback: () => void): TimelineTimer;
  clearTimer(timer: TimelineTimer): void;
}

export class WallTimeline implements Timeline {
  constructor(private readonly clock: Clock) {}

  now(): number {
    return this.clock.now();
  }

  atFrame(_frameTimeMs: number | undefined, step: () => void): void {
    step();
  }

  setTimer(dueMs: number, callback: () => void): TimelineTimer {
    return setTimeout(callback, Math.max(1, dueMs - this.clock.now()));
  }

  clearTimer(timer: TimelineTimer): void {
    clearTimeout(timer as NodeJS.Timeout);
  }
}
