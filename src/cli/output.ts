/**
 * Command output goes through commander's output configuration, so that a test driving
 * buildProgram() in-process captures it like help and error text.
 */
import type { Command } from 'commander';

export function writeOut(command: Command, text: string): void {
  const { writeOut: write = (chunk: string) => process.stdout.write(chunk) } = command.configureOutput();
  write(text);
}
