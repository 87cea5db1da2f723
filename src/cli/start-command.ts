/**
 * `mm start`: load the config (file, environment, then the seed bot's flags on top), check
 * the key file, then hand over to the runtime. Any config problem exits 2 before anything
 * connects.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { checkCredentials } from '../config/credentials.js';
import { loadConfig } from '../config/load.js';
import { CONFIG_SCHEMA, STRATEGY_SCHEMA } from '../config/schema.js';
import type { AppConfig, ConfigOverrides, StrategyParams } from '../config/types.js';
import { runStart, type StartOptions } from './start.js';
import { configFileOption } from './config-option.js';

export type StartRunner = (config: AppConfig, options: StartOptions) => Promise<number>;

function parseNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new InvalidArgumentError('not a number.');
  return number;
}

function collectTickers(value: string, previous: string[] | undefined): string[] {
  const tickers = value.split(',').map((ticker) => ticker.trim()).filter((ticker) => ticker !== '');
  return [...(previous ?? []), ...tickers];
}

/** One flag per strategy key that has one in the schema; booleans get `--x` and `--no-x`. */
function strategyOptions(): Array<{ key: keyof StrategyParams; options: Option[] }> {
  return (Object.keys(STRATEGY_SCHEMA) as Array<keyof StrategyParams>).flatMap((key) => {
    const node = STRATEGY_SCHEMA[key];
    if (node.flag === undefined) return [];
    const description = `${node.doc} (strategy.${key}, default ${JSON.stringify(node.default)})`;
    const options =
      node.format === 'true-or-false'
        ? [new Option(`--${node.flag}`, description), new Option(`--no-${node.flag}`, `do not ${node.doc}`)]
        : [new Option(`--${node.flag} <number>`, description).argParser(parseNumber)];
    return [{ key, options }];
  });
}

interface StartFlags {
  config: string;
  ticker?: string[];
  withPrivate?: boolean;
  record?: string;
  [attribute: string]: unknown;
}

export function registerStartCommand(program: Command, run: StartRunner = runStart): void {
  const strategy = strategyOptions();
  const withPrivate = CONFIG_SCHEMA.runtime.with_private;
  const command = program
    .command('start')
    .description('run the market maker until SIGINT/SIGTERM (flags override the config file)')
    .addOption(configFileOption())
    .option('--ticker <tickers>', 'market ticker; repeat it or give a comma list (replaces the markets of the file)', collectTickers)
    .option(`--${withPrivate.flag}`, `${withPrivate.doc} (runtime.with_private)`)
    .option(`--no-${withPrivate.flag}`, 'do not subscribe to the private channels');
  for (const { options } of strategy) options.forEach((option) => command.addOption(option));
  command.option('--record <file>', 'record the exchange feed to FILE while running');

  command.action(async (flags: StartFlags) => {
    const overrides: ConfigOverrides = {
      tickers: flags.ticker,
      with_private: flags.withPrivate,
      strategy: Object.fromEntries(
        strategy.map(({ key, options }) => [key, flags[options[0]!.attributeName()]]).filter(([, value]) => value !== undefined),
      ) as Partial<StrategyParams>,
    };
    const config = loadConfig({ file: flags.config, overrides });
    checkCredentials(config, flags.config);
    const options: StartOptions = flags.record === undefined ? { configPath: flags.config } : { configPath: flags.config, record: flags.record };
    process.exitCode = await run(config, options);
  });
}
