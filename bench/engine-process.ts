/**
 * The engine under measurement, in a process of its own (so that its peak RSS is its own):
 * the unchanged runtime (startRuntime: gateway, shard actors, logger actor) connected to
 * a replay server.
 *
 * - throughput: the replay feeds as fast as the engine reads; measures the time from the
 *   first frame received to the last frame handled by the actors.
 * - latency: the replay feeds at a fixed rate; measures, per intent, the time from the
 *   receipt of the book frame that caused it to the moment its line is in the intents file.
 *   Receipt is stamped by wrapping the gateway's public `frame` method (a bench probe until
 *   the runtime offers a frame hook); intent lines are read back with fs.watch.
 *
 *   argv: JSON EngineRunOptions;  IPC out: {kind: 'result', result: EngineRunResult}
 */
import { closeSync, openSync, readSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { combineBuckets } from '../src/actors/latency-histogram.js';
import type { ActorStatus } from '../src/actors/messages.js';
import { loadConfig } from '../src/config/load.js';
import { scanFrame } from '../src/protocol/frame-scan.js';
import { startRuntime, type Runtime } from '../src/engine/engine.js';
import { tellParent } from './child-process.js';
import { cpuBetween, threadCpu, type ThreadCpu } from './thread-cpu.js';

export interface EngineRunOptions {
  readonly mode: 'throughput' | 'latency';
  readonly url: string;
  readonly keyId: string;
  readonly keyPath: string;
  readonly tickers: readonly string[];
  /** frames the replay will send */
  readonly frames: number;
  readonly workers: number;
  /** log.level of the engine: at info every ticker and trade frame also becomes an event line */
  readonly logLevel: 'info' | 'warn';
  readonly logDirectory: string;
  /** latency mode: intents caused before this many ms after the start of the measurement are not counted */
  readonly warmupMs: number;
  /** the replay server's process, whose threads' CPU is read alongside the engine's */
  readonly feedPid?: number;
  /** the frames of the feed's warm-up: the measurement starts once they are received */
  readonly measureFromFrame?: number;
}

export interface EngineRunResult {
  readonly framesReceived: number;
  readonly framesRouted: number;
  readonly deltasDroppedWhileStale: number;
  readonly slowConsumerEvents: number;
  /** frames received from the start of the measurement (after the warm-up) to the end */
  readonly framesMeasured: number;
  /** start of the measurement (first frame after the warm-up) -> last frame handled by the actors */
  readonly durationMs: number;
  /** start of the measurement -> last frame received by the gateway */
  readonly receiveMs: number;
  readonly intents: number;
  readonly peakRssBytes: number;
  readonly latenciesMs: number[];
  /**
   * latency mode: the actors' decision latency histograms (10 µs buckets, src/actors/latency-histogram.ts)
   * after the warm-up, added up: frame receipt (the first of its batch) to the intent's emission in the actor
   */
  readonly decisionLatency: number[];
  /** CPU each thread ran from the first frame received to the last handled, ms (Linux; the main thread's tid is the pid) */
  readonly threadCpuMs: { readonly engine: ThreadCpu[]; readonly feed: ThreadCpu[]; readonly enginePid: number };
}

const POLL_MS = 5;

function writeConfig(options: EngineRunOptions): string {
  const file = join(options.logDirectory, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      exchange: { env: 'sim', ws_url: options.url },
      credentials: { key_id: options.keyId, private_key_path: options.keyPath },
      markets: options.tickers.map((ticker) => ({ ticker })),
      // min_spread 1: simulated books are often one tick wide, and every ticker should decide;
      // TTLs of an hour: every intent in a run is caused by a frame (latency attribution)
      strategy: { min_spread: 1, quote_ttl_s: 3600, exit_ttl_s: 3600 },
      runtime: { workers: options.workers, with_private: false, status_interval_s: 3600 },
      execution: { mode: 'announce' },
      log: {
        level: options.logLevel,
        console: 'off',
        intents_file: join(options.logDirectory, 'intents.jsonl'),
        events_file: join(options.logDirectory, 'events.jsonl'),
      },
    }),
  );
  return file;
}

function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      Promise.resolve(condition()).then((done) => (done ? resolve() : setTimeout(check, POLL_MS)), reject);
    };
    check();
  });
}

/** Stamps every book frame's receipt, and every intent line's arrival in the file; pairs them per ticker. */
class LatencyProbe {
  readonly latenciesMs: number[] = [];
  private readonly lastBookFrameAt = new Map<string, number>();
  /** intents caused by frames received before this time are not counted (set when the measurement starts) */
  countFrom = Number.POSITIVE_INFINITY;
  private offset = 0;
  /** one read buffer for the whole run, not 64 KiB per change of the file (the probe shares the gateway's thread) */
  private readonly buffer = Buffer.alloc(1 << 16);
  private carry = '';
  private readonly descriptor: number;
  private readonly watcher;

