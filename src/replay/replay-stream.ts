/**
 * Sends a recording's frames down one connection, in order and with their exact text, at
 * a pace:
 *
 * - `recorded`: frame i leaves at start + (t_i - t_0) / speed (speed 1 = as recorded). A
 *   recording's times are whole milliseconds; the n frames received in one millisecond are
 *   taken as spread evenly over it (the k-th at t + k/n), so that a slowed-down replay
 *   does not turn each millisecond into one burst;
 * - `as-fast-as-read`: as fast as the client takes them.
 *
 * A warm-up may come first: the first frames at a pace of their own, the rest at the pace,
 * a recorded pace counted from where it takes over (a benchmark warms a cold client at a
 * moderate rate before it measures one).
 *
 * Either way the socket's send backlog is capped: frames go out in bursts until
 * `highWaterBytes` are waiting in the socket, then the stream waits for the client to
 * read (so a slow client slows the replay down instead of growing a buffer). The source
 * is pulled a batch at a time, so a streamed recording is never held whole in memory.
 * `lost` markers in the recording are skipped and counted.
 */
import type { RecordingEntry } from './recording-format.js';

export type ReplayPace = { readonly kind: 'recorded'; readonly speed: number } | { readonly kind: 'as-fast-as-read' };

/** The parts of a server connection the stream uses (the simulator's Connection has them). */
export interface FrameSink {
  send(text: string): void;
  /** sends `text` as the already encoded text frame `frame` (a preloaded replay prepares them once) */
  sendEncoded?(text: string, frame: Buffer): void;
  readonly bufferedAmount: number;
  readonly isOpen: boolean;
}

export interface ReplayStreamOptions {
  readonly pace: ReplayPace;
  /** socket backlog (bytes) at which sending pauses until the client reads */
  readonly highWaterBytes: number;
  /** counts every frame sent, as it is sent (shared by the streams of one server) */
  readonly progress?: { framesSent: number };
  /** the text frames of entries, encoded once (a preloaded recording): sent as they are */
  readonly encodedFrames?: ReadonlyMap<RecordingEntry, Buffer>;
  /** the first `warmup.frames` frames at `warmup.pace`, then the rest at `pace` */
  readonly warmup?: ReplayWarmup;
}

export interface ReplayWarmup {
  readonly frames: number;
  readonly pace: ReplayPace;
}

export interface ReplayStreamReport {
  readonly framesSent: number;
  /** frames the recording itself marks as lost */
  readonly framesLostInRecording: number;
  /** false when the client went away before the end */
  readonly completed: boolean;
  readonly durationMs: number;
  /** recorded pace: the furthest a frame left behind its due time, ms */
  readonly maxLagMs: number;
  /** the recording became unreadable part way (the frames before were sent) */
  readonly error?: string;
}

export const DEFAULT_HIGH_WATER_BYTES = 1024 * 1024;
/** how long to wait before looking at a full socket again */
const BACKLOG_POLL_MS = 1;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sameMillisecond(entry: RecordingEntry | undefined, receivedAtMs: number): boolean {
  return entry?.kind === 'frame' && entry.receivedAtMs === receivedAtMs;
}

/**
 * The time (recorded ms, fractional) at which each entry is due: a frame that is the k-th
 * of n consecutive frames received in the same millisecond t is due at t + k/n; a gap
 * marker at its own time. `entries` must hold every frame of the milliseconds it covers
 * (see wholeMilliseconds).
 */
export function spreadWithinMilliseconds(entries: readonly RecordingEntry[]): number[] {
  const due: number[] = new Array<number>(entries.length);
  for (let start = 0; start < entries.length;) {
    const entry = entries[start]!;
    if (entry.kind !== 'frame') {
      due[start++] = entry.receivedAtMs;
      continue;
    }
    let end = start + 1;
    while (sameMillisecond(entries[end], entry.receivedAtMs)) end++;
    const count = end - start;
    for (let index = start; index < end; index++) due[index] = entry.receivedAtMs + (index - start) / count;
    start = end;
  }
  return due;
}

