/**
 * The engine under measurement in paper mode, in a process of its own: the unchanged
 * runtime (startRuntime: gateway, shard actors, logger, execution actor) trading against
 * the bench's simulator process (bench/sim-process.ts). Run with
 * `--require bench/request-probe.cjs`, which stamps every order request as it leaves.
 *
 * After the warm-up it measures for a fixed time: the frames received, the execution
 * actor's counters (intents in, requests out by kind), the decision latency histograms
 * (the runtime's own: frame receipt to intent), the CPU each thread ran (the execution
 * thread is the one the probe found sending requests) and, with `attribute`, the frame that
 * caused each intent: the receipt of every book frame is stamped by wrapping the gateway's
 * `frame` method (a bench probe, as in bench/engine-process.ts), and each line of the
 * intents file is read back as it is written (fs.watch) and attributed to the last book
 * frame of its ticker received before it. All stamps are ms of CLOCK_MONOTONIC.
 *
 *   argv: JSON ExecutionRunOptions;  IPC out: {kind: 'result', result: ExecutionRunResult}
 */
import { closeSync, openSync, readFileSync, readSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { BroadcastChannel } from 'node:worker_threads';
import { combineBuckets } from '../src/actors/latency-histogram.js';
import type { ActorStatus } from '../src/actors/messages.js';
import { loadConfig } from '../src/config/load.js';
import { startRuntime, type Runtime } from '../src/engine/engine.js';
import type { ExecutionCounters } from '../src/execution/execution-core.js';
import { scanFrame } from '../src/protocol/frame-scan.js';
import { tellParent } from './child-process.js';
import { monotonicMs } from './sim-requests.js';
import { cpuBetween, threadCpu, type ThreadCpu } from './thread-cpu.js';

export interface ExecutionRunOptions {
  readonly url: string;
  readonly restUrl: string;
  readonly keyId: string;
  readonly keyPath: string;
  readonly tickers: readonly string[];
  readonly workers: number;
  readonly logDirectory: string;
  readonly minOrderLifeMs: number;
  /** 0: the tier's rate */
  readonly writeTokensPerSecond: number;
  readonly writeTier: string;
  /** strategy keys over the shipped defaults */
  readonly strategy: Record<string, number>;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** attribute each intent to the book frame that caused it */
  readonly attribute: boolean;
}

/** An intent of the measured window, with the frame it is attributed to. */
export interface AttributedIntent {
  readonly clientOrderId: string;
  readonly kind: string;
  /** receipt of the last book frame of its ticker before its line was read */
  readonly causedAtMs: number;
  /** its line read back from the intents file */
  readonly lineAtMs: number;
}

/** What the request probe recorded for one order request (bench/request-probe.cjs). */
export interface RequestRecord {
  readonly kind: string;
  readonly clientOrderId: string | undefined;
  readonly madeAtMs: number;
  readonly sentAtMs: number | undefined;
  readonly answeredAtMs: number | undefined;
  readonly status: number;
}

export interface ExecutionRunResult {
  /** CLOCK_MONOTONIC ms of the measured window */
  readonly fromMs: number;
  readonly toMs: number;
  readonly framesMeasured: number;
  readonly countersBefore: ExecutionCounters;
  readonly countersAfter: ExecutionCounters;
  /** frame receipt to intent, 10 µs buckets, the window only */
  readonly decisionLatency: number[];
  readonly threadCpuMs: ThreadCpu[];
  /** the thread that sent the order requests */
  readonly executionTid: number | undefined;
  readonly enginePid: number;
  readonly requests: RequestRecord[];
  readonly attributed: AttributedIntent[];
  /** reprices the strategy asked for in the window, and those that returned to the price before within 1 s */
  readonly intentReprices: number;
  readonly intentFlips: number;
  readonly intentsInWindow: number;
  readonly peakRssBytes: number;
  readonly deltasDroppedWhileStale: number;
  readonly slowConsumerEvents: number;
}

const PROBE_CHANNEL = 'kalshi-mm-bench-request-probe';
const FLIP_WINDOW_MS = 1_000;

function writeConfig(options: ExecutionRunOptions): string {
  const file = join(options.logDirectory, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      exchange: { env: 'sim', ws_url: options.url, rest_url: options.restUrl },
      credentials: { key_id: options.keyId, private_key_path: options.keyPath },
      markets: options.tickers.map((ticker) => ({ ticker })),
      strategy: options.strategy,
      runtime: { workers: options.workers, status_interval_s: 3600 },
      execution: { mode: 'paper', min_order_life_ms: options.minOrderLifeMs, write_tier: options.writeTier, write_tokens_per_s: options.writeTokensPerSecond },
      log: {
        level: 'info',
        console: 'off',
        intents_file: join(options.logDirectory, 'intents.jsonl'),
        events_file: join(options.logDirectory, 'events.jsonl'),
        fills_file: join(options.logDirectory, 'fills.jsonl'),
      },
    }),
  );
  return file;
}

/** Stamps book frames on receipt and attributes each intents-file line to the last one of its ticker. */
class IntentAttribution {
  readonly attributed: AttributedIntent[] = [];
  private readonly lastBookFrameAt = new Map<string, number>();
  countFrom = Number.POSITIVE_INFINITY;
  countUntil = Number.POSITIVE_INFINITY;
  private offset = 0;
  private readonly buffer = Buffer.alloc(1 << 16);
  private carry = '';
  private readonly descriptor: number;
  private readonly watcher;

