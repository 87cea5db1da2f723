/**
 * `mm start`: runs the engine until SIGINT or SIGTERM, then shuts it down in order
 * (src/engine/engine.ts) and resolves to the exit code: 0 after a signal, 1 when the
 * engine could not start or the exchange refused the key for good. With `--record FILE`
 * every frame received is recorded while trading (one line per recorded session at the end).
 */
import type { AppConfig } from '../config/types.js';
import { describeSummary } from '../replay/recording-writer.js';
import { startRuntime, type Runtime } from '../engine/engine.js';
import { nextStopSignal } from './signals.js';

export interface StartOptions {
  /** path of the config file the config came from, for messages */
  configPath: string;
  /** `--record FILE`: the recording's first file (it must not exist) */
  record?: string;
}

/** Runs the market maker until SIGINT/SIGTERM; resolves to the exit code. */
export async function runStart(config: AppConfig, options: StartOptions): Promise<number> {
  const signal = nextStopSignal();
  let runtime: Runtime | undefined;
  try {
    runtime = await startRuntime(config, options.record === undefined ? {} : { recordPath: options.record });
    const outcome = await Promise.race([
      signal.received.then((name) => ({ kind: 'signal' as const, name })),
      runtime.connectionEnded.then(
        () => ({ kind: 'ended' as const, error: undefined }),
        (error: Error) => ({ kind: 'ended' as const, error }),
      ),
    ]);
    const report = await runtime.stop();
    for (const summary of report.recordings) process.stderr.write(`mm start: recorded ${describeSummary(summary)}\n`);
    const intents = report.log ? `${report.log.intents} intents, ${report.log.events} events written` : 'log counts unavailable';
    if (outcome.kind === 'signal') {
      process.stderr.write(`mm start: ${outcome.name}: stopped in order (${intents}).\n`);
      return 0;
    }
    process.stderr.write(`mm start: ${outcome.error?.message ?? 'the connection ended'} (config ${options.configPath}; ${intents}).\n`);
    return 1;
  } catch (error) {
    if (runtime) await runtime.stop();
    process.stderr.write(`mm start: ${(error as Error).message}\n`);
    return 1;
  } finally {
    signal.release();
  }
}
