/**
 * What one backtest run is given: the strategy, markets and execution keys of the usual
 * config file (other sections are read by other commands and ignored here), a `backtest`
 * section for the sandbox (queue model, latencies, fees, sampling), and `--set key=value`
 * overrides of any of those keys. Every value is checked with the config schema's own rules;
 * problems come as one ConfigError naming each key.
 *
 *   --set strategy.min_spread=4     (or just min_spread=4: a strategy key)
 *   --set execution.min_order_life_ms=0
 *   --set backtest.queue_model=probabilistic
 *   --set markets=KXA-26,KXB-26     (or a JSON list of market objects)
 *
 * A strategy key set on the command line applies to every market: a per-market override of
 * the same key in the file is dropped (as with `mm start` flags). Values are read as JSON
 * when they parse (4, true, "x"), else as the text given.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigProblem } from '../config/config-error.js';
import { formatProblem, type SchemaNode } from '../config/formats.js';
import { marketProblems } from '../config/markets.js';
import { CONFIG_SCHEMA, STRATEGY_SCHEMA } from '../config/schema.js';
import type { ExecutionConfig, MarketConfig, StrategyParams } from '../config/types.js';
import { parseFeeMultiplier, parseFeeType, type FeeSchedule } from '../fees/fee-model.js';
import { queueModelProblem, type QueueModelConfig, type QueueModelKind } from '../matching/queue-model.js';
import { isJsonObject } from '../protocol/json-object.js';

/** The `backtest` section: how the sandbox fills and charges. */
export interface SandboxSettings {
  /** risk_averse: cancellations never move our queue; probabilistic: power-law share of each decrease */
  readonly queue_model: QueueModelKind;
  readonly queue_exponent: number;
  readonly entry_latency_ms: number;
  readonly cancel_latency_ms: number;
  readonly trade_pairing_ms: number;
  /** the markets' fee schedule (Kalshi's fee_type and fee_multiplier) */
  readonly fee_type: FeeSchedule['feeType'];
  readonly fee_multiplier: number;
  /** how often PnL and inventory are sampled for the report, exchange ms */
  readonly sample_ms: number;
}

export const SANDBOX_DEFAULTS: SandboxSettings = Object.freeze({
  queue_model: 'risk_averse',
  queue_exponent: 3,
  entry_latency_ms: 50,
  cancel_latency_ms: 50,
  trade_pairing_ms: 5,
  fee_type: 'quadratic',
  fee_multiplier: 1,
  sample_ms: 1000,
});

const SANDBOX_DOCS: Readonly<Record<keyof SandboxSettings, string>> = {
  queue_model: 'risk_averse or probabilistic',
  queue_exponent: 'a positive number (n of f(x) = x^n)',
  entry_latency_ms: 'whole ms, at least 0',
  cancel_latency_ms: 'whole ms, at least 0',
  trade_pairing_ms: 'whole ms, at least 0',
  fee_type: 'quadratic, quadratic_with_maker_fees, quadratic_with_combo_maker_fees or flat',
  fee_multiplier: 'a decimal with at most 3 places, at least 0',
  sample_ms: 'whole ms, at least 1',
};

export interface BacktestSettings {
  /** undefined: the recording's tickers, each with the strategy defaults */
  readonly markets: readonly MarketConfig[] | undefined;
  readonly strategy: StrategyParams;
  readonly execution: ExecutionConfig;
  readonly backtest: SandboxSettings;
}

/** The raw sections a run is built from (the file's, before overrides). */
export interface SettingsSource {
  readonly strategy?: Record<string, unknown>;
  readonly markets?: unknown;
  readonly execution?: Record<string, unknown>;
  readonly backtest?: Record<string, unknown>;
}

/** One `--set` (or one swept value). */
export interface Assignment {
  readonly key: string;
  readonly value: unknown;
}

