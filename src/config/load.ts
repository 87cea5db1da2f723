/**
 * Loading a configuration: schema defaults < the JSON file < environment variables <
 * command-line overrides, then strict validation. Every problem found is reported at
 * once, in one ConfigError naming each key and the file.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { environmentProblems } from './environment-rules.js';
import { marketProblems } from './markets.js';
import { selectionRuleProblems } from './selection-rules.js';
import { CONFIG_SCHEMA, createConfig, isSchemaNode, schemaEntries, STRATEGY_SCHEMA, type SchemaSection } from './schema.js';
import type { AppConfig, ConfigOverrides, StrategyParams } from './types.js';
import { isJsonObject } from '../protocol/json-object.js';

export { ConfigError } from './config-error.js';
export { defaultWsUrl } from './endpoints.js';

export interface LoadOptions {
  /** JSON config file; without it the schema defaults apply */
  file?: string;
  /** environment variables (default: process.env) */
  env?: Record<string, string | undefined>;
  overrides?: ConfigOverrides;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new ConfigError([{ message: reason }], file);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message.replace(/\s+/g, ' ');
    const position = /at position (\d+)/.exec(message);
    const where = position ? ` (${lineAndColumn(text, Number(position[1]))})` : '';
    throw new ConfigError([{ message: `invalid JSON: ${message}${where}` }], file);
  }
  if (!isJsonObject(parsed)) {
    throw new ConfigError([{ message: 'must contain a JSON object ({"exchange": ..., "markets": [...]})' }], file);
  }
  return parsed;
}

function sectionKeys(section: SchemaSection): string {
  return Object.keys(section).join(', ');
}

/**
 * Shape problems convict would misreport: a section given as a plain value, or a plain
 * value given as an object. Unknown keys are left to convict's strict validation.
 */
function shapeProblems(values: Record<string, unknown>, section: SchemaSection = CONFIG_SCHEMA, prefix = ''): ConfigProblem[] {
  return Object.entries(values).flatMap(([name, value]): ConfigProblem[] => {
    const entry = Object.hasOwn(section, name) ? section[name] : undefined;
    const key = `${prefix}${name}`;
    if (entry === undefined) return [];
    if (isSchemaNode(entry)) {
      return isJsonObject(value) ? [{ key, message: `must be a single value, not an object: value was ${JSON.stringify(value)}` }] : [];
    }
    if (!isJsonObject(value)) {
      return [{ key, message: `must be an object with the keys ${sectionKeys(entry)}: value was ${JSON.stringify(value)}` }];
    }
    return shapeProblems(value, entry, `${key}.`);
  });
}

/** Keys that existed once, with what replaced them. */
const RETIRED_KEYS: Readonly<Record<string, string>> = {
  'runtime.paper_orders': 'was replaced by execution.mode: "paper" sends orders to the simulator, "announce" logs intents only; remove runtime.paper_orders',
};

function unknownKeyMessage(key: string): string {
  const retired = RETIRED_KEYS[key];
  if (retired !== undefined) return retired;
  const parent = key.split('.').slice(0, -1);
  let section: SchemaSection = CONFIG_SCHEMA;
  for (const name of parent) {
    const entry = section[name];
    if (entry === undefined || isSchemaNode(entry)) return 'unknown key';
    section = entry;
  }
  return `unknown key; ${parent.length ? parent.join('.') : 'the top level'} takes: ${sectionKeys(section)}`;
}

const UNDECLARED = /^configuration param '(.+)' not declared in the schema$/;
const MISSING = /^configuration param '(.+)' missing from config/;
const KEYED = /^([^\s:]+): (.*)$/;
/** convict appends the value only when it is truthy (never for 0, false or ''); we add it ourselves */
const CONVICT_VALUE_SUFFIX = ': value was ';

const NODES = new Map(schemaEntries().map(({ key, node }) => [key, node]));

function valueAt(values: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((holder, name) => (isJsonObject(holder) ? holder[name] : undefined), values);
}

/** convict reports everything in one multi-line message; split it back into problems. */
function convictProblems(message: string, values: AppConfig): ConfigProblem[] {
  return message.split('\n').map((line): ConfigProblem => {
    const undeclared = UNDECLARED.exec(line);
    if (undeclared) return { key: undeclared[1]!, message: unknownKeyMessage(undeclared[1]!) };
    const missing = MISSING.exec(line);
    if (missing) return { key: missing[1]!, message: 'is missing' };
    const keyed = KEYED.exec(line);
    if (!keyed) return { message: line };
    const key = keyed[1]!;
    const problem = keyed[2]!.split(CONVICT_VALUE_SUFFIX)[0]!;
    const shown = NODES.get(key)?.sensitive ? '' : `${CONVICT_VALUE_SUFFIX}${JSON.stringify(valueAt(values, key))}`;
    return { key, message: `${problem}${shown}` };
  });
}

