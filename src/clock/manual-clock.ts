/**
 * A clock that moves only when told to: `advance(ms)` (or `advanceTo`) runs every timer that
 * falls due, in due order (ties in the order they were set), with now() equal to each
 * timer's deadline while it runs. For tests and deterministic runs.
 */
import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  readonly id: number;
  readonly dueMs: number;
  readonly callback: () => void;
}

export class ManualClock implements Clock {
  #nowMs: number;
  #nextId = 1;
  #timers: PendingTimer[] = [];

  constructor(startMs: number) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  setTimer(dueMs: number, callback: () => void): TimerHandle {
    const timer = { id: this.#nextId++, dueMs: Math.max(dueMs, this.#nowMs), callback };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== handle);
  }

  /** Frames carry no time for a manual clock: the step runs at once. */
  atFrame(_frameTimeMs: number | undefined, step: () => void): void {
    step();
  }

  advance(ms: number): void {
    this.advanceTo(this.#nowMs + ms);
  }

  advanceTo(targetMs: number): void {
    for (;;) {
      let due: PendingTimer | undefined;
      for (const timer of this.#timers) {
        if (timer.dueMs <= targetMs && (due === undefined || timer.dueMs < due.dueMs || (timer.dueMs === due.dueMs && timer.id < due.id))) due = timer;
      }
      if (!due) break;
      this.#timers = this.#timers.filter((timer) => timer !== due);
      this.#nowMs = Math.max(this.#nowMs, due.dueMs);
      due.callback();
    }
    this.#nowMs = Math.max(this.#nowMs, targetMs);
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }
}
