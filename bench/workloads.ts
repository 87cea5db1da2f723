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
  readonly frames: readonly string[];
  /** frames per second of recorded time */
  readonly recordedRate: number;
}

/** frames per workload: the warm-up, then enough for three seconds at over 300,000 frames/s */
export const FRAMES_PER_WORKLOAD = 1_200_000;
/** what every run of the engine (and of the bare client) begins with, not measured (bench/engine-runs.ts) */
export const WARMUP = { frames: 300_000, rate: 100_000 } as const;

/** market events per recorded second over all markets */
const EVENTS_PER_SECOND = 20_000;

export async function makeWorkload(directory: string, tickerCount: number, frames: number, path = join(directory, `sim-${tickerCount}-tickers.jsonl.gz`)): Promise<Workload> {
  const tickers = Array.from({ length: tickerCount }, (_, index) => `KXBENCH-26DEC31-T${index + 1}`);
  await recordSimulatorSession({ path, tickers, frames, seed: tickerCount, ratePerMarket: EVENTS_PER_SECOND / tickerCount, tickMs: 1, session: `bench-${tickerCount}` });
  const { entries } = await loadRecording(path);
  const texts = entries.flatMap((entry) => (entry.kind === 'frame' ? [entry.text] : []));
  const spanMs = entries.at(-1)!.receivedAtMs - entries[0]!.receivedAtMs;
  return { tickers, path, frames: texts, recordedRate: (texts.length / spanMs) * 1000 };
}
