/**
 * `npm run soak -- --minutes N`: does memory stay flat while the engine trades for a long
 * time? The engine (`mm start`, paper mode, unchanged) quotes 200 markets of a simulator
 * that runs in a process of its own (bench/sim-process.ts); every minute the resident set
 * of each process is read from /proc/<pid>/status (VmRSS) and a line is printed. At the end
 * the engine is stopped with SIGTERM (as an operator would), the simulator is stopped, and
 * the series and a verdict (the least-squares slope after the warm-up, against the noise
 * around it) are printed and written to a JSON file. Not part of CI.
 *
 * Bounded: it stops itself after N minutes (and kills whatever has not stopped a minute
 * after that), and kills its children if it is interrupted.
 *
 *   npm run soak -- --minutes 30 [--markets 200] [--tier premier] [--warmup-minutes 5]
 *                   [--sample-seconds 60] [--seed 1] [--out bench/soak-results.json]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { makeDevKey } from '../src/sim/index.js';
import { USAGE_TIERS, type UsageTier } from '../src/execution/write-budget.js';
import { describeMachine } from '../bench/machine.js';
import { startSimProcess, WRITE_KINDS, type SimChild, type SimProcessStats } from '../bench/sim-requests.js';
import { flatness, type Flatness } from '../bench/statistics.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MM = join(ROOT, 'bin', 'mm');

interface SoakOptions {
  minutes: number;
  markets: number;
  tier: UsageTier;
  warmupMinutes: number | undefined;
  sampleSeconds: number;
  seed: number;
  out: string;
}

export interface SoakSample {
  /** minutes since both processes were up */
  readonly minute: number;
  readonly engineRssBytes: number | undefined;
  readonly simulatorRssBytes: number | undefined;
  /** write requests the simulator received so far */
  readonly writesReceived: number;
  /** of which answered 429 */
  readonly rateLimited: number;
  /** orders and fills the simulator holds (they are kept for its retention times) */
  readonly simulatorOrdersHeld: number;
  readonly simulatorFillsHeld: number;
  readonly framesSent: number;
}

function positiveNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('expected a positive number');
  return value;
}

function wholeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError('expected a whole number');
  return value;
}

function tierOption(text: string): UsageTier {
  if (!(USAGE_TIERS as readonly string[]).includes(text)) throw new InvalidArgumentError(`expected one of ${USAGE_TIERS.join(', ')}`);
  return text as UsageTier;
}

function parseOptions(argv: readonly string[]): SoakOptions {
  const program = new Command('soak')
    .requiredOption('--minutes <n>', 'how long the engine trades', positiveNumber)
    .option('--markets <n>', 'markets quoted', wholeNumber, 200)
    .option('--tier <tier>', "the account's write tier, for the engine and the simulator alike", tierOption, 'premier' as UsageTier)
    .option('--warmup-minutes <n>', 'samples left out of the verdict (default: 5, or a third of the run when shorter)', wholeNumber)
    .option('--sample-seconds <s>', 'seconds between samples', positiveNumber, 60)
    .option('--seed <n>', "the simulator's seed", wholeNumber, 1)
    .option('--out <file>', 'where the series and the verdict are written', join(ROOT, 'bench', 'soak-results.json'))
    .exitOverride();
  program.parse(argv, { from: 'user' });
  return program.opts<SoakOptions>();
}

