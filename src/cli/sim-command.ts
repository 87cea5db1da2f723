/**
 * `mm sim`: runs the exchange simulator on loopback until SIGINT/SIGTERM, or with
 * `--make-key DIR` writes a dev key pair and exits.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { KeyFileError } from '../protocol/auth.js';
import { SIMULATOR_DEFAULTS, VENUE_DEFAULTS } from '../sim/defaults.js';
import { parseFaultSpec, type FaultSpec } from '../sim/faults.js';
import { makeDevKey, readKeysFile } from '../sim/keys.js';
import { startSimulator, type FeeOption } from '../sim/simulator.js';
import { RATE_TIER_NAMES, isRateTier, type RateTier } from '../sim/venue/rate-limit.js';
import { parseFeeMultiplier, parseFeeType } from '../fees/fee-model.js';
import { dollarsToE4 } from '../protocol/fixed.js';
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
  rateLimit: RateTier | 'off';
  startingBalance?: number;
  orderRetentionMs?: number;
  fillRetentionMs?: number;
  maxFillsPerAccount?: number;
  settlementDelayMs?: number;
  fee: Record<string, FeeOption>;
  crowd: boolean;
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

function rateLimitOption(text: string): RateTier | 'off' {
  if (text === 'off' || isRateTier(text)) return text;
  throw new InvalidArgumentError(`expected off or one of ${RATE_TIER_NAMES.join(', ')}`);
}

/** Dollars ("250000", "99.50") -> cents. */
function dollarsOption(text: string): number {
  try {
    const e4 = dollarsToE4(text, 'balance');
    if (e4 < 0 || e4 % 100 !== 0) throw new Error('whole cents, not negative');
    return e4 / 100;
  } catch (err) {
    throw new InvalidArgumentError(`expected dollars to the cent (${(err as Error).message})`);
  }
}

/** SERIES=FEE_TYPE[:MULTIPLIER], e.g. KXSIMA=quadratic_with_maker_fees:0.5; repeatable. */
function feeOption(text: string, previous: Record<string, FeeOption>): Record<string, FeeOption> {
  const match = /^([A-Z0-9][A-Z0-9._-]*)=([a-z_]+)(?::(.+))?$/.exec(text);
  if (!match) throw new InvalidArgumentError('expected SERIES=FEE_TYPE[:MULTIPLIER]');
  try {
    const feeType = parseFeeType(match[2]);
    const multiplier = match[3] === undefined ? 1 : parseFeeMultiplier(match[3]) / 1000;
    return { ...previous, [match[1]!]: { feeType, multiplier } };
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
    .option(
      '--rate-per-market <events>',
      'market events per second in a normal market (quiet ones have fewer, busy ones more)',
      numberOption,
      SIMULATOR_DEFAULTS.ratePerMarket,
    )
    .option('--max-rate <events>', 'cap on market events per second over all markets', numberOption, SIMULATOR_DEFAULTS.maxRateTotal)
    .option('--max-skew-ms <ms>', 'accepted distance of the handshake timestamp from now', numberOption, 30_000)
    .option(
      '--fault <spec>',
      'fault on demand, repeatable: KIND:every=K or KIND:at=MS[,MS] (+ :ms=N for stall); ' +
        'KIND is drop, skip_seq, malformed, unknown_market or stall (socket), rest_error, rest_timeout or rest_lost (REST writes; :ms=N holds a rest_timeout)',
      faultOption,
      [],
    )
    .option('--rate-limit <tier>', `write budget per key: ${RATE_TIER_NAMES.join(', ')}, or off`, rateLimitOption, VENUE_DEFAULTS.rateTier)
    .option('--starting-balance <dollars>', "each account's balance when first seen (default 100000)", dollarsOption)
    .option('--order-retention-ms <ms>', 'how long finished orders and their client order ids stay queryable (default 300000)', numberOption)
    .option('--fill-retention-ms <ms>', 'how long fills stay queryable (default 3600000)', numberOption)
    .option('--max-fills-per-account <n>', 'the most fills an account keeps, the newest (default 10000)', numberOption)
    .option('--settlement-delay-ms <ms>', 'from a market determined to settled and paid out (default 0)', numberOption)
    .option('--fee <spec>', 'fees of a series, repeatable: SERIES=quadratic|quadratic_with_maker_fees|...[:MULTIPLIER]', feeOption, {})
    .option('--no-crowd', 'no simulated participants: empty books, only accounts trade')
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
      tickers: options.tickers
        ? options.tickers
            .split(',')
            .map((ticker) => ticker.trim())
            .filter(Boolean)
        : [],
      seed: options.seed,
      keys,
      legacyCents: options.legacyCents === true,
      pingIntervalMs: options.pingInterval * 1000,
      tickMs: options.tickMs,
      ratePerMarket: options.ratePerMarket,
      maxRateTotal: options.maxRate,
      maxSkewMs: options.maxSkewMs,
      faults: options.fault,
      rateLimit: options.rateLimit,
      ...(options.startingBalance !== undefined ? { startingBalanceCents: options.startingBalance } : {}),
      ...(options.orderRetentionMs !== undefined ? { orderRetentionMs: options.orderRetentionMs } : {}),
      ...(options.fillRetentionMs !== undefined ? { fillRetentionMs: options.fillRetentionMs } : {}),
      ...(options.maxFillsPerAccount !== undefined ? { maxFillsPerAccount: options.maxFillsPerAccount } : {}),
      ...(options.settlementDelayMs !== undefined ? { settlementDelayMs: options.settlementDelayMs } : {}),
      feeSchedules: options.fee,
      crowd: options.crowd,
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