function strategyFlag(key: keyof StrategyParams): string {
  const flag = STRATEGY_SCHEMA[key].flag;
  return flag === undefined ? 'the command line' : `--${flag}`;
}

/**
 * Applies command-line overrides to the convict instance; returns, per overridden key, the
 * flag that set it, so that a bad value is reported as coming from the command line.
 */
function applyOverrides(config: ReturnType<typeof createConfig>, overrides: ConfigOverrides): Map<string, string> {
  const sources = new Map<string, string>();
  if (overrides.tickers !== undefined) {
    config.set(
      'markets',
      overrides.tickers.map((ticker) => ({ ticker })),
    );
    sources.set('markets', `--${CONFIG_SCHEMA.markets.flag}`);
  }
  const strategy = Object.entries(overrides.strategy ?? {}).filter(([, value]) => value !== undefined) as Array<[keyof StrategyParams, number | boolean]>;
  for (const [key, value] of strategy) {
    config.set(`strategy.${key}`, value);
    sources.set(`strategy.${key}`, strategyFlag(key));
  }
  if (strategy.length > 0) {
    const markets: unknown = config.get('markets');
    if (Array.isArray(markets)) {
      const withoutOverridden = markets.map((entry: unknown) =>
        isJsonObject(entry) ? Object.fromEntries(Object.entries(entry).filter(([name]) => !strategy.some(([key]) => key === name))) : entry,
      );
      config.set('markets', withoutOverridden as AppConfig['markets']); // validated with everything else below
    }
  }
  if (overrides.with_private !== undefined) {
    config.set('runtime.with_private', overrides.with_private);
    sources.set('runtime.with_private', `--${CONFIG_SCHEMA.runtime.with_private.flag}`);
  }
  return sources;
}

function withSource(problem: ConfigProblem, sources: Map<string, string>): ConfigProblem {
  if (problem.key === undefined) return problem;
  const root = problem.key.startsWith('markets') ? 'markets' : problem.key;
  const flag = sources.get(root);
  return flag === undefined ? problem : { key: problem.key, message: `${problem.message} (from ${flag})` };
}

/** Loads and strictly validates a configuration; throws one ConfigError listing every problem. */
export function loadConfig(options: LoadOptions = {}): AppConfig {
  const { file, env = process.env, overrides = {} } = options;
  const values = file === undefined ? {} : readConfigFile(file);
  const shape = shapeProblems(values);
  if (shape.length > 0) throw new ConfigError(shape, file);

  const config = createConfig(env);
  config.load(values);
  const sources = applyOverrides(config, overrides);

  const properties = config.getProperties();
  const problems: ConfigProblem[] = [];
  try {
    config.validate({ allowed: 'strict' });
  } catch (error) {
    problems.push(...convictProblems((error as Error).message, properties));
  }
  const rules: unknown = properties.selection?.rules;
  problems.push(...marketProblems(properties.markets, Array.isArray(rules) && rules.length > 0));
  problems.push(...selectionRuleProblems(rules));
  if (properties.execution.mode === ('' as AppConfig['execution']['mode'])) {
    properties.execution.mode = properties.exchange.env === 'sim' ? 'paper' : 'announce';
  }
  if (problems.length === 0) problems.push(...environmentProblems(properties));
  if (problems.length > 0)
    throw new ConfigError(
      problems.map((problem) => withSource(problem, sources)),
      file,
    );
  return properties;
}

/** Each configured market with its strategy parameters: the defaults merged with its overrides. */
export function marketParams(config: AppConfig): Array<{ ticker: string; params: StrategyParams }> {
  return config.markets.map(({ ticker, ...overrides }) => ({ ticker, params: { ...config.strategy, ...overrides } }));
}

const REDACTED = '[redacted]';

/** The configuration as `config print` shows it: sensitive keys that are set read "[redacted]". */
export function redactedConfig(config: AppConfig): unknown {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const { key, node } of schemaEntries()) {
    if (!node.sensitive) continue;
    const path = key.split('.');
    const name = path.pop()!;
    const holder = path.reduce<Record<string, unknown>>((object, part) => object[part] as Record<string, unknown>, copy);
    if (holder[name] !== '') holder[name] = REDACTED;
  }
  return copy;
}
