/**
 * The physical limit of the feed: a bare `ws` client on this thread receiving the
 * workload's frames as fast as the replay server sends them, doing nothing else
 * (receive only) or calling JSON.parse on each (what any client must at least do).
 * Measured, like the engine, after the feed's warm-up.
 */
import { performance } from 'node:perf_hooks';
import { openSocket } from '../src/gateway/handshake.js';
import { authHeaders } from '../src/protocol/auth.js';
import { startFeed, type BenchKey, type FeedWarmup } from './replay-feed.js';
import type { Workload } from './workloads.js';

export async function bareClientRate(workload: Workload, key: BenchKey, parse: boolean, warmup?: FeedWarmup): Promise<number> {
  const feed = await startFeed(workload, key, 'as fast as read', warmup);
  try {
    const socket = await openSocket({ url: feed.url, keyId: key.keyId, headers: authHeaders(key.keyId, key.privateKey, Date.now()), handshakeTimeoutMs: 10_000 });
    const expected = workload.frames.length;
    // the rate is counted from this frame on
    const first = Math.min(warmup?.frames ?? 0, expected - 2);
    let received = 0;
    let firstAt = 0;
    const done = new Promise<number>((resolve) => {
      socket.on('message', (data: Buffer) => {
        if (parse) JSON.parse(data.toString('utf8'));
        if (received === first) firstAt = performance.now();
        if (++received === expected) resolve(performance.now());
      });
    });
    socket.send(JSON.stringify({ id: 1, cmd: 'subscribe', params: { channels: ['orderbook_delta'], market_tickers: workload.tickers } }));
    const lastAt = await done;
    socket.close();
    return ((expected - 1 - first) / (lastAt - firstAt)) * 1000;
  } finally {
    await feed.stop();
  }
}
