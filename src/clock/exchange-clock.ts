/**
 * Exchange time, for runs that must not depend on the wall clock (replays).
 *
 * now() is the latest frame time seen so far (see frame-time.ts); it never goes back.
 * Timers are deadlines in that time: advancing the clock past a deadline fires its timer,
 * with now() equal to the deadline, in deadline order (ties in the order they were set),
 * before the frame that moved time is handled. A timer set while timers fire fires in the
 * same advance when it falls due within it, so a quiet stretch gets every refresh the wall
 * clock would have given it.
 *
 * Before the first timed frame there is no time yet: steps handed to atFrame() are held,
 * in order, and run at the first frame time, so the first decisions carry a real
 * exchange time rather than 1970.
 *
 * Pure: no wall clock, no host timers; the frames drive it.
 */
import type { Clock, TimerHandle } from './clock.js';

export type ExchangeTimerId = number;

interface Timer {
  readonly id: ExchangeTimerId;
  readonly dueMs: number;
  readonly callback: () => void;
}

/** A re-arming timer that never lets time move on is a bug; stop it instead of spinning. */
const MAX_FIRINGS_PER_ADVANCE = 1_000_000;
/** cleared timers tolerated in the heap beyond twice the live ones */
const COMPACT_SLACK = 1024;

export class ExchangeClock implements Clock {
  #nowMs = 0;
  #started = false;
  #held: Array<() => void> = [];
  #nextId = 1;
  /** binary min-heap on (dueMs, id) */
  readonly #heap: Timer[] = [];
  /** ids set and neither fired nor cleared */
  readonly #live = new Set<ExchangeTimerId>();

  /** Whether a frame time has been seen. */
  get started(): boolean {
    return this.#started;
  }

  /** The latest frame time seen (0 before the first). */
  now(): number {
    return this.#nowMs;
  }

  get heldSteps(): number {
    return this.#held.length;
  }

  get pendingTimers(): number {
    return this.#live.size;
  }

  /**
   * Runs `step` at the time of the frame it handles: a frame time first advances the clock
   * (firing what falls due); without one the step runs at the current time, or is held
   * until the first frame time when there is none yet.
   */
  atFrame(frameTimeMs: number | undefined, step: () => void): void {
    if (frameTimeMs !== undefined) this.advanceTo(frameTimeMs);
    if (this.#started) step();
    else this.#held.push(step);
  }

  /** Moves time to `timeMs` (never back), firing every timer due by then. */
  advanceTo(timeMs: number): void {
    if (!Number.isFinite(timeMs)) throw new RangeError(`exchange time must be a finite number, got ${timeMs}`);
    if (!this.#started) {
      this.#started = true;
      this.#nowMs = timeMs;
      const held = this.#held;
      this.#held = [];
      for (const step of held) step();
    }
    let firings = 0;
    for (let timer = this.#peekDue(timeMs); timer !== undefined; timer = this.#peekDue(timeMs)) {
      if (++firings > MAX_FIRINGS_PER_ADVANCE)
        throw new RangeError(`exchange clock: more than ${MAX_FIRINGS_PER_ADVANCE} timers fired moving to ${timeMs}; a timer keeps re-arming in the past`);
      this.#pop();
      this.#live.delete(timer.id);
      if (timer.dueMs > this.#nowMs) this.#nowMs = timer.dueMs;
      timer.callback();
    }
    if (timeMs > this.#nowMs) this.#nowMs = timeMs;
  }

  /** Fires `callback` once time reaches `dueMs` (at the next advance when it already has). */
  setTimer(dueMs: number, callback: () => void): ExchangeTimerId {
    if (!Number.isFinite(dueMs)) throw new RangeError(`timer deadline must be a finite number, got ${dueMs}`);
    const timer: Timer = { id: this.#nextId++, dueMs, callback };
    this.#push(timer);
    this.#live.add(timer.id);
    return timer.id;
  }

  clearTimer(id: TimerHandle): void {
    if (!this.#live.delete(id as ExchangeTimerId)) return;
    if (this.#heap.length > COMPACT_SLACK + 2 * this.#live.size) this.#compact();
  }

  /** Rebuilds the heap without cleared timers (they otherwise wait there until due). */
  #compact(): void {
    const live = this.#heap.filter((timer) => this.#live.has(timer.id));
    this.#heap.length = 0;
    for (const timer of live) this.#push(timer);
  }

  /** The earliest live timer due by `timeMs`, dropping cleared ones on the way. */
  #peekDue(timeMs: number): Timer | undefined {
    while (this.#heap.length > 0) {
      const top = this.#heap[0]!;
      if (this.#live.has(top.id)) return top.dueMs <= timeMs ? top : undefined;
      this.#pop();
    }
    return undefined;
  }

  #push(timer: Timer): void {
    const heap = this.#heap;
    heap.push(timer);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(heap[index]!, heap[parent]!)) break;
      const moved = heap[index]!;
      heap[index] = heap[parent]!;
      heap[parent] = moved;
      index = parent;
    }
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      const moved = heap[index]!;
      heap[index] = heap[smallest]!;
      heap[smallest] = moved;
      index = smallest;
    }
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.id < b.id);
}
