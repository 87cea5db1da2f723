/**
 * Defaults of the simulator options that `startSimulator`, `mm sim` and the config schema
 * (`sim.*` keys) share. A small module of its own, so that reading them loads nothing else.
 */
import type { FeeSchedule } from '../fees/fee-model.js';

export const SIMULATOR_DEFAULTS = {
  seed: 1,
  /** market events per second in a normal market (quiet ones have fewer, busy ones more: see ACTIVITY_PROFILES) */
  ratePerMarket: 5,
  /** cap on market events per second over all markets */
  maxRateTotal: 5000,
} as const;

/** Defaults of the venue's options (accounts, orders, fees, settlement), which the config schema does not carry. */
export const VENUE_DEFAULTS = {
  /** each account's balance when it is first seen: $100,000 */
  startingBalanceCents: 10_000_000,
  /** canceled and executed orders (and their client order ids) stay queryable this long, simulator time */
  orderRetentionMs: 5 * 60_000,
  /** fills stay in GET /portfolio/fills this long, simulator time */
  fillRetentionMs: 60 * 60_000,
  /** and at most this many per account, the newest */
  maxFillsPerAccount: 10_000,
  /** the write budget's tier (ws-v2.md 15.4) */
  rateTier: 'basic',
  /** from `determined` to `settled`; 0 settles at once */
  settlementDelayMs: 0,
  /** markets' close_time: this long after the start */
  marketLifetimeMs: 24 * 3_600_000,
} as const;

const GENERATED_SERIES = /^KXSIM([A-Z]+)$/;

/**
 * The fee schedule of a series unless the options say otherwise: Kalshi's default
 * (quadratic, takers only, multiplier 1), except that every fourth generated series from
 * the second on (KXSIMB, KXSIMF, ...) also charges makers, as some real series do.
 */
export function defaultFeeSchedule(seriesTicker: string): FeeSchedule {
  const generated = GENERATED_SERIES.exec(seriesTicker);
  if (generated) {
    let index = 0;
    for (const letter of generated[1]!) index = index * 26 + (letter.charCodeAt(0) - 64);
    if ((index - 1) % 4 === 1) return { feeType: 'quadratic_with_maker_fees', multiplierMilli: 1000 };
  }
  return { feeType: 'quadratic', multiplierMilli: 1000 };
}
