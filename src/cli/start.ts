/**
 * `mm start`: runs the engine until SIGINT or SIGTERM, then shuts it down in order
 * (src/engine/engine.ts) and resolves to the exit code: 0 after a signal, 1 when the
 * engine could not start, the exchange refused the key for good, or the engine had to stop
 * (the audit trail could not be written). With `--record FILE` every frame received is
 * recorded while trading (one line per recorded session at the end). When intents became
 * orders, the PnL table goes to the console and the summary to `log.summary_file`.
 * SIGUSR2 reopens the log files (for an external logrotate that renamed them; SIGHUP is
 * left to config reload).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppConfig } from '../config/types.js';
import { describeSummary } from '../replay/recording-writer.js';
import { startRuntime, type Runtime, type RuntimeReport } from '../engine/engine.js';
import { nextStopSignal } from './signals.js';

export interface StartOptions {
  /** path of the config file the config came from, for messages */
  configPath: string;
  /** `--record FILE`: the recording's first file (it must not exist) */
  record?: string;
  /** reads and validates the config file again (SIGHUP), with the same command-line overrides; throws its ConfigError */
  reload?: () => AppConfig;
}

/** The PnL table on the console and the summary file; a summary that cannot be written is said, not thrown. */
function reportTrading(config: AppConfig, report: RuntimeReport): void {
  const execution = report.execution;
  if (execution === undefined) return;
  process.stdout.write(`\n${execution.table}\n`);
  const remaining =
    execution.remaining === 0 ? 'none remain' : execution.remaining < 0 ? 'the venue could not confirm that none remain' : `${execution.remaining} STILL REST`;
  process.stderr.write(`mm start: ${execution.cancelled} orders cancelled at shutdown; ${remaining}.\n`);
  const file = config.log.summary_file;
  if (file === undefined) return;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ mode: config.execution.mode, ...execution.summary }, null, 2)}\n`);
  } catch (error) {
    process.stderr.write(`mm start: cannot write the summary ${file}: ${(error as Error).message}\n`);
  }
}

/** Runs the market maker until SIGINT/SIGTERM; resolves to the exit code. */
export async function runStart(config: AppConfig, options: StartOptions): Promise<number> {
  const signal = nextStopSignal();
  let runtime: Runtime | undefined;
  const reopenLogs = (): void => {
    runtime?.reopenLogs().catch((error: Error) => process.stderr.write(`mm start: SIGUSR2: ${error.message}\n`));
  };
  process.on('SIGUSR2', reopenLogs);
  // SIGHUP: the config file again; markets enter and leave, strategy changes apply per market, fixed keys are refused
  const reload = (): void => {
    if (!runtime) return;
    runtime.reloadConfig().then(
      (result) => {
        if (!result.ok) process.stderr.write(`mm start: SIGHUP: ${result.message}\n`);
        else for (const line of result.lines) process.stderr.write(`mm start: SIGHUP: ${line}\n`);
      },
      (error: Error) => process.stderr.write(`mm start: SIGHUP: ${error.message}\n`),
    );
  };
  process.on('SIGHUP', reload);
  try {
    runtime = await startRuntime(config, {
      ...(options.record === undefined ? {} : { recordPath: options.record }),
      ...(options.reload === undefined ? {} : { readConfig: options.reload }),
    });
    if (runtime.control)
      process.stderr.write(
        `mm start: status page and control API at ${runtime.control.url}${runtime.control.tokenFile ? ` (bearer token in ${runtime.control.tokenFile})` : ''}\n`,
      );
    const outcome = await Promise.race([
      signal.received.then((name) => ({ kind: 'signal' as const, name })),
      runtime.connectionEnded.then(
        () => ({ kind: 'ended' as const, error: undefined }),
        (error: Error) => ({ kind: 'ended' as const, error }),
      ),
      runtime.failed.then((error) => ({ kind: 'failed' as const, error })),
    ]);
    if (outcome.kind === 'failed') process.stderr.write(`mm start: ${outcome.error.message}\n`);
    const report = await runtime.stop();
    for (const summary of report.recordings) process.stderr.write(`mm start: recorded ${describeSummary(summary)}\n`);
    reportTrading(config, report);
    const intents = report.log
      ? `${report.log.intents} intents, ${report.log.events} events${report.log.fills > 0 ? `, ${report.log.fills} fills` : ''} written`
      : 'log counts unavailable';
    if (outcome.kind === 'signal') {
      process.stderr.write(`mm start: ${outcome.name}: stopped in order (${intents}).\n`);
      return report.execution !== undefined && report.execution.remaining !== 0 ? 1 : 0;
    }
    if (outcome.kind === 'failed') {
      process.stderr.write(`mm start: stopped because the engine could not go on safely (${intents}).\n`);
      return 1;
    }
    process.stderr.write(`mm start: ${outcome.error?.message ?? 'the connection ended'} (config ${options.configPath}; ${intents}).\n`);
    return 1;
  } catch (error) {
    if (runtime) await runtime.stop();
    process.stderr.write(`mm start: ${(error as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGUSR2', reopenLogs);
    process.off('SIGHUP', reload);
    signal.release();
  }
}
