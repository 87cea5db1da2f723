/**
 * What one ticker's state costs in a shard actor: a Shard hosting every ticker of a
 * workload handles the workload's first frames (snapshots for every ticker, then deltas),
 * and the retained heap after full collections, minus the heap before, is divided by the
 * ticker count. Run with --expose-gc, in a process of its own.
 *
 *   argv: <recording> <tickers>;  IPC out: {kind: 'actor-state', bytesPerTicker, live}
 */
import { fileURLToPath } from 'node:url';
import { Shard } from '../src/actors/shard.js';
import { wallClock } from '../src/clock/clock.js';
import { loadConfig } from '../src/config/load.js';
import { WallClock } from '../src/clock/clock.js';
import { tellParent } from './child-process.js';
import { loadWorkload } from './workloads.js';

const [recording, tickerCount] = process.argv.slice(2);
const workload = await loadWorkload(recording!, Number(tickerCount));
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('run with --expose-gc');
// the shipped strategy defaults, with min_spread 1 as in the engine runs (every ticker decides)
const params = { ...loadConfig({ file: fileURLToPath(new URL('../config/default.json', import.meta.url)), env: {} }).strategy, min_spread: 1 };
const BATCH = 300;

collect();
collect();
const before = process.memoryUsage().heapUsed;
const shard = new Shard(
  { shardId: 0, threadId: 0, logLevel: 'info' },
  { intent: () => undefined, event: () => undefined, post: () => undefined },
  new WallClock(wallClock),
);
shard.addTickers(workload.tickers.map((ticker) => ({ ticker, params })));
for (let start = 0; start < workload.sample.length; start += BATCH)
  shard.handle({ kind: 'DeliverFrames', frames: workload.sample.slice(start, start + BATCH) });
collect();
collect();
const after = process.memoryUsage().heapUsed;
const { live } = shard.status().tickers;
shard.stop();
tellParent({ kind: 'actor-state', bytesPerTicker: (after - before) / workload.tickers.length, live });
process.disconnect();
