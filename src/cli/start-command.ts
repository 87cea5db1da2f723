/**
 * `mm start`: load the config (file, environment, then the seed bot's flags on top), check
 * the key file, then hand over to the runtime. Any config problem exits 2 before anything
 * connects.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { checkCredentials, keyPermissionProblem } from '../config/credentials.js';
import { marketParams } from '../config/load.js';
import { loadConfig } from '../config/load.js';
import { CONFIG_SCHEMA, STRATEGY_SCHEMA } from '../config/schema.js';
import type { AppConfig, ConfigOverrides, StrategyParams } from '../config/types.js';
import { runStart, type StartOptions } from './start.js';
import { configFileOption } from './config-option.js';

/** What live mode will trade, said before the first order: markets, sizes, limits, the key id (never the key). */
export function livePlan(config: AppConfig): string {
  const markets = marketParams(config);
  const lines = [
    `mm start: LIVE on ${config.exchange.env}${config.exchange.rest_url ? ` (${config.exchange.rest_url})` : ''} with key id ${config.credentials.key_id}:`,
    ...markets.map(
      ({ ticker, params }) =>
        `  ${ticker}: bid ${params.bid_size}, exit ${params.exit_size}, max inventory ${params.max_inventory}, min spread ${params.min_spread}`,
    ),
    `  write tier ${config.execution.write_tier}; risk limits ${JSON.stringify(config.risk ?? {})}`,
  ];
  return `${lines.join('\n')}\n`;
}

export type StartRunner = (config: AppConfig, options: StartOptions) => Promise<number>;

function parseNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new InvalidArgumentError('not a number.');
  return number;
}

function collectTickers(value: string, previous: string[] | undefined): string[] {
  const tickers = value
    .split(',')
    .map((ticker) => ticker.trim())
    .filter((ticker) => ticker !== '');
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
  live?: boolean;
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
  command.option('--live', 'required with execution.mode live: real orders, real money');

  command.action(async (flags: StartFlags) => {
    const overrides: ConfigOverrides = {
      tickers: flags.ticker,
      with_private: flags.withPrivate,
      strategy: Object.fromEntries(
        strategy.map(({ key, options }) => [key, flags[options[0]!.attributeName()]]).filter(([, value]) => value !== undefined),
      ) as Partial<StrategyParams>,
    };
    const config = loadConfig({ file: flags.config, overrides });
    if (config.execution.mode === 'live' && flags.live !== true) {
      process.stderr.write(
        `mm start: execution.mode is live in ${flags.config}: it sends real orders with real money, so it runs only with --live on the command line (mm start --config ${flags.config} --live)\n`,
      );
      process.exitCode = 2;
      return;
    }
    if (flags.live === true && config.execution.mode !== 'live')
      process.stderr.write(`mm start: --live given, but execution.mode is ${config.execution.mode}: nothing live happens\n`);
    const credentials = checkCredentials(config, flags.config);
    const warning = keyPermissionProblem(config, credentials, flags.config);
    if (warning !== undefined) process.stderr.write(`mm start: ${warning}\n`);
    if (config.execution.mode === 'live') process.stderr.write(livePlan(config));
    const reload = (): AppConfig => loadConfig({ file: flags.config, overrides });
    const options: StartOptions =
      flags.record === undefined ? { configPath: flags.config, reload } : { configPath: flags.config, record: flags.record, reload };
    process.exitCode = await run(config, options);
  });
}
