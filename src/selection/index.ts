/** Markets chosen by rules: the pure selection, its resolution against a venue, and the periodic refresh. */
export {
  OPEN_STATUS,
  RULE_KEYS,
  asMarketConfigs,
  compareByScore,
  diffSelections,
  isExactPattern,
  isOpenMarket,
  isTickerPattern,
  patternMatcher,
  ruleLabel,
  ruleMatches,
  selectMarkets,
  selectionRuleProblems,
  spreadOf,
  type MarketInfo,
  type SelectedMarket,
  type SelectionDiff,
  type SelectionRule,
  type SelectOptions,
} from './rules.js';
export {
  DEFAULT_MAX_MARKETS,
  explicitSelection,
  marketInfoFrom,
  planQueries,
  resolveSelection,
  selectionSettings,
  type MarketDataSource,
  type ResolvedSelection,
  type ResolveOptions,
  type SelectionSettings,
} from './resolver.js';
export { desiredMarkets } from './desired.js';
export { SelectionRefresher, SelectionTimeoutError, refresherFor, type SelectionChange, type SelectionRefresherOptions } from './refresher.js';