/** The source re-batched so that the frames of one recorded millisecond are never split between two batches. */
export async function* wholeMilliseconds(source: AsyncIterable<readonly RecordingEntry[]>): AsyncIterable<readonly RecordingEntry[]> {
  let carried: readonly RecordingEntry[] = [];
  for await (const batch of source) {
    const entries = carried.length === 0 ? batch : [...carried, ...batch];
    const last = entries.at(-1);
    let cut = entries.length;
    if (last?.kind === 'frame') while (cut > 0 && sameMillisecond(entries[cut - 1], last.receivedAtMs)) cut--;
    carried = entries.slice(cut);
    if (cut > 0) yield cut === entries.length ? entries : entries.slice(0, cut);
  }
  if (carried.length > 0) yield carried;
}

export function checkPace(pace: ReplayPace): ReplayPace {
  if (pace.kind === 'recorded' && !(Number.isFinite(pace.speed) && pace.speed > 0)) {
    throw new RangeError(`replay speed must be a positive number, got ${pace.speed}`);
  }
  return pace;
}

export function checkWarmup(warmup: ReplayWarmup): ReplayWarmup {
  if (!Number.isSafeInteger(warmup.frames) || warmup.frames < 0) throw new RangeError(`warm-up frames must be a whole number, got ${warmup.frames}`);
  checkPace(warmup.pace);
  return warmup;
}

export async function streamRecording(
  source: AsyncIterable<readonly RecordingEntry[]>,
  sink: FrameSink,
  options: ReplayStreamOptions,
): Promise<ReplayStreamReport> {
  const finalPace = checkPace(options.pace);
  const warmup = options.warmup && checkWarmup(options.warmup);
  const encodedFrames = options.encodedFrames;
  const startedAt = performance.now();
  let pace = warmup && warmup.frames > 0 ? warmup.pace : finalPace;
  const paced = pace.kind === 'recorded' || finalPace.kind === 'recorded';
  // a recorded pace runs from this moment and this recorded time (the first frame's due time)
  let anchorAt = startedAt;
  let anchorRecordedMs: number | undefined;
  let framesSent = 0;
  let framesLost = 0;
  let maxLagMs = 0;
  const report = (completed: boolean, error?: Error): ReplayStreamReport => ({
    framesSent,
    framesLostInRecording: framesLost,
    completed,
    durationMs: performance.now() - startedAt,
    maxLagMs,
    ...(error !== undefined ? { error: error.message } : {}),
  });

  try {
    const batches = paced ? wholeMilliseconds(source) : source;
    for await (const batch of batches) {
      const dueMs = paced ? spreadWithinMilliseconds(batch) : undefined;
      for (let index = 0; index < batch.length; index++) {
        const entry = batch[index]!;
        if (entry.kind === 'gap') {
          framesLost += entry.lost;
          continue;
        }
        if (pace !== finalPace && framesSent === warmup!.frames) {
          pace = finalPace;
          anchorAt = performance.now();
          anchorRecordedMs = undefined;
        }
        if (pace.kind === 'recorded') {
          anchorRecordedMs ??= dueMs![index]!;
          const dueAt = anchorAt + (dueMs![index]! - anchorRecordedMs) / pace.speed;
          const early = dueAt - performance.now();
          if (early >= 1) await sleep(early);
          else maxLagMs = Math.max(maxLagMs, -early);
        }
        while (sink.isOpen && sink.bufferedAmount >= options.highWaterBytes) {
          await nextTurn();
          if (sink.bufferedAmount >= options.highWaterBytes) await sleep(BACKLOG_POLL_MS);
        }
        if (!sink.isOpen) return report(false);
        const encoded = encodedFrames?.get(entry);
        if (encoded !== undefined && sink.sendEncoded) sink.sendEncoded(entry.text, encoded);
        else sink.send(entry.text);
        framesSent++;
        if (options.progress) options.progress.framesSent++;
      }
      // let the corked burst reach the socket before the next batch
      await nextTurn();
    }
  } catch (error) {
    return report(false, error as Error);
  }
  return report(sink.isOpen);
}
