/**
 * The markets a config asks for, given the selection resolved last: the explicit `markets`
 * first (always, with their overrides), then what the rules selected, in rule and score
 * order, until `selection.max_markets` is reached. Parameters are the config's `strategy`
 * with the market's overrides on top. Pure.
 */
import type { AppConfig, StrategyParams } from '../config/types.js';
import type { ResolvedSelection } from './resolver.js';
import { DEFAULT_MAX_MARKETS } from './resolver.js';

export function desiredMarkets(config: AppConfig, selection: ResolvedSelection | undefined): Map<string, StrategyParams> {
  const desired = new Map<string, StrategyParams>();
  for (const { ticker, ...overrides } of config.markets) desired.set(ticker, { ...config.strategy, ...overrides });
  const cap = config.selection?.max_markets ?? DEFAULT_MAX_MARKETS;
  for (const entry of selection?.markets ?? []) {
    if (desired.size >= cap) break;
    if (entry.ruleIndex < 0 || desired.has(entry.ticker)) continue;
    desired.set(entry.ticker, { ...config.strategy, ...entry.overrides });
  }
  return desired;
}