/** Reads a config file's sections; a file that is not a JSON object is a ConfigError. */
export function readSettingsFile(file: string): SettingsSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([{ message: code === 'ENOENT' ? 'file not found' : (error as Error).message }], file);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([{ message: `invalid JSON: ${(error as Error).message}` }], file);
  }
  if (!isJsonObject(parsed)) throw new ConfigError([{ message: 'must contain a JSON object' }], file);
  const problems: ConfigProblem[] = [];
  for (const section of ['strategy', 'execution', 'backtest'] as const) {
    if (parsed[section] !== undefined && !isJsonObject(parsed[section])) problems.push({ key: section, message: 'must be an object' });
  }
  if (problems.length > 0) throw new ConfigError(problems, file);
  return {
    ...(parsed.strategy !== undefined ? { strategy: parsed.strategy as Record<string, unknown> } : {}),
    ...(parsed.markets !== undefined ? { markets: parsed.markets } : {}),
    ...(parsed.execution !== undefined ? { execution: parsed.execution as Record<string, unknown> } : {}),
    ...(parsed.backtest !== undefined ? { backtest: parsed.backtest as Record<string, unknown> } : {}),
  };
}

/** `key=value` -> an assignment; the value read as JSON when it parses. */
export function parseAssignment(text: string): Assignment {
  const at = text.indexOf('=');
  if (at <= 0) throw new ConfigError([{ message: `expected key=value, got ${JSON.stringify(text)}` }]);
  return { key: text.slice(0, at).trim(), value: parseValue(text.slice(at + 1)) };
}

/** `key=v1,v2,...` -> the key and its values (each read as JSON when it parses). */
export function parseSweep(text: string): { key: string; values: unknown[] } {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) throw new ConfigError([{ message: `--sweep expects key=v1,v2,..., got ${JSON.stringify(text)}` }]);
  const values = text
    .slice(at + 1)
    .split(',')
    .map((part) => part.trim());
  if (values.some((value) => value === '')) throw new ConfigError([{ message: `--sweep ${text}: an empty value in the list` }]);
  return { key: canonicalKey(text.slice(0, at).trim()), values: values.map(parseValue) };
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `min_spread` -> `strategy.min_spread`; other keys as given. */
export function canonicalKey(key: string): string {
  return Object.hasOwn(STRATEGY_SCHEMA, key) ? `strategy.${key}` : key;
}

function check(
  section: string,
  nodes: Readonly<Record<string, SchemaNode>>,
  given: Record<string, unknown>,
  problems: ConfigProblem[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    if (!Object.hasOwn(nodes, name)) problems.push({ key: `${section}.${name}`, message: `unknown key; ${section} takes: ${Object.keys(nodes).join(', ')}` });
  }
  for (const [name, node] of Object.entries(nodes)) {
    const value = Object.hasOwn(given, name) ? given[name] : node.default;
    const problem = formatProblem(node, value);
    if (problem !== undefined) problems.push({ key: `${section}.${name}`, message: `${problem}: value was ${JSON.stringify(value)}` });
    out[name] = value;
  }
  return out;
}

function checkSandbox(given: Record<string, unknown>, problems: ConfigProblem[]): SandboxSettings {
  const out: Record<string, unknown> = { ...SANDBOX_DEFAULTS };
  for (const [name, value] of Object.entries(given)) {
    if (!Object.hasOwn(SANDBOX_DEFAULTS, name)) {
      problems.push({ key: `backtest.${name}`, message: `unknown key; backtest takes: ${Object.keys(SANDBOX_DEFAULTS).join(', ')}` });
      continue;
    }
    out[name] = value;
  }
  const bad = (name: keyof SandboxSettings): void => {
    problems.push({ key: `backtest.${name}`, message: `must be ${SANDBOX_DOCS[name]}: value was ${JSON.stringify(out[name])}` });
  };
  const isWholeMs = (value: unknown, min: number): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
  for (const name of ['entry_latency_ms', 'cancel_latency_ms', 'trade_pairing_ms'] as const) if (!isWholeMs(out[name], 0)) bad(name);
  if (!isWholeMs(out.sample_ms, 1)) bad('sample_ms');
  if (out.queue_model !== 'risk_averse' && out.queue_model !== 'probabilistic') bad('queue_model');
  if (typeof out.queue_exponent !== 'number' || !Number.isFinite(out.queue_exponent) || out.queue_exponent <= 0) bad('queue_exponent');
  try {
    parseFeeType(out.fee_type);
  } catch {
    bad('fee_type');
  }
  try {
    parseFeeMultiplier(out.fee_multiplier);
  } catch {
    bad('fee_multiplier');
  }
  return out as unknown as SandboxSettings;
}