/** VmRSS of a process, bytes; undefined when it has gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const mb = (bytes: number | undefined): string => (bytes === undefined ? 'gone' : `${(bytes / 2 ** 20).toFixed(1)} MB`);
const count = (value: number): string => value.toLocaleString('en-US');

function soakTickers(markets: number): string[] {
  return Array.from({ length: markets }, (_, index) => `KXSOAK-26DEC31-T${index + 1}`);
}

function writeConfig(directory: string, sim: SimChild, key: { keyId: string; privateKeyPath: string }, options: SoakOptions): string {
  const file = join(directory, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      exchange: { env: 'sim', ws_url: sim.url, rest_url: sim.restUrl },
      credentials: { key_id: key.keyId, private_key_path: key.privateKeyPath },
      markets: sim.tickers.map((ticker) => ({ ticker })),
      runtime: { workers: 2, status_interval_s: 60 },
      execution: { mode: 'paper', write_tier: options.tier },
      log: {
        level: 'info',
        console: 'off',
        intents_file: join(directory, 'intents.jsonl'),
        events_file: join(directory, 'events.jsonl'),
        fills_file: join(directory, 'fills.jsonl'),
        summary_file: join(directory, 'summary.json'),
      },
    }),
  );
  return file;
}

function writesOf(stats: SimProcessStats): number {
  return WRITE_KINDS.reduce((sum, kind) => sum + (stats.received[kind] ?? 0), 0);
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
async function terminate(child: ChildProcess, graceMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const code = await exited(child);
  clearTimeout(timer);
  return code;
}

function verdictLine(name: string, fit: Flatness | undefined): string {
  if (fit === undefined) return `${name}: too few samples after the warm-up for a verdict`;
  const slope = `${(fit.slopePerMinute / 2 ** 20).toFixed(2)} MB/min (${((fit.slopePerMinute * 60) / 2 ** 20).toFixed(1)} MB/h)`;
  return (
    `${name}: ${fit.flat ? 'FLAT within noise' : 'NOT FLAT'} after the warm-up: slope ${slope}, ` +
    `fitted rise ${mb(fit.rise)} over ${fit.spanMinutes} min against noise ${mb(fit.noise)} (2 sd of the residuals, at least 1% of the mean ${mb(fit.mean)})`
  );
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const warmupMinutes = options.warmupMinutes ?? Math.min(5, Math.floor(options.minutes / 3));
  const machine = describeMachine();
  const directory = mkdtempSync(join(tmpdir(), 'mm-soak-'));
  const startedAt = Date.now();
  let sim: SimChild | undefined;
  let engine: ChildProcess | undefined;
  const samples: SoakSample[] = [];
  let interrupted: string | undefined;
  let engineFailed: string | undefined;
  let wake: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = signal;
    wake?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // whatever happens, nothing outlives the run by more than a minute
  const deadline = setTimeout(
    () => {
      process.stderr.write('soak: past the deadline; killing the children\n');
      engine?.kill('SIGKILL');
      sim?.kill();
      process.exit(3);
    },
    (options.minutes + 1) * 60_000 + 60_000,
  );
  deadline.unref();
  try {
    const key = makeDevKey(directory);
    sim = await startSimProcess({
      keysFile: key.keysFile,
      tickers: soakTickers(options.markets),
      seed: options.seed,
      rateLimit: options.tier,
      ratePerMarket: 5,
      maxRateTotal: 5_000,
      recordWrites: false,
    });
    const config = writeConfig(directory, sim, key, options);
    const engineLog = createWriteStream(join(directory, 'engine-output.txt'));
    engine = spawn(MM, ['start', '--config', config], { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] });
    engine.stdout!.pipe(engineLog);
    engine.stderr!.pipe(engineLog);
    const engineExit = exited(engine).then((code) => {
      if (interrupted === undefined && samples.length < Math.round((options.minutes * 60) / options.sampleSeconds))
        engineFailed = `the engine exited early with code ${code}`;
      wake?.();
    });
    process.stderr.write(
      `soak: ${options.minutes} min, ${options.markets} markets, tier ${options.tier}; engine pid ${engine.pid}, simulator pid ${sim.pid}; ` +
        `a sample every ${options.sampleSeconds} s, the first ${warmupMinutes} min are warm-up; files in ${directory}\n`,
    );
    const total = Math.round((options.minutes * 60) / options.sampleSeconds);
    const t0 = Date.now();
    for (let index = 1; index <= total; index++) {
      const dueAt = t0 + index * options.sampleSeconds * 1000;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, dueAt - Date.now()));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
      if (interrupted !== undefined || engineFailed !== undefined) break;
      const stats = await sim.stats();
      const sample: SoakSample = {
        minute: Math.round(((index * options.sampleSeconds) / 60) * 100) / 100,
        engineRssBytes: rssBytes(engine.pid!),
        simulatorRssBytes: rssBytes(sim.pid),
        writesReceived: writesOf(stats),
        rateLimited: stats.answered['429'] ?? 0,
        simulatorOrdersHeld: stats.sim.ordersHeld,
        simulatorFillsHeld: stats.sim.fillsHeld,
        framesSent: stats.sim.framesSent,
      };
      samples.push(sample);
      process.stdout.write(
        `soak: minute ${sample.minute}: engine ${mb(sample.engineRssBytes)}, simulator ${mb(sample.simulatorRssBytes)}; ` +
          `${count(sample.writesReceived)} writes received (${count(sample.rateLimited)} answered 429), ${count(sample.framesSent)} frames sent; ` +
          `the simulator holds ${count(sample.simulatorOrdersHeld)} orders and ${count(sample.simulatorFillsHeld)} fills\n`,
      );
    }
    const engineCode = await terminate(engine, 60_000);
    await engineExit;
    await sim.stop();
    const engineOutput = readFileSync(join(directory, 'engine-output.txt'), 'utf8');
    if (engineCode !== 0 && engineFailed === undefined && interrupted === undefined) engineFailed = `the engine exited with code ${engineCode} when stopped`;

    const after = (key: 'engineRssBytes' | 'simulatorRssBytes'): Array<readonly [number, number]> =>
      samples.filter((sample) => sample.minute > warmupMinutes && sample[key] !== undefined).map((sample) => [sample.minute, sample[key]!] as const);
    const engineFit = flatness(after('engineRssBytes'));
    const simulatorFit = flatness(after('simulatorRssBytes'));
    process.stdout.write(`\nsoak series (minute: engine RSS, simulator RSS):\n`);
    for (const sample of samples)
      process.stdout.write(`  ${String(sample.minute).padStart(5)}: ${mb(sample.engineRssBytes).padStart(9)}  ${mb(sample.simulatorRssBytes).padStart(9)}\n`);
    process.stdout.write(`${verdictLine('engine', engineFit)}\n${verdictLine('simulator', simulatorFit)}\n`);
    if (engineFailed) process.stdout.write(`soak: ${engineFailed}\n${engineOutput.slice(-2000)}\n`);
    if (interrupted) process.stdout.write(`soak: interrupted by ${interrupted} after ${samples.length} samples\n`);
    writeFileSync(
      options.out,
      `${JSON.stringify(
        {
          measuredAt: new Date(startedAt).toISOString(),
          durationSeconds: Math.round((Date.now() - startedAt) / 1000),
          machine,
          loadAverageAtEnd: describeMachine().loadAverage,
          settings: { ...options, out: undefined, warmupMinutes, ratePerMarket: 5, maxRateTotal: 5_000, workers: 2 },
          samples,
          verdict: { engine: engineFit, simulator: simulatorFit },
          engineExitCode: engineCode,
          engineFailed,
          interrupted,
          engineOutputTail: engineOutput.slice(-2000),
        },
        null,
        2,
      )}\n`,
    );
    process.stderr.write(`soak: wrote ${options.out}\n`);
    return engineFailed !== undefined || interrupted !== undefined ? 1 : 0;
  } finally {
    if (engine && engine.exitCode === null && engine.signalCode === null) engine.kill('SIGKILL');
    sim?.kill();
    clearTimeout(deadline);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(directory, { recursive: true, force: true });
  }
}

process.exitCode = await main();
