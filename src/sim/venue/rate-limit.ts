/**
 * Kalshi's write budget (ws-v2.md 9.5 and 15.4): one token bucket per API key, refilled at
 * the tier's rate of tokens per second, holding at most two seconds of it. Create, amend
 * and decrease cost 10 tokens, a cancel 2; a batch is billed per item and admitted only if
 * all of it fits at once. Pure: time is passed in. Kept in milli-tokens, so that a refill
 * over any whole number of milliseconds is exact.
 */
import { BUCKET_SECONDS, RATE_TIER_NAMES, WRITE_COST, WRITE_TOKENS_PER_SECOND, type RateTier } from '../../protocol/rate-limits.js';

export { RATE_TIER_NAMES, type RateTier };
export const RATE_TIERS = WRITE_TOKENS_PER_SECOND;
/** Write tokens per request. */
export const WRITE_COSTS = WRITE_COST;

export function isRateTier(value: unknown): value is RateTier {
  return typeof value === 'string' && Object.hasOwn(RATE_TIERS, value);
}

export class TokenBucket {
  private milliTokens: number;
  private lastMs: number;
  readonly capacity: number;

  /** ratePerSecond tokens a second, `capacity` tokens at most, full at `nowMs`. */
  constructor(
    readonly ratePerSecond: number,
    capacity: number,
    nowMs: number,
  ) {
    if (!Number.isSafeInteger(ratePerSecond) || ratePerSecond <= 0) throw new RangeError(`rate must be a positive integer, got ${ratePerSecond}`);
    if (!Number.isSafeInteger(capacity) || capacity <= 0) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.milliTokens = capacity * 1000;
    this.lastMs = nowMs;
  }

  /** Tokens in the bucket at nowMs (fractional). */
  tokens(nowMs: number): number {
    this.refill(nowMs);
    return this.milliTokens / 1000;
  }

  /** Takes `cost` tokens if they are all there; false (and nothing taken) otherwise. */
  tryTake(cost: number, nowMs: number): boolean {
    this.refill(nowMs);
    const milli = cost * 1000;
    if (milli > this.milliTokens) return false;
    this.milliTokens -= milli;
    return true;
  }

  private refill(nowMs: number): void {
    const elapsed = Math.floor(nowMs - this.lastMs);
    if (elapsed <= 0) return;
    // a rate of R tokens a second is R milli-tokens a millisecond
    this.milliTokens = Math.min(this.capacity * 1000, this.milliTokens + elapsed * this.ratePerSecond);
    this.lastMs += elapsed;
  }
}

/** The write buckets of every key, on one tier. */
export class WriteLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  readonly ratePerSecond: number;
  readonly capacity: number;

  constructor(readonly tier: RateTier) {
    this.ratePerSecond = RATE_TIERS[tier];
    this.capacity = this.ratePerSecond * BUCKET_SECONDS;
  }

  /** Whether a request of `cost` tokens from `keyId` is admitted at nowMs (and charges it if so). */
  admit(keyId: string, cost: number, nowMs: number): boolean {
    let bucket = this.buckets.get(keyId);
    if (!bucket) {
      bucket = new TokenBucket(this.ratePerSecond, this.capacity, nowMs);
      this.buckets.set(keyId, bucket);
    }
    return bucket.tryTake(cost, nowMs);
  }

  /** The most items of `itemCost` one batch can hold: what a full bucket pays for. */
  maxBatchItems(itemCost: number): number {
    return Math.floor(this.capacity / itemCost);
  }
}
