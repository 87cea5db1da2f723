/**
 * `mm start`: runs the engine until SIGINT or SIGTERM, then shuts it down in order
 * (src/gateway/runtime.ts) and resolves to the exit code: 0 after a signal, 1 when the
 * engine could not start or the exchange refused the key for good.
 */
import type { AppConfig } from '../config/types.js';
import { startRuntime, type Runtime } from './runtime.js';

export interface StartOptions {
  /** path of the config file the config came from, for messages */
  configPath: string;
  /** `--record FILE` (issue: record and replay) */
  record?: string;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Runs the market maker until SIGINT/SIGTERM; resolves to the exit code. */
export async function runStart(config: AppConfig, options: StartOptions): Promise<number> {
  if (options.record !== undefined) {
    process.stderr.write('mm start: --record is not supported by this runtime yet; running without recording.\n');
  }
  let signalled: (signal: string) => void = () => undefined;
  const signal = new Promise<string>((resolve) => {
    signalled = resolve;
  });
  const onSignal = (name: string): void => signalled(name);
  for (const name of SIGNALS) process.on(name, onSignal);
  let runtime: Runtime | undefined;
  try {
    runtime = await startRuntime(config);
    const outcome = await Promise.race([
      signal.then((name) => ({ kind: 'signal' as const, name })),
      runtime.connectionEnded.then(
        () => ({ kind: 'ended' as const, error: undefined }),
        (error: Error) => ({ kind: 'ended' as const, error }),
      ),
    ]);
    const report = await runtime.stop();
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
    for (const name of SIGNALS) process.off(name, onSignal);
  }
}
