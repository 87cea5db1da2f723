/**
 * The physical limit of the feed: a bare `ws` client receiving the workload's frames as
 * fast as the replay server sends them, doing nothing else (receive only) or calling
 * JSON.parse on each (what any client must at least do). Measured, like the engine, in a
 * process of its own (so that the bench's own heap, which holds every workload's frames,
 * weighs on neither) and after the feed's warm-up.
 */
import { forkBench } from './child-process.js';
import { startFeed, type BenchKey, type FeedWarmup } from './replay-feed.js';
import type { BareClientOptions } from './ws-limit-process.js';
import type { Workload } from './workloads.js';

export async function bareClientRate(workload: Workload, key: BenchKey, parse: boolean, warmup?: FeedWarmup): Promise<number> {
  const feed = await startFeed(workload, key, 'as fast as read', warmup);
  try {
    const options: BareClientOptions = {
      url: feed.url,
      keyId: key.keyId,
      keyPath: key.privateKeyPath,
      tickers: workload.tickers,
      frames: workload.frameCount,
      // the rate is counted from this frame on
      countFrom: Math.min(warmup?.frames ?? 0, workload.frameCount - 2),
      parse,
    };
    const client = forkBench('./ws-limit-process.ts', [JSON.stringify(options)]);
    const { rate } = await client.next<{ rate: number }>('rate');
    await client.exited;
    return rate;
  } finally {
    await feed.stop();
  }
}
