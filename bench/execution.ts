/**
 * `npm run bench:execution`: what turning intents into orders costs and what it sends, on
 * this machine, each run in fresh processes (the simulator in one, the engine in paper mode
 * in another; bench/sim-process.ts, bench/execution-engine-process.ts). Prints a table and
 * writes bench/execution-results.json. Not a test: nothing here passes or fails. A bench of
 * its own rather than rows of `npm run bench`: its runs trade for minutes of wall time,
 * which would double that bench's six.
 *
 * - writes and flips: the same simulator (seed, markets, rates) and run length, traded with
 *   `execution.min_order_life_ms` 0 and with the default 1,000; the writes are the requests
 *   the simulator received in the measured window, by kind; a flip is an accepted reprice
 *   whose order's price returns to the price before it within 1 s (bench/sim-requests.ts).
 *   The write budget does not bind (simulator `rateLimit` off, the engine's tokens per
 *   second far above any tier), so the difference is the order life's alone;
 * - the execution actor's cost: CPU time of its thread per intent in every run (/proc),
 *   and a microbenchmark of ExecutionCore.submit with a venue that answers at once;
 * - latency from a frame's receipt at the gateway to the order request it caused leaving
 *   the process (written to the socket, stamped by bench/request-probe.cjs), at about 200
 *   frames/s and at about 10,000 frames/s over 100 markets; each create and amend is
 *   matched by client order id to its intent, and the intent to the book frame that caused
 *   it (the last of its ticker received before its line reached the intents file). Also the
 *   runtime's own decision latency (frame to intent) and the request's arrival at the
 *   simulator.
 *
 *   npm run bench:execution [-- --only writes,latency-low,latency-high,micro] [--seconds-scale 0.25] [--profile]
 *
 * `--profile` runs the engines under --cpu-prof and prints where the execution actor's
 * thread spends its time (the profiles cover the whole run, warm-up included).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantileMs, totalOf } from '../src/actors/latency-histogram.js';
import { busyPercent, threadProfiles, type ProfileSummary } from './cpu-profile-summary.js';
import { makeDevKey } from '../src/sim/index.js';
import { forkBench } from './child-process.js';
import type { MicroResult } from './execution-core-micro.js';
import type { ExecutionRunOptions, ExecutionRunResult } from './execution-engine-process.js';
import { describeMachine } from './machine.js';
import { countFlips, startSimProcess, WRITE_KINDS, type SimProcessOptions, type WriteRecord } from './sim-requests.js';
import { quantile } from './statistics.js';

const RESULTS_FILE = fileURLToPath(new URL('./execution-results.json', import.meta.url));
const PROBE = fileURLToPath(new URL('./request-probe.cjs', import.meta.url));
const MARKETS = 100;
const WORKERS = 2;
/** far above every tier: the budget never binds */
const UNBOUNDED_TOKENS_PER_SECOND = 1_000_000;
/** TTLs of an hour: every intent of a latency run is caused by a frame */
const NO_TTL = { quote_ttl_s: 3600, exit_ttl_s: 3600 };

interface RunSpec {
  readonly name: string;
  readonly group: 'writes' | 'latency-low' | 'latency-high';
  readonly sim: Omit<SimProcessOptions, 'keysFile' | 'tickers' | 'recordWrites'>;
  readonly minOrderLifeMs: number;
  readonly strategy: Record<string, number>;
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
  readonly attribute: boolean;
}

const RUNS: readonly RunSpec[] = [
  // the simulator's default rates (5 events/s in a normal market), the shipped strategy
  ...[0, 1_000].map((minOrderLifeMs): RunSpec => ({
    name: `writes, min_order_life_ms ${minOrderLifeMs}`,
    group: 'writes',
    sim: { seed: 7, rateLimit: 'off', ratePerMarket: 5, maxRateTotal: 5_000 },
    minOrderLifeMs,
    strategy: {},
    warmupSeconds: 20,
    measureSeconds: 120,
    attribute: false,
  })),
  {
    name: 'latency, about 200 frames/s',
    group: 'latency-low',
    sim: { seed: 3, rateLimit: 'off', ratePerMarket: 1, maxRateTotal: 5_000, tickMs: 10 },
    minOrderLifeMs: 0,
    strategy: NO_TTL,
    warmupSeconds: 15,
    measureSeconds: 60,
    attribute: true,
  },
  {
    name: 'latency, about 10,000 frames/s',
    group: 'latency-high',
    sim: { seed: 3, rateLimit: 'off', ratePerMarket: 50, maxRateTotal: 1_000_000, tickMs: 1 },
    minOrderLifeMs: 0,
    strategy: NO_TTL,
    warmupSeconds: 15,
    measureSeconds: 20,
    attribute: true,
  },
];

