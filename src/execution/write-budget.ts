/**
 * The account's write budget (ws-v2.md 9.5, 15.4): Kalshi meters order writes with one token
 * bucket per account, shared by every market. A request spends its cost when it is sent;
 * the bucket refills at the tier's rate up to two seconds of that rate. Over budget the
 * venue answers HTTP 429 with no Retry-After, so the engine keeps its own copy of the bucket
 * and does not send what would not fit.
 *
 * Tokens are kept as integer thousandths ("milli-tokens") and time advances in whole
 * milliseconds: at r tokens per second the bucket gains exactly r milli-tokens per ms, so no
 * fraction ever accumulates. Time is an argument; nothing here reads a clock.
 */

import { BUCKET_SECONDS, RATE_TIER_NAMES, WRITE_COST, WRITE_TOKENS_PER_SECOND, type RateTier } from '../protocol/rate-limits.js';

export { BUCKET_SECONDS, WRITE_COST, WRITE_TOKENS_PER_SECOND };
export type UsageTier = RateTier;
export const USAGE_TIERS = RATE_TIER_NAMES;

export type WriteKind = keyof typeof WRITE_COST;

/** The cost of a write; batch items are billed one by one, so a batch of n costs n times the item. */
export function writeCost(kind: WriteKind, items = 1): number {
  if (!Number.isSafeInteger(items) || items < 1) throw new RangeError(`a write has at least one item, got ${items}`);
  return WRITE_COST[kind] * items;
}

export type WriteBudgetConfig =
  | { readonly tier: UsageTier }
  /** as read from `GET /account/limits` (`write.refill_rate`, `write.bucket_capacity`) */
  | { readonly tokensPerSecond: number; readonly capacity?: number };

const MILLI = 1000;

export class WriteBudget {
  /** refill rate, tokens per second (= milli-tokens per ms) */
  readonly tokensPerSecond: number;
  /** the most tokens the bucket holds */
  readonly capacity: number;
  private level: number; // milli-tokens
  private lastMs: number; // time up to which the level is refilled
  private spentTokens = 0;
  private refusedCount = 0;

  /** A full bucket at `nowMs`. Throws a RangeError on a configuration that is not a tier or a positive whole rate. */
  constructor(config: WriteBudgetConfig, nowMs: number) {
    if ('tier' in config) {
      const rate = WRITE_TOKENS_PER_SECOND[config.tier];
      if (rate === undefined) throw new RangeError(`unknown usage tier ${JSON.stringify(config.tier)}; known: ${USAGE_TIERS.join(', ')}`);
      this.tokensPerSecond = rate;
      this.capacity = rate * BUCKET_SECONDS;
    } else {
      const { tokensPerSecond, capacity } = config;
      if (!Number.isSafeInteger(tokensPerSecond) || tokensPerSecond < 1) {
        throw new RangeError(`tokens per second must be a whole number, at least 1, got ${tokensPerSecond}`);
      }
      const cap = capacity ?? tokensPerSecond * BUCKET_SECONDS;
      if (!Number.isSafeInteger(cap) || cap < 1) throw new RangeError(`capacity must be a whole number of tokens, at least 1, got ${capacity}`);
      this.tokensPerSecond = tokensPerSecond;
      this.capacity = cap;
    }
    if (!Number.isFinite(nowMs)) throw new RangeError(`the start time must be a finite number of ms, got ${nowMs}`);
    this.level = this.capacity * MILLI;
    this.lastMs = nowMs;
  }

  /** Tokens spent by admitted writes since construction. */
  get spent(): number {
    return this.spentTokens;
  }

  /** How many tryTake calls were refused. */
  get refused(): number {
    return this.refusedCount;
  }

  /** Whole tokens in the bucket at `nowMs`. */
  available(nowMs: number): number {
    this.refill(nowMs);
    return Math.floor(this.level / MILLI);
  }

  /** Whether a write of this cost can ever be admitted (a batch bigger than the bucket never can). */
  fits(cost: number): boolean {
    return checkCost(cost) <= this.capacity;
  }

  /** The largest batch of this kind that fits in a full bucket. */
  maxBatchItems(kind: WriteKind): number {
    return Math.floor(this.capacity / WRITE_COST[kind]);
  }

