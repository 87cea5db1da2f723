/**
 * `mm start`: placeholder until the gateway and actor runtime land.
 */
import type { AppConfig } from '../config/types.js';

export interface StartOptions {
  /** path of the config file the config came from, for messages */
  configPath: string;
  /** `--record FILE` (issue: record and replay) */
  record?: string;
}

/** Runs the market maker until SIGINT/SIGTERM; resolves to the process exit code. */
export async function runStart(config: AppConfig, options: StartOptions): Promise<number> {
  void config;
  void options;
  process.stderr.write('mm start: the gateway and actor runtime are not available yet in this build.\n');
  return 1;
}
