/**
 * The recordings every measurement replays: the simulator recorded at 10, 100 and 1,000
 * tickers (current wire format, one market step per recorded millisecond, so that a paced
 * replay is smooth), made fresh in a scratch directory at the start of each bench run.
 */
import { join } from 'node:path';
import { loadRecording } from '../src/replay/recording-reader.js';
import { recordSimulatorSession } from '../src/replay/simulator-recording.js';

export interface Workload {
  readonly tickers: readonly string[];
  readonly path: string;
  /** frames in the recording */
  readonly frameCount: number;
  /**
   * its first SAMPLE_FRAMES frames, for the measurements made in the bench's own process
   * (MessagePort, recorder); the rest is not kept, so that the bench's heap stays small
   */
  readonly sample: readonly string[];
  /** frames per second of recorded time */
  readonly recordedRate: number;
}

const SAMPLE_FRAMES = 300_000;

/** frames per workload: the warm-up, then enough for three seconds at over 300,000 frames/s */
export const FRAMES_PER_WORKLOAD = 1_200_000;
/** what every run of the engine (and of the bare client) begins with, not measured (bench/engine-runs.ts) */
export const WARMUP = { frames: 300_000, rate: 100_000 } as const;

/** market events per recorded second over all markets */
const EVENTS_PER_SECOND = 20_000;

function benchTickers(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `KXBENCH-26DEC31-T${index + 1}`);
}

export async function makeWorkload(
  directory: string,
  tickerCount: number,
  frames: number,
  path = join(directory, `sim-${tickerCount}-tickers.jsonl.gz`),
): Promise<Workload> {
  await recordSimulatorSession({
    path,
    tickers: benchTickers(tickerCount),
    frames,
    seed: tickerCount,
    ratePerMarket: EVENTS_PER_SECOND / tickerCount,
    tickMs: 1,
    session: `bench-${tickerCount}`,
  });
  return loadWorkload(path, tickerCount);
}

/** A workload recorded earlier by makeWorkload. */
export async function loadWorkload(path: string, tickerCount: number): Promise<Workload> {
  const { entries } = await loadRecording(path);
  const frames = entries.filter((entry) => entry.kind === 'frame');
  const spanMs = entries.at(-1)!.receivedAtMs - entries[0]!.receivedAtMs;
  const sample = frames.slice(0, SAMPLE_FRAMES).map((entry) => entry.text);
  return { tickers: benchTickers(tickerCount), path, frameCount: frames.length, sample, recordedRate: (frames.length / spanMs) * 1000 };
}
