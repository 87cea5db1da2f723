/**
 * What recording costs the thread that receives the frames: the hot-path call
 * (`SessionRecorder.frame`, timed around the calls, loop included), and all the work the
 * recorder adds to that thread (the calls and one post per turn to the recording thread),
 * measured with the event loop's utilization while frames arrive a few hundred per turn,
 * as from a socket, less the same loop without a recorder. The recording thread's own work
 * (lines, compression) is not on the receiving thread and not counted here.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SessionRecorder } from '../src/replay/session-recorder.js';

export interface RecorderCost {
  readonly hotPathNsPerFrame: number;
  readonly threadNsPerFrame: number;
  readonly lostFrames: number;
}

const FRAMES_PER_TURN = 300;

/** Feeds the frames a few hundred per turn; returns the main thread's active ms and the ms spent inside `consume`. */
async function feedLoop(frames: readonly string[], consume: (text: string, now: number) => void): Promise<{ activeMs: number; callsMs: number }> {
  let callsMs = 0;
  const before = performance.eventLoopUtilization();
  for (let start = 0; start < frames.length; start += FRAMES_PER_TURN) {
    const end = Math.min(frames.length, start + FRAMES_PER_TURN);
    const now = Date.now();
    const callsAt = performance.now();
    for (let index = start; index < end; index++) consume(frames[index]!, now);
    callsMs += performance.now() - callsAt;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { activeMs: performance.eventLoopUtilization(before).active, callsMs };
}

export async function measureRecorderCost(directory: string, frames: readonly string[]): Promise<RecorderCost> {
  const path = join(directory, 'recorder-cost.jsonl.gz');
  rmSync(path, { force: true });
  const errors: Error[] = [];
  const recorder = new SessionRecorder({
    path,
    wsUrl: 'ws://127.0.0.1/bench',
    tickers: [],
    clock: { now: () => Date.now() },
    onError: (error) => errors.push(error),
  });
  let sink = 0;
  const baseline = await feedLoop(frames, (text) => {
    sink += text.length;
  });
  recorder.sessionOpened();
  const before = performance.eventLoopUtilization();
  const fed = await feedLoop(frames, (text, now) => recorder.frame(text, now));
  const [summary] = await recorder.close();
  const activeMs = performance.eventLoopUtilization(before).active;
  if (errors.length > 0) throw errors[0]!;
  if (sink === 0) throw new Error('no frames to record');
  return {
    hotPathNsPerFrame: (fed.callsMs * 1e6) / frames.length,
    threadNsPerFrame: ((activeMs - baseline.activeMs) * 1e6) / frames.length,
    lostFrames: summary?.lostFrames ?? 0,
  };
}
