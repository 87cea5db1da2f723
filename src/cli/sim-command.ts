/**
 * `mm sim`: runs the exchange simulator on loopback until SIGINT/SIGTERM, or with
 * `--make-key DIR` writes a dev key pair and exits.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { KeyFileError } from '../protocol/auth.js';
import { SIMULATOR_DEFAULTS } from '../sim/defaults.js';
import { parseFaultSpec, type FaultSpec } from '../sim/faults.js';
import { makeDevKey, readKeysFile } from '../sim/keys.js';
import { startSimulator } from '../sim/simulator.js';
import { nextStopSignal } from './signals.js';

interface SimCommandOptions {
  port: number;
  markets: number;
  tickers?: string;
  seed: number;
  keys?: string;
  makeKey?: string;
  legacyCents?: boolean;
  pingInterval: number;
  tickMs: number;
  ratePerMarket: number;
  maxRate: number;
  maxSkewMs: number;
  fault: FaultSpec[];
}

function integerOption(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return value;
}

function numberOption(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new InvalidArgumentError('expected a non-negative number');
  return value;
}

function faultOption(text: string, previous: FaultSpec[]): FaultSpec[] {
  try {
    return [...previous, parseFaultSpec(text)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('run the Kalshi v2 exchange simulator on 127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', integerOption, 0)
    .option('--markets <count>', 'number of generated markets', integerOption, 20)
    .option('--tickers <list>', 'comma-separated market tickers to create as well (never close on their own)')
    .option('--seed <seed>', 'seed of the simulation', integerOption, SIMULATOR_DEFAULTS.seed)
    .option('--keys <file>', 'keys file: JSON object mapping key id to public key PEM')
    .option('--make-key <dir>', 'write a fresh dev key pair and keys file into DIR, print the key id, exit')
    .option('--legacy-cents', 'emit the integer-cent fields of before 12 Mar 2026')
    .option('--ping-interval <seconds>', 'seconds between heartbeat pings (0 = none)', numberOption, 10)
    .option('--tick-ms <ms>', 'length of one market step', numberOption, 100)
    .option('--rate-per-market <events>', 'market events per second in a normal market (quiet ones have fewer, busy ones more)', numberOption, SIMULATOR_DEFAULTS.ratePerMarket)
    .option('--max-rate <events>', 'cap on market events per second over all markets', numberOption, SIMULATOR_DEFAULTS.maxRateTotal)
    .option('--max-skew-ms <ms>', 'accepted distance of the handshake timestamp from now', numberOption, 30_000)
    .option(
      '--fault <spec>',
      'fault on demand, repeatable: KIND:every=K or KIND:at=MS[,MS] (+ :ms=N for stall); ' +
        'KIND is drop, skip_seq, malformed, unknown_market or stall',
      faultOption,
      [],
    )
    .action(async (options: SimCommandOptions) => {
      process.exitCode = await runSim(options);
    });
}

async function runSim(options: SimCommandOptions): Promise<number> {
  try {
    if (options.makeKey !== undefined) {
      const files = makeDevKey(options.makeKey);
      process.stdout.write(`key id: ${files.keyId}\nprivate key: ${files.privateKeyPath}\nkeys file: ${files.keysFile}\n`);
      return 0;
    }
    const keys = options.keys !== undefined ? readKeysFile(options.keys) : {};
    if (Object.keys(keys).length === 0) {
      process.stderr.write('mm sim: no keys registered, every connection will be refused (use --keys FILE; --make-key DIR creates one)\n');
    }
    const simulator = await startSimulator({
      port: options.port,
      markets: options.markets,
      tickers: options.tickers ? options.tickers.split(',').map((ticker) => ticker.trim()).filter(Boolean) : [],
      seed: options.seed,
      keys,
      legacyCents: options.legacyCents === true,
      pingIntervalMs: options.pingInterval * 1000,
      tickMs: options.tickMs,
      ratePerMarket: options.ratePerMarket,
      maxRateTotal: options.maxRate,
      maxSkewMs: options.maxSkewMs,
      faults: options.fault,
    });
    process.stdout.write(`listening ${simulator.url}\n`);
    const signal = nextStopSignal();
    await signal.received;
    signal.release();
    await simulator.close();
    return 0;
  } catch (err) {
    if (err instanceof KeyFileError || err instanceof RangeError || (err as NodeJS.ErrnoException).code !== undefined) {
      process.stderr.write(`mm sim: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  }
}
