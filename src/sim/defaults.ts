/**
 * Defaults of the simulator options that `startSimulator`, `mm sim` and the config schema
 * (`sim.*` keys) share. A small module of its own, so that reading them loads nothing else.
 */
export const SIMULATOR_DEFAULTS = {
  seed: 1,
  /** market events per second in a normal market (quiet ones have fewer, busy ones more: see ACTIVITY_PROFILES) */
  ratePerMarket: 5,
  /** cap on market events per second over all markets */
  maxRateTotal: 5000,
} as const;