  constructor(
    runtime: Runtime,
    private readonly intentsFile: string,
  ) {
    const gateway = runtime.gateway;
    const handle = gateway.frame.bind(gateway);
    gateway.frame = (text: string): void => {
      const now = performance.now();
      const header = scanFrame(text);
      if (header?.ticker !== undefined && (header.type === 'orderbook_delta' || header.type === 'orderbook_snapshot'))
        this.lastBookFrameAt.set(header.ticker, now);
      handle(text);
    };
    this.descriptor = openSync(intentsFile, 'r');
    this.watcher = watch(intentsFile, () => this.readNewLines());
  }

  private readNewLines(): void {
    const now = performance.now();
    const buffer = this.buffer;
    for (;;) {
      const read = readSync(this.descriptor, buffer, 0, buffer.length, this.offset);
      if (read === 0) break;
      this.offset += read;
      const lines = (this.carry + buffer.toString('utf8', 0, read)).split('\n');
      this.carry = lines.pop()!;
      for (const line of lines) {
        const { ticker } = JSON.parse(line) as { ticker: string };
        const causedAt = this.lastBookFrameAt.get(ticker);
        if (causedAt === undefined || causedAt < this.countFrom) continue;
        this.latenciesMs.push(now - causedAt);
      }
    }
  }

  close(): void {
    this.watcher.close();
    closeSync(this.descriptor);
  }
}

async function run(options: EngineRunOptions): Promise<EngineRunResult> {
  const config = loadConfig({ file: writeConfig(options) });
  const runtime = await startRuntime(config);
  const probe = options.mode === 'latency' ? new LatencyProbe(runtime, config.log.intents_file) : undefined;
  let firstFrameAt = 0;
  let framesAtStart = 0;
  let lastFrameAt = 0;
  let handledAt = 0;
  let warmUpHistograms: Promise<ActorStatus[]> | undefined;
  let decisionLatency: number[] = [];
  const feedPid = options.feedPid ?? -1;
  let cpuAtStart = { engine: [] as ThreadCpu[], feed: [] as ThreadCpu[] };
  let cpuAtEnd = cpuAtStart;
  try {
    const measureFrom = Math.max(1, options.measureFromFrame ?? 0);
    await until(() => {
      const received = runtime.gateway.statistics().framesReceived;
      if (received >= measureFrom) {
        firstFrameAt = performance.now();
        framesAtStart = received;
      }
      return firstFrameAt > 0;
    });
    cpuAtStart = { engine: threadCpu(process.pid), feed: threadCpu(feedPid) };
    // latency: intents caused in the first warmupMs of the measurement are not counted; the
    // decision latency histograms at that moment are taken away from those at the end
    if (probe) probe.countFrom = firstFrameAt + options.warmupMs;
    if (options.mode === 'latency') warmUpHistograms = delay(options.warmupMs).then(() => runtime.supervisor.status());
    await until(() => {
      if (runtime.gateway.statistics().framesReceived >= options.frames) lastFrameAt = performance.now();
      return lastFrameAt > 0;
    });
    await until(async () => {
      const routed = runtime.gateway.statistics().framesRouted;
      const handled = (await runtime.supervisor.status()).reduce((sum, actor) => sum + actor.framesProcessed, 0);
      if (handled >= routed) handledAt = performance.now();
      return handledAt > 0;
    });
    cpuAtEnd = { engine: threadCpu(process.pid), feed: threadCpu(feedPid) };
    // intents still on their way to the file count for latency
    if (probe) await delay(200);
    if (warmUpHistograms) {
      const before = (await warmUpHistograms).map((actor) => actor.decisionLatency);
      decisionLatency = combineBuckets(
        (await runtime.supervisor.status()).map((actor) => actor.decisionLatency),
        before,
      );
    }
  } finally {
    probe?.close();
  }
  const statistics = runtime.gateway.statistics();
  const report = await runtime.stop();
  return {
    framesReceived: statistics.framesReceived,
    framesRouted: statistics.framesRouted,
    deltasDroppedWhileStale: statistics.deltasDroppedWhileStale,
    slowConsumerEvents: statistics.slowConsumerEvents,
    framesMeasured: statistics.framesReceived - framesAtStart,
    durationMs: handledAt - firstFrameAt,
    receiveMs: lastFrameAt - firstFrameAt,
    intents: report.log?.intents ?? 0,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    latenciesMs: probe?.latenciesMs ?? [],
    decisionLatency,
    threadCpuMs: { engine: cpuBetween(cpuAtStart.engine, cpuAtEnd.engine), feed: cpuBetween(cpuAtStart.feed, cpuAtEnd.feed), enginePid: process.pid },
  };
}

const options = JSON.parse(process.argv[2]!) as EngineRunOptions;
tellParent({ kind: 'result', result: await run(options) });
process.disconnect();
