/**
 * `mm backtest <recording...>`: recordings through the makers and the sandbox venue, at
 * full speed on the exchange clock (src/backtest/).
 *
 *   mm backtest REC... [--config FILE] [--set key=value]... [--sweep key=v1,v2,...]...
 *                      [--out DIR] [--threads N]
 *
 * Writes summary.json, the fills and report.html into DIR (default backtests/<timestamp>/)
 * and prints one line per parameter set. Progress goes to stderr when it is a terminal.
 * Exit codes: 0 done, 1 an unreadable recording or a runtime problem, 2 a bad setting.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError } from '../config/config-error.js';
import { defaultOutDir, writeBacktest } from '../backtest/output.js';
import { parseAssignment, parseSweep, readSettingsFile, type Assignment, type SettingsSource } from '../backtest/settings.js';
import { executePlan, planBacktest, type SweepDimension } from '../backtest/sweep.js';
import { RecordingError } from '../replay/recording-format.js';

interface BacktestFlags {
  config?: string;
  set: Assignment[];
  sweep: SweepDimension[];
  out?: string;
  threads?: number;
}

function collect<T>(parse: (text: string) => T): (text: string, previous: T[]) => T[] {
  return (text, previous) => {
    try {
      return [...previous, parse(text)];
    } catch (error) {
      throw new InvalidArgumentError(error instanceof ConfigError ? error.message.replace(/^configuration: /, '') : String(error));
    }
  };
}

function threadsOption(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 256) throw new InvalidArgumentError('expected a whole number of threads, 1..256');
  return value;
}

/** A one-line progress display on a terminal; nothing elsewhere. */
function progressLine(stream: NodeJS.WriteStream): { show(text: string): void; done(): void } {
  let shown = false;
  return {
    show(text) {
      if (!stream.isTTY) return;
      stream.write(`\r\x1b[2K${text}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

function bar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description(
      'run recordings through the makers and a sandbox venue (queue-position fill model) at full speed; writes summary.json, the fills and report.html',
    )
    .argument('<recording...>', 'recordings (each by its first part)')
    .option('-c, --config <file>', "config file: its strategy, markets, execution and backtest sections (markets default to the recording's tickers)")
    .option(
      '--set <key=value>',
      'override a key: strategy.<key> (or <key>), execution.<key>, backtest.<key>, markets; repeatable',
      collect(parseAssignment),
      [],
    )
    .option('--sweep <key=v1,v2,...>', 'run every value of a key; repeatable: the grid of every combination, in parallel', collect(parseSweep), [])
    .option('--out <dir>', 'output directory (default backtests/<timestamp>/)')
    .option('--threads <n>', 'worker threads for a sweep (default: the cores)', threadsOption)
    .action(async (recordings: string[], flags: BacktestFlags) => {
      process.exitCode = await runBacktestCommand(recordings, flags);
    });
}

async function runBacktestCommand(recordings: string[], flags: BacktestFlags): Promise<number> {
  const source: SettingsSource = flags.config !== undefined ? readSettingsFile(flags.config) : {};
  const plan = planBacktest(recordings, source, flags.set, flags.sweep, flags.config);
  const directory = flags.out ?? defaultOutDir(Date.now());
  const progress = progressLine(process.stderr);
  const startedMs = Date.now();
  try {
    const sets = await executePlan(plan, {
      ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
      onJob: (done, total) => progress.show(`mm backtest: ${bar(done, total)} jobs, ${((Date.now() - startedMs) / 1000).toFixed(1)} s`),
      onProgress: (frames, exchangeMs) =>
        progress.show(`mm backtest: ${frames} frames, exchange time ${exchangeMs > 0 ? new Date(exchangeMs).toISOString() : '-'}`),
    });
    progress.done();
    const written = writeBacktest(directory, sets, plan.swept);
    for (const set of written.summary.sets) {
      const parameters = Object.entries(set.parameters)
        .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
        .join(' ');
      const t = set.total;
      process.stdout.write(
        `set ${set.index}${parameters ? ` (${parameters})` : ''}: net ${t.net} (realized ${t.realized}, fees ${t.fees}), ${t.fills} fills, volume ${t.volume}, max drawdown ${t.max_drawdown}\n`,
      );
      if (set.counts.warnings > 0)
        process.stderr.write(
          `mm backtest: set ${set.index}: ${set.counts.warnings} warnings, the first: ${set.problems[0] ?? '?'} (the first 20 are in summary.json)\n`,
        );
    }
    process.stdout.write(`wrote ${written.files.join(', ')}\n`);
    process.stderr.write(
      `mm backtest: ${plan.sets.length * plan.recordings.length} jobs in ${((Date.now() - startedMs) / 1000).toFixed(1)} s; the PnL is a sandbox estimate (see report.html)\n`,
    );
    return 0;
  } catch (error) {
    progress.done();
    if (error instanceof RecordingError || (error as Error).name === 'RecordingError' || (error as NodeJS.ErrnoException).code !== undefined) {
      process.stderr.write(`mm backtest: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}