/** The markets list of `--set markets=...`: a JSON list, or tickers separated by commas. */
function marketsValue(value: unknown): unknown {
  if (typeof value === 'string') return value.split(',').map((ticker) => ({ ticker: ticker.trim() }));
  return value;
}

/** The settings of one run: the file's sections, then the assignments in order. Throws ConfigError. */
export function resolveSettings(source: SettingsSource, assignments: readonly Assignment[], file?: string): BacktestSettings {
  const strategy: Record<string, unknown> = { ...(source.strategy ?? {}) };
  const execution: Record<string, unknown> = { ...(source.execution ?? {}) };
  const backtest: Record<string, unknown> = { ...(source.backtest ?? {}) };
  let markets: unknown = source.markets;
  const overridden = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const { key: raw, value } of assignments) {
    const key = canonicalKey(raw);
    const [section, name, ...rest] = key.split('.');
    if (key === 'markets') {
      markets = marketsValue(value);
    } else if (name === undefined || rest.length > 0 || !['strategy', 'execution', 'backtest'].includes(section!)) {
      problems.push({ key: raw, message: 'not a key a backtest reads; give strategy.<key> (or just <key>), execution.<key>, backtest.<key> or markets' });
    } else if (section === 'strategy') {
      strategy[name] = value;
      overridden.add(name);
    } else if (section === 'execution') {
      execution[name] = value;
    } else {
      backtest[name] = value;
    }
  }
  const checkedStrategy = check('strategy', STRATEGY_SCHEMA, strategy, problems) as unknown as StrategyParams;
  // a backtest always runs against the sandbox, whatever mode the file names
  const checkedExecution = { ...(check('execution', CONFIG_SCHEMA.execution, execution, problems) as unknown as ExecutionConfig), mode: 'sandbox' as const };
  const checkedSandbox = checkSandbox(backtest, problems);
  let marketList: MarketConfig[] | undefined;
  if (markets !== undefined) {
    if (!Array.isArray(markets)) {
      problems.push({ key: 'markets', message: `must be a list like [{"ticker": "KXFOO-26"}]: value was ${JSON.stringify(markets)}` });
    } else {
      problems.push(...marketProblems(markets));
      // a strategy key given on the command line applies to every market
      marketList = (markets as MarketConfig[]).map((entry) =>
        isJsonObject(entry) ? (Object.fromEntries(Object.entries(entry).filter(([key]) => !overridden.has(key))) as unknown as MarketConfig) : entry,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, file);
  return { markets: marketList, strategy: checkedStrategy, execution: checkedExecution, backtest: checkedSandbox };
}

/** Each market's strategy parameters: the strategy merged with its overrides (markets default to `tickers`). */
export function marketParams(settings: BacktestSettings, tickers: readonly string[]): Array<{ ticker: string; params: StrategyParams }> {
  const markets = settings.markets ?? tickers.map((ticker) => ({ ticker }));
  return markets.map(({ ticker, ...overrides }) => ({ ticker, params: { ...settings.strategy, ...overrides } }));
}

export function queueConfig(settings: SandboxSettings): QueueModelConfig {
  const config: QueueModelConfig = {
    kind: settings.queue_model,
    exponent: settings.queue_exponent,
    entryLatencyMs: settings.entry_latency_ms,
    cancelLatencyMs: settings.cancel_latency_ms,
    tradePairingMs: settings.trade_pairing_ms,
  };
  const problem = queueModelProblem(config);
  if (problem !== undefined) throw new ConfigError([{ key: 'backtest', message: problem }]);
  return config;
}

export function feeSchedule(settings: SandboxSettings): FeeSchedule {
  return { feeType: parseFeeType(settings.fee_type), multiplierMilli: parseFeeMultiplier(settings.fee_multiplier) };
}