function progress(text: string): void {
  process.stderr.write(`bench:execution: ${text}\n`);
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function benchTickers(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `KXEXEC-26DEC31-T${index + 1}`);
}

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const value of values) total += value;
  return total;
};

export interface RunFigures {
  readonly name: string;
  readonly group: RunSpec['group'];
  readonly minOrderLifeMs: number;
  readonly measuredSeconds: number;
  readonly framesPerSecond: number;
  /** writes the simulator received in the window, by kind, and per market per minute */
  readonly writes: Record<string, number>;
  readonly writesPerMarketPerMinute: number;
  readonly writesPerMarketPerMinuteByKind: Record<string, number>;
  readonly rateLimited: number;
  /** accepted reprices at the venue and the flips among them, per minute */
  readonly venueReprices: number;
  readonly venueFlipsPerMinute: number;
  readonly venueFlips: number;
  /** what the strategy asked for in the window: reprice intents and flips among them */
  readonly intents: number;
  readonly intentReprices: number;
  readonly intentFlips: number;
  /** the execution actor's intents and requests in the window, and its thread's CPU */
  readonly executionIntents: number;
  readonly executionRequests: number;
  readonly executionCpuMs: number | undefined;
  readonly executionCpuUsPerIntent: number | undefined;
  readonly executionCpuUsPerRequest: number | undefined;
  readonly engineCpuMs: number;
  readonly decision: { samples: number; p50Ms: number | undefined; p99Ms: number | undefined };
  readonly latency: LatencyFigures | undefined;
  readonly peakRssBytes: number;
  readonly dropped: { deltasDroppedWhileStale: number; slowConsumerEvents: number };
  /** with --profile: the execution actor's thread */
  readonly executionProfile?: ProfileSummary | undefined;
}

export interface LatencyFigures {
  /** creates and amends matched to a frame-caused intent */
  readonly matched: number;
  readonly attributedIntents: number;
  /** frame receipt to the request written to the socket */
  readonly frameToSent: Quantiles;
  readonly frameToSentCreates: Quantiles;
  readonly frameToSentAmends: Quantiles;
  /** frame receipt to the request's arrival at the simulator */
  readonly frameToArrival: Quantiles;
  /** written to the socket to the simulator's receipt */
  readonly sentToArrival: Quantiles;
  /** the intent's line read back to the request written: not on the request's path (the logger is a branch of its own), for reference */
  readonly lineToSent: Quantiles;
}

