/**
 * Kalshi's write budget as the exchange defines it (ws-v2.md sections 9.5 and 15.4): write
 * tokens per second of each usage tier, the token cost of each write, and the bucket's
 * capacity in seconds of its rate. The engine's budget and the simulator's 429s both read
 * these, so the two can never disagree about the rules.
 */

export type RateTier = 'basic' | 'advanced' | 'expert' | 'premier' | 'paragon' | 'prime' | 'prestige';

/** Write tokens per second of each usage tier (Sep 2026 rate-limit page). */
export const WRITE_TOKENS_PER_SECOND: Readonly<Record<RateTier, number>> = {
  basic: 100,
  advanced: 300,
  expert: 600,
  premier: 1000,
  paragon: 2000,
  prime: 4000,
  prestige: 8000,
};

export const RATE_TIER_NAMES = Object.keys(WRITE_TOKENS_PER_SECOND) as readonly RateTier[];

/** The bucket holds this many seconds of its rate. */
export const BUCKET_SECONDS = 2;

/** Token cost of each V2 write (decrease inferred from the legacy = 10 x V2 notice; an order group write as a create). */
export const WRITE_COST = {
  create: 10,
  amend: 10,
  decrease: 10,
  cancel: 2,
  cancelAll: 2,
  orderGroup: 10,
} as const;
