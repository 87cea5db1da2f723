/**
 * `mm sim`: placeholder until the exchange simulator lands.
 */
import type { Command } from 'commander';

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('run the Kalshi v2 exchange simulator on loopback')
    .action(() => {
      process.stderr.write('mm sim: the exchange simulator is not available yet in this build.\n');
      process.exitCode = 1;
    });
}