  /**
   * Spend `cost` tokens if they are all there at `nowMs`; otherwise spend nothing. A batch is
   * one call with the cost of all its items: admitted whole or not at all.
   */
  tryTake(cost: number, nowMs: number): boolean {
    const milli = checkCost(cost) * MILLI;
    this.refill(nowMs);
    if (milli > this.level) {
      this.refusedCount += 1;
      return false;
    }
    this.level -= milli;
    this.spentTokens += cost;
    return true;
  }

  /** Milliseconds from `nowMs` until `cost` tokens are there: 0 if now, Infinity if the cost exceeds the capacity. */
  msUntil(cost: number, nowMs: number): number {
    const milli = checkCost(cost) * MILLI;
    if (cost > this.capacity) return Number.POSITIVE_INFINITY;
    this.refill(nowMs);
    const deficit = milli - this.level;
    if (deficit <= 0) return 0;
    const steps = Math.ceil(deficit / this.tokensPerSecond);
    // the level is refilled up to lastMs; part of the current millisecond has already passed
    const into = Number.isFinite(nowMs) && nowMs > this.lastMs ? nowMs - this.lastMs : 0;
    return steps - into;
  }

  /**
   * The venue answered 429: its bucket is empty whatever ours says, so empty ours at
   * `nowMs` and let it refill from there.
   */
  exhaust(nowMs: number): void {
    this.refill(nowMs);
    this.level = 0;
  }

  private refill(nowMs: number): void {
    // a clock that stands still, goes back or is not a number refills nothing
    if (!(nowMs > this.lastMs) || !Number.isFinite(nowMs)) return;
    const whole = Math.floor(nowMs - this.lastMs);
    if (whole === 0) return;
    this.lastMs += whole;
    const full = this.capacity * MILLI;
    if (this.level >= full) return;
    // whole * rate may be large after a long idle; min() keeps the level at the capacity
    this.level = Math.min(full, this.level + whole * this.tokensPerSecond);
  }
}

function checkCost(cost: number): number {
  if (!Number.isSafeInteger(cost) || cost < 0) throw new RangeError(`a write cost must be a whole number of tokens, at least 0, got ${cost}`);
  return cost;
}

// ---- after a 429 ------------------------------------------------------------------------

export interface RateLimitBackoffOptions {
  /** the first wait's ceiling, ms (default 100) */
  readonly baseMs?: number;
  /** the largest ceiling, ms (default 10,000) */
  readonly maxMs?: number;
  /** uniform in [0, 1); Math.random by default, a seeded source in tests */
  readonly random?: () => number;
}

/**
 * How long to hold writes after HTTP 429 ("too many requests", no Retry-After): exponential
 * backoff with full jitter. The n-th 429 in a row (n from 0) waits a whole number of ms drawn
 * uniformly from [0, min(maxMs, baseMs * 2^n)]; a success resets n. Full jitter spreads the
 * retries so that they do not arrive together. Use the larger of this wait and the write
 * budget's msUntil after exhaust().
 */
export class RateLimitBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
  private readonly random: () => number;
  private streak = 0;
  private total = 0;

  constructor(options: RateLimitBackoffOptions = {}) {
    const baseMs = options.baseMs ?? 100;
    const maxMs = options.maxMs ?? 10_000;
    if (!Number.isSafeInteger(baseMs) || baseMs < 1) throw new RangeError(`baseMs must be a whole number of ms, at least 1, got ${baseMs}`);
    if (!Number.isSafeInteger(maxMs) || maxMs < baseMs) throw new RangeError(`maxMs must be a whole number of ms, at least baseMs (${baseMs}), got ${maxMs}`);
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.random = options.random ?? Math.random;
  }

  /** 429s in a row since the last success. */
  get consecutive(): number {
    return this.streak;
  }

  /** Every 429 seen. */
  get rateLimitedCount(): number {
    return this.total;
  }

  /** The ceiling of the next wait, ms. */
  nextCeilingMs(): number {
    // 2^n overflows to Infinity for large n; min() keeps the cap
    return Math.min(this.maxMs, this.baseMs * 2 ** this.streak);
  }

  /** Count a 429 and return how long to wait before the next write, ms. */
  onRateLimited(): number {
    const ceiling = this.nextCeilingMs();
    this.streak += 1;
    this.total += 1;
    const r = this.random();
    const u = r >= 0 && r < 1 ? r : r >= 1 ? 1 - Number.EPSILON : 0;
    return Math.min(ceiling, Math.floor(u * (ceiling + 1)));
  }

  /** A write went through: the next 429 starts from baseMs again. */
  onSuccess(): void {
    this.streak = 0;
  }
}