interface Quantiles {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

function quantiles(values: readonly number[]): Quantiles {
  return {
    samples: values.length,
    p50Ms: quantile(values, 0.5),
    p90Ms: quantile(values, 0.9),
    p99Ms: quantile(values, 0.99),
    maxMs: values.length === 0 ? Number.NaN : Math.max(...values),
  };
}

function latencyFigures(result: ExecutionRunResult, arrivals: readonly WriteRecord[]): LatencyFigures {
  const sent = new Map<string, { kind: string; sentAtMs: number }>();
  for (const request of result.requests) {
    if ((request.kind === 'create' || request.kind === 'amend') && request.clientOrderId !== undefined && request.sentAtMs !== undefined)
      sent.set(request.clientOrderId, { kind: request.kind, sentAtMs: request.sentAtMs });
  }
  const arrived = new Map<string, number>();
  for (const write of arrivals) {
    const id = write.kind === 'create' ? write.clientOrderId : write.kind === 'amend' ? write.updatedClientOrderId : undefined;
    if (id !== undefined) arrived.set(id, write.atMs);
  }
  const toSent: number[] = [];
  const toSentCreates: number[] = [];
  const toSentAmends: number[] = [];
  const toArrival: number[] = [];
  const wire: number[] = [];
  const lineToSent: number[] = [];
  for (const intent of result.attributed) {
    if (intent.kind !== 'quote' && intent.kind !== 'reprice') continue;
    const request = sent.get(intent.clientOrderId);
    if (request === undefined) continue;
    const latency = request.sentAtMs - intent.causedAtMs;
    toSent.push(latency);
    (request.kind === 'create' ? toSentCreates : toSentAmends).push(latency);
    lineToSent.push(request.sentAtMs - intent.lineAtMs);
    const arrivalAt = arrived.get(intent.clientOrderId);
    if (arrivalAt !== undefined) {
      toArrival.push(arrivalAt - intent.causedAtMs);
      wire.push(arrivalAt - request.sentAtMs);
    }
  }
  return {
    matched: toSent.length,
    attributedIntents: result.attributed.length,
    frameToSent: quantiles(toSent),
    frameToSentCreates: quantiles(toSentCreates),
    frameToSentAmends: quantiles(toSentAmends),
    frameToArrival: quantiles(toArrival),
    sentToArrival: quantiles(wire),
    lineToSent: quantiles(lineToSent),
  };
}

function figures(spec: RunSpec, result: ExecutionRunResult, writes: readonly WriteRecord[]): RunFigures {
  const seconds = (result.toMs - result.fromMs) / 1000;
  const minutes = seconds / 60;
  const inWindow = writes.filter((write) => write.atMs >= result.fromMs && write.atMs <= result.toMs);
  const byKind: Record<string, number> = {};
  for (const write of inWindow) if (WRITE_KINDS.includes(write.kind)) byKind[write.kind] = (byKind[write.kind] ?? 0) + 1;
  const total = sum(Object.values(byKind));
  const flips = countFlips(writes, result.fromMs, result.toMs);
  const before = result.countersBefore;
  const after = result.countersAfter;
  const executionIntents = after.intents - before.intents;
  const executionRequests = sum(Object.values(after.requests)) - sum(Object.values(before.requests));
  const executionCpuMs = result.executionTid === undefined ? undefined : (result.threadCpuMs.find((thread) => thread.tid === result.executionTid)?.cpuMs ?? 0);
  return {
    name: spec.name,
    group: spec.group,
    minOrderLifeMs: spec.minOrderLifeMs,
    measuredSeconds: Math.round(seconds * 10) / 10,
    framesPerSecond: result.framesMeasured / seconds,
    writes: byKind,
    writesPerMarketPerMinute: total / MARKETS / minutes,
    writesPerMarketPerMinuteByKind: Object.fromEntries(Object.entries(byKind).map(([kind, count]) => [kind, count / MARKETS / minutes])),
    rateLimited: inWindow.filter((write) => write.status === 429).length,
    venueReprices: flips.reprices,
    venueFlips: flips.flips,
    venueFlipsPerMinute: flips.flips / minutes,
    intents: result.intentsInWindow,
    intentReprices: result.intentReprices,
    intentFlips: result.intentFlips,
    executionIntents,
    executionRequests,
    executionCpuMs,
    executionCpuUsPerIntent: executionCpuMs === undefined || executionIntents === 0 ? undefined : (executionCpuMs * 1000) / executionIntents,
    executionCpuUsPerRequest: executionCpuMs === undefined || executionRequests === 0 ? undefined : (executionCpuMs * 1000) / executionRequests,
    engineCpuMs: sum(result.threadCpuMs.map((thread) => thread.cpuMs)),
    decision: { samples: totalOf(result.decisionLatency), p50Ms: quantileMs(result.decisionLatency, 0.5), p99Ms: quantileMs(result.decisionLatency, 0.99) },
    latency: spec.attribute ? latencyFigures(result, writes) : undefined,
    peakRssBytes: result.peakRssBytes,
    dropped: { deltasDroppedWhileStale: result.deltasDroppedWhileStale, slowConsumerEvents: result.slowConsumerEvents },
  };
}

async function runOne(
  spec: RunSpec,
  directory: string,
  key: { keyId: string; privateKeyPath: string; keysFile: string },
  scale: number,
  profile: boolean,
): Promise<RunFigures> {
  const sim = await startSimProcess({ ...spec.sim, keysFile: key.keysFile, tickers: benchTickers(MARKETS), recordWrites: true });
  try {
    const options: ExecutionRunOptions = {
      url: sim.url,
      restUrl: sim.restUrl,
      keyId: key.keyId,
      keyPath: key.privateKeyPath,
      tickers: sim.tickers,
      workers: WORKERS,
      logDirectory: mkdtempSync(join(directory, 'engine-')),
      minOrderLifeMs: spec.minOrderLifeMs,
      writeTokensPerSecond: UNBOUNDED_TOKENS_PER_SECOND,
      writeTier: 'prestige',
      strategy: spec.strategy,
      warmupMs: spec.warmupSeconds * 1000 * scale,
      measureMs: spec.measureSeconds * 1000 * scale,
      attribute: spec.attribute,
    };
    const profiles = profile ? mkdtempSync(join(directory, 'profiles-')) : undefined;
    const engine = forkBench(
      './execution-engine-process.ts',
      [JSON.stringify(options)],
      ['--require', PROBE, ...(profiles ? ['--cpu-prof', '--cpu-prof-dir', profiles] : [])],
    );
    const { result } = await engine.next<{ result: ExecutionRunResult }>('result');
    await engine.exited;
    const writes = await sim.writes();
    const executionProfile = profiles ? threadProfiles(profiles).find((summary) => summary.thread === 'execution actor') : undefined;
    return { ...figures(spec, result, writes), executionProfile };
  } finally {
    await sim.stop();
  }
}

async function runMicro(): Promise<{ results: MicroResult[]; retainedBytesPerAmend: number | undefined }> {
  const child = forkBench('./execution-core-micro.ts', ['--markets', '100,1000'], ['--expose-gc']);
  const answer = await child.next<{ results: MicroResult[]; retainedBytesPerAmend: number | undefined }>('micro');
  await child.exited;
  return answer;
}

const ms = (value: number | undefined): string => (value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(3));
const fixed = (value: number | undefined, digits = 1): string => (value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits));

