/**
 * The `mm` command line. A thin composition: each subcommand registers itself on the
 * program (`registerXCommand(program)`); main() runs it and turns errors into exit codes.
 */
import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import packageJson from '../../package.json' with { type: 'json' };
import { ConfigError } from '../config/load.js';
import { registerRecordCommand, registerReplayCommand } from './replay-command.js';
import { registerSimCommand } from './sim-command.js';
import { registerConfigCommand } from './config-command.js';
import { registerStartCommand } from './start-command.js';
import { registerBacktestCommand } from './backtest-command.js';
import { registerMarketsCommand } from './markets-command.js';

/**
 * The program with every subcommand. It never exits the process itself (exitOverride):
 * errors, help and version arrive as CommanderError. `output` redirects commander's
 * output (tests capture it).
 */
export function buildProgram(output?: OutputConfiguration): Command {
  const program = new Command('mm').description('market maker for Kalshi prediction markets').version(packageJson.version).showHelpAfterError().exitOverride();
  if (output !== undefined) program.configureOutput(output);
  registerStartCommand(program);
  registerSimCommand(program);
  registerConfigCommand(program);
  registerRecordCommand(program);
  registerReplayCommand(program);
  registerBacktestCommand(program);
  registerMarketsCommand(program);
  return program;
}

/** Runs the command line and sets process.exitCode: 0 ok, 1 usage or runtime error, 2 bad config. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode; // commander already printed the message
    } else if (error instanceof ConfigError) {
      process.stderr.write(`mm: ${error.message}\n`);
      process.exitCode = error.exitCode;
    } else {
      process.stderr.write(`mm: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  }
}

/** True when node was started on this file (bin/mm), false when it is imported. */
function isEntryScript(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === fileURLToPath(import.meta.url);
  } catch {
    return false; // argv[1] is not a file (node -e, a REPL): not started on this file
  }
}

if (isEntryScript()) await main();