  constructor(runtime: Runtime, intentsFile: string) {
    const gateway = runtime.gateway;
    const handle = gateway.frame.bind(gateway);
    gateway.frame = (text: string): void => {
      const now = monotonicMs();
      const header = scanFrame(text);
      if (header?.ticker !== undefined && (header.type === 'orderbook_delta' || header.type === 'orderbook_snapshot'))
        this.lastBookFrameAt.set(header.ticker, now);
      handle(text);
    };
    this.descriptor = openSync(intentsFile, 'r');
    this.watcher = watch(intentsFile, () => this.readNewLines());
  }

  private readNewLines(): void {
    const now = monotonicMs();
    for (;;) {
      const read = readSync(this.descriptor, this.buffer, 0, this.buffer.length, this.offset);
      if (read === 0) break;
      this.offset += read;
      const lines = (this.carry + this.buffer.toString('utf8', 0, read)).split('\n');
      this.carry = lines.pop()!;
      if (now < this.countFrom || now > this.countUntil) continue;
      for (const line of lines) {
        const record = JSON.parse(line) as { ticker: string; kind: string; client_order_id?: string };
        const causedAt = this.lastBookFrameAt.get(record.ticker);
        if (causedAt === undefined || causedAt < this.countFrom || record.client_order_id === undefined) continue;
        this.attributed.push({ clientOrderId: record.client_order_id, kind: record.kind, causedAtMs: causedAt, lineAtMs: now });
      }
    }
  }

  close(): void {
    this.watcher.close();
    closeSync(this.descriptor);
  }
}

/** Asks every thread's request probe for what it recorded. */
async function dumpProbes(clear: boolean): Promise<Array<{ tid: number; records: RequestRecord[] }>> {
  const channel = new BroadcastChannel(PROBE_CHANNEL);
  const answers: Array<{ tid: number; records: RequestRecord[] }> = [];
  channel.onmessage = (event) => {
    const message = (event as MessageEvent).data as { kind: string; tid: number; records: RequestRecord[] };
    if (message.kind === 'records') answers.push({ tid: message.tid, records: message.records });
  };
  channel.postMessage({ kind: 'dump', clear });
  await delay(300);
  channel.close();
  return answers;
}

/** Reprices in the intents file between two wall-clock times, and those whose price returned within 1 s. */
function intentFlips(intentsFile: string, fromWallMs: number, toWallMs: number): { reprices: number; flips: number; intents: number } {
  const last = new Map<string, { price: string; previous: string | undefined; atMs: number }>();
  let reprices = 0;
  let flips = 0;
  let intents = 0;
  for (const line of readFileSync(intentsFile, 'utf8').split('\n')) {
    if (line === '') continue;
    const record = JSON.parse(line) as { ts: string; ticker: string; kind: string; side: string; price: string; prev_price?: string };
    const atMs = Date.parse(record.ts);
    if (atMs < fromWallMs || atMs > toWallMs) continue;
    intents += 1;
    if (record.kind !== 'reprice') continue;
    reprices += 1;
    const key = `${record.ticker}|${record.side}`;
    const before = last.get(key);
    if (before !== undefined && record.price === before.previous && atMs - before.atMs <= FLIP_WINDOW_MS) flips += 1;
    last.set(key, { price: record.price, previous: record.prev_price, atMs });
  }
  return { reprices, flips, intents };
}

async function run(options: ExecutionRunOptions): Promise<ExecutionRunResult> {
  const config = loadConfig({ file: writeConfig(options) });
  const runtime = await startRuntime(config);
  const execution = runtime.execution;
  if (!execution) throw new Error('paper mode did not start the execution actor');
  const attribution = options.attribute ? new IntentAttribution(runtime, config.log.intents_file) : undefined;
  try {
    while (runtime.gateway.statistics().framesReceived === 0) await delay(5);
    await delay(options.warmupMs);
    await dumpProbes(true); // the warm-up's requests are not measured
    const framesBefore = runtime.gateway.statistics().framesReceived;
    const countersBefore = (await execution.status()).counters;
    const histogramsBefore = (await runtime.supervisor.status()).map((actor: ActorStatus) => actor.decisionLatency);
    const cpuBefore = threadCpu(process.pid);
    const fromMs = monotonicMs();
    const fromWallMs = Date.now();
    if (attribution) attribution.countFrom = fromMs;
    await delay(options.measureMs);
    const toMs = monotonicMs();
    const toWallMs = Date.now();
    if (attribution) attribution.countUntil = toMs;
    const cpuAfter = threadCpu(process.pid);
    const countersAfter = (await execution.status()).counters;
    const histogramsAfter = (await runtime.supervisor.status()).map((actor: ActorStatus) => actor.decisionLatency);
    const framesAfter = runtime.gateway.statistics().framesReceived;
    // requests for the window's last intents are still on their way
    await delay(200);
    const probes = await dumpProbes(true);
    const sender = probes.find((probe) => probe.records.length > 0);
    const flips = intentFlips(config.log.intents_file, fromWallMs, toWallMs);
    const statistics = runtime.gateway.statistics();
    return {
      fromMs,
      toMs,
      framesMeasured: framesAfter - framesBefore,
      countersBefore,
      countersAfter,
      decisionLatency: combineBuckets(histogramsAfter, histogramsBefore),
      threadCpuMs: cpuBetween(cpuBefore, cpuAfter),
      executionTid: sender?.tid,
      enginePid: process.pid,
      requests: probes.flatMap((probe) => probe.records),
      attributed: attribution?.attributed ?? [],
      intentReprices: flips.reprices,
      intentFlips: flips.flips,
      intentsInWindow: flips.intents,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      deltasDroppedWhileStale: statistics.deltasDroppedWhileStale,
      slowConsumerEvents: statistics.slowConsumerEvents,
    };
  } finally {
    attribution?.close();
    await runtime.stop();
  }
}

const options = JSON.parse(process.argv[2]!) as ExecutionRunOptions;
tellParent({ kind: 'result', result: await run(options) });
process.disconnect();
