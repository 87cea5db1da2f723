/** Drives a commander program in-process, capturing what it writes. */
import { CommanderError, type Command, type OutputConfiguration } from 'commander';

export interface Captured {
  out: string;
  err: string;
  /** what the program threw: CommanderError for usage, help and version; ConfigError; ... */
  error?: unknown;
}

export function captureOutput(): { output: OutputConfiguration; captured: Captured } {
  const captured: Captured = { out: '', err: '' };
  const output: OutputConfiguration = {
    writeOut: (text) => {
      captured.out += text;
    },
    writeErr: (text) => {
      captured.err += text;
    },
  };
  return { output, captured };
}

export async function run(program: Command, captured: Captured, args: readonly string[]): Promise<Captured> {
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    captured.error = error;
  }
  return captured;
}

export function exitCodeOf(captured: Captured): number | undefined {
  return captured.error instanceof CommanderError ? captured.error.exitCode : undefined;
}