function report(runs: readonly RunFigures[], micro: Awaited<ReturnType<typeof runMicro>> | undefined): string {
  const lines: string[] = [];
  const writes = runs.filter((run) => run.group === 'writes');
  if (writes.length > 0) {
    lines.push(`writes and flips, ${MARKETS} markets, same simulator seed and run length (per market per minute unless said):`);
    for (const run of writes) {
      const kinds = Object.entries(run.writesPerMarketPerMinuteByKind)
        .map(([kind, value]) => `${kind} ${value.toFixed(2)}`)
        .join(', ');
      lines.push(
        `  min_order_life_ms ${String(run.minOrderLifeMs).padEnd(5)}: ${run.writesPerMarketPerMinute.toFixed(2)} writes (${kinds}); venue flips ${run.venueFlipsPerMinute.toFixed(1)}/min in all ` +
          `(${run.venueFlips} of ${run.venueReprices} accepted reprices); the strategy asked ${run.intentReprices} reprices, ${run.intentFlips} of them flips; ` +
          `${Math.round(run.framesPerSecond)} frames/s, ${run.measuredSeconds} s, 429s ${run.rateLimited}`,
      );
    }
    const [zero, kept] = [writes.find((run) => run.minOrderLifeMs === 0), writes.find((run) => run.minOrderLifeMs !== 0)];
    if (zero && kept) {
      lines.push(
        `  ratio default / 0: writes ${(kept.writesPerMarketPerMinute / zero.writesPerMarketPerMinute).toFixed(2)}, venue flips ${zero.venueFlips === 0 ? 'n/a' : (kept.venueFlips / zero.venueFlips).toFixed(2)}; ` +
          `strategy reprices ${(kept.intentReprices / zero.intentReprices).toFixed(2)} (the input: close to 1 when both runs saw comparable markets)`,
      );
    }
  }
  lines.push('', 'execution thread CPU (from /proc), per run:');
  for (const run of runs) {
    lines.push(
      `  ${run.name.padEnd(36)}: ${fixed(run.executionCpuUsPerIntent)} µs per intent, ${fixed(run.executionCpuUsPerRequest)} µs per request ` +
        `(${run.executionIntents} intents, ${run.executionRequests} requests, ${fixed(run.executionCpuMs, 0)} ms CPU in ${run.measuredSeconds} s; the whole engine ${fixed(run.engineCpuMs, 0)} ms)`,
    );
  }
  if (micro) {
    for (const result of micro.results)
      lines.push(
        `  ExecutionCore.submit microbenchmark, instant venue, ${result.markets} markets: ${(result.medianNsPerIntent / 1000).toFixed(1)} µs per intent (median of ${result.nsPerIntent.length})`,
      );
    if (micro.retainedBytesPerAmend !== undefined)
      lines.push(`  heap the core keeps per amend of a resting order (after GC): ${Math.round(micro.retainedBytesPerAmend)} bytes`);
  }
  for (const run of runs) {
    const summary = run.executionProfile;
    if (!summary) continue;
    const top = (shares: readonly { name: string; share: number }[]): string =>
      shares
        .slice(0, 8)
        .map((share) => `${share.name} ${(100 * share.share).toFixed(0)}%`)
        .join(', ');
    lines.push(`  ${run.name}, execution thread profile (${busyPercent(summary)}): ${top(summary.areas)}; top functions: ${top(summary.functions)}`);
  }
  const latency = runs.filter((run) => run.latency !== undefined);
  if (latency.length > 0) {
    lines.push('', `latency, ${MARKETS} markets, min_order_life_ms 0, budget unbounded (ms; p50 / p99):`);
    for (const run of latency) {
      const figure = run.latency!;
      lines.push(
        `  ${Math.round(run.framesPerSecond).toLocaleString('en-US')} frames/s: frame -> request leaves the process ${ms(figure.frameToSent.p50Ms)} / ${ms(figure.frameToSent.p99Ms)} ` +
          `(${figure.matched} requests; creates ${ms(figure.frameToSentCreates.p50Ms)} / ${ms(figure.frameToSentCreates.p99Ms)}, amends ${ms(figure.frameToSentAmends.p50Ms)} / ${ms(figure.frameToSentAmends.p99Ms)}); ` +
          `frame -> intent (decision) ${ms(run.decision.p50Ms)} / ${ms(run.decision.p99Ms)}; frame -> arrival at the venue ${ms(figure.frameToArrival.p50Ms)} / ${ms(figure.frameToArrival.p99Ms)}; ` +
          `socket -> venue ${ms(figure.sentToArrival.p50Ms)} / ${ms(figure.sentToArrival.p99Ms)}`,
      );
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const machine = describeMachine();
  const only = option('only')?.split(',');
  const scale = Number(option('seconds-scale') ?? '1');
  if (!Number.isFinite(scale) || scale <= 0) throw new Error('--seconds-scale must be a positive number');
  const directory = mkdtempSync(join(tmpdir(), 'mm-bench-execution-'));
  try {
    const key = makeDevKey(directory);
    let micro: Awaited<ReturnType<typeof runMicro>> | undefined;
    if (only === undefined || only.includes('micro')) {
      progress('ExecutionCore.submit with an instant venue');
      micro = await runMicro();
    }
    const runs: RunFigures[] = [];
    for (const spec of RUNS) {
      if (only !== undefined && !only.includes(spec.group)) continue;
      progress(`${spec.name}: ${Math.round((spec.warmupSeconds + spec.measureSeconds) * scale)} s`);
      runs.push(await runOne(spec, directory, key, scale, process.argv.includes('--profile')));
    }
    process.stdout.write(
      `\nkalshi-mm bench:execution: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}; ` +
        `load average ${machine.loadAverage} at the start, ${describeMachine().loadAverage} at the end\n\n${report(runs, micro)}\n`,
    );
    writeFileSync(
      RESULTS_FILE,
      `${JSON.stringify(
        {
          measuredAt: new Date(startedAt).toISOString(),
          durationSeconds: Math.round((Date.now() - startedAt) / 1000),
          machine,
          loadAverageAtEnd: describeMachine().loadAverage,
          settings: {
            markets: MARKETS,
            workers: WORKERS,
            writeTokensPerSecond: UNBOUNDED_TOKENS_PER_SECOND,
            secondsScale: scale,
            runs: RUNS.filter((spec) => only === undefined || only.includes(spec.group)),
          },
          micro,
          runs,
        },
        null,
        2,
      )}\n`,
    );
    progress(`done in ${Math.round((Date.now() - startedAt) / 1000)} s; wrote ${RESULTS_FILE}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
