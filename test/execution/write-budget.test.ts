import { expect } from 'chai';
import fc from 'fast-check';
import { RateLimitBackoff, USAGE_TIERS, WRITE_COST, WRITE_TOKENS_PER_SECOND, WriteBudget, writeCost } from '../../src/execution/write-budget.js';

describe('execution/write-budget', () => {
  describe('costs and tiers', () => {
    it("uses Kalshi's V2 write costs, batch items billed each", () => {
      expect(WRITE_COST).to.deep.equal({ create: 10, amend: 10, decrease: 10, cancel: 2, cancelAll: 2, orderGroup: 10 });
      expect(writeCost('create')).to.equal(10);
      expect(writeCost('create', 5)).to.equal(50);
      expect(writeCost('cancel', 20)).to.equal(40);
      expect(() => writeCost('cancel', 0)).to.throw(RangeError);
    });

    it('has every tier at two seconds of its rate', () => {
      const capacities = Object.fromEntries(USAGE_TIERS.map((tier) => [tier, new WriteBudget({ tier }, 0).capacity]));
      expect(capacities).to.deep.equal({ basic: 200, advanced: 600, expert: 1200, premier: 2000, paragon: 4000, prime: 8000, prestige: 16000 });
      expect(WRITE_TOKENS_PER_SECOND.prestige).to.equal(8000);
    });

    it('takes an explicit rate and capacity, and refuses nonsense', () => {
      const budget = new WriteBudget({ tokensPerSecond: 50 }, 0);
      expect([budget.tokensPerSecond, budget.capacity]).to.deep.equal([50, 100]);
      expect(new WriteBudget({ tokensPerSecond: 50, capacity: 30 }, 0).capacity).to.equal(30);
      expect(() => new WriteBudget({ tokensPerSecond: 0 }, 0)).to.throw(RangeError, /tokens per second/);
      expect(() => new WriteBudget({ tokensPerSecond: 2.5 }, 0)).to.throw(RangeError);
      expect(() => new WriteBudget({ tokensPerSecond: 10, capacity: 0 }, 0)).to.throw(RangeError, /capacity/);
      expect(() => new WriteBudget({ tier: 'gold' as 'basic' }, 0)).to.throw(RangeError, /unknown usage tier/);
      expect(() => new WriteBudget({ tier: 'basic' }, Number.NaN)).to.throw(RangeError);
    });
  });

  describe('the bucket (basic: 100 tokens/s, 200 capacity)', () => {
    it('starts full: 20 creates go at once, the 21st does not', () => {
      const budget = new WriteBudget({ tier: 'basic' }, 1_000);
      for (let i = 0; i < 20; i++) expect(budget.tryTake(10, 1_000), `create ${i + 1}`).to.equal(true);
      expect(budget.tryTake(10, 1_000)).to.equal(false);
      expect(budget.available(1_000)).to.equal(0);
      expect(budget.spent).to.equal(200);
      expect(budget.refused).to.equal(1);
    });

    it('refills 0.1 token per ms: one create after 100 ms, one cancel after 20 ms', () => {
      const budget = new WriteBudget({ tier: 'basic' }, 0);
      expect(budget.tryTake(200, 0)).to.equal(true);
      expect(budget.msUntil(10, 0)).to.equal(100);
      expect(budget.msUntil(2, 0)).to.equal(20);
      expect(budget.tryTake(10, 99)).to.equal(false); // 9.9 tokens
      expect(budget.available(99)).to.equal(9);
      expect(budget.tryTake(10, 100)).to.equal(true); // 10.0 tokens
      expect(budget.available(100)).to.equal(0);
      expect(budget.tryTake(2, 120)).to.equal(true);
      expect(budget.spent).to.equal(212);
    });

    it('counts fractional milliseconds: at 0.5 ms into a millisecond, 99.5 ms are left of 100', () => {
      const budget = new WriteBudget({ tier: 'basic' }, 0);
      budget.tryTake(200, 0);
      expect(budget.msUntil(10, 0.5)).to.equal(99.5);
      expect(budget.tryTake(10, 99.9)).to.equal(false); // 99 whole ms: 9.9 tokens
      expect(budget.tryTake(10, 100.2)).to.equal(true);
      expect(budget.msUntil(1, 100.2)).to.be.closeTo(9.8, 1e-9); // 10 steps from ms 100, 0.2 of one gone
    });

    it('never holds more than the capacity, however long it was idle', () => {
      const budget = new WriteBudget({ tier: 'basic' }, 0);
      budget.tryTake(50, 0);
      expect(budget.available(10_000_000)).to.equal(200);
      expect(budget.tryTake(201, 10_000_000)).to.equal(false);
      expect(budget.tryTake(200, 10_000_000)).to.equal(true);
    });

    it('admits a batch only if all of it fits at once', () => {
      const budget = new WriteBudget({ tier: 'basic' }, 0);
      budget.tryTake(185, 0); // 15 left
      expect(budget.tryTake(writeCost('create', 2), 0)).to.equal(false);
      expect(budget.available(0)).to.equal(15); // nothing spent by the refusal
      expect(budget.msUntil(writeCost('create', 2), 0)).to.equal(50);
      expect(budget.tryTake(writeCost('cancel', 7), 0)).to.equal(true); // 14 of 15
      expect(budget.available(0)).to.equal(1);
    });

    it('a batch larger than the bucket never fits', () => {
      const budget = new WriteBudget({ tier: 'basic' }, 0);
      expect(budget.maxBatchItems('create')).to.equal(20);
      expect(budget.maxBatchItems('cancel')).to.equal(100);
      expect(budget.fits(writeCost('create', 20))).to.equal(true);
      expect(budget.fits(writeCost('create', 21))).to.equal(false);
      expect(budget.msUntil(writeCost('create', 21), 0)).to.equal(Number.POSITIVE_INFINITY);
      expect(budget.tryTake(writeCost('create', 21), 0)).to.equal(false);
    });

    it('a 429 empties it: exhaust() and refill from there', () => {
      const budget = new WriteBudget({ tier: 'advanced' }, 0); // 300/s
      budget.exhaust(5);
      expect(budget.available(5)).to.equal(0);
      expect(budget.msUntil(10, 5)).to.equal(34); // 10 tokens at 0.3/ms: ceil(33.3) ms
      expect(budget.tryTake(10, 38)).to.equal(false);
      expect(budget.tryTake(10, 39)).to.equal(true);
    });

    it('a clock that goes back or is not a number refills nothing and corrupts nothing', () => {
      const budget = new WriteBudget({ tier: 'basic' }, 1_000);
      budget.tryTake(200, 1_000);
      expect(budget.available(500)).to.equal(0);
      expect(budget.available(Number.NaN)).to.equal(0);
      expect(budget.msUntil(10, Number.NaN)).to.equal(100);
      expect(budget.available(1_100)).to.equal(10);
    });

    it('refuses a cost that is not a whole number of tokens', () => {
      const budget = new WriteBudget({ tier: 'basic' }, 0);
      expect(() => budget.tryTake(-1, 0)).to.throw(RangeError);
      expect(() => budget.tryTake(1.5, 0)).to.throw(RangeError);
      expect(budget.spent).to.equal(0);
    });

    it('never admits more than capacity + rate x elapsed (property)', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...USAGE_TIERS),
          fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.constantFrom(2, 10, 20, 100)), { maxLength: 200 }),
          (tier, steps) => {
            const budget = new WriteBudget({ tier }, 0);
            let now = 0;
            for (const [advance, cost] of steps) {
              now += advance;
              budget.tryTake(cost, now);
              expect(budget.spent).to.be.at.most(budget.capacity + Math.floor((budget.tokensPerSecond * now) / 1000));
              expect(budget.available(now)).to.be.within(0, budget.capacity);
            }
          },
        ),
      );
    });
  });

  describe('RateLimitBackoff', () => {
    it('doubles the ceiling per 429 in a row, up to the cap, with full jitter', () => {
      const draws = [0.999, 0.999, 0.999, 0.999, 0.5, 0];
      const backoff = new RateLimitBackoff({ baseMs: 100, maxMs: 500, random: () => draws.shift()! });
      // ceilings 100, 200, 400, 500 (capped), 500, 500; a draw u waits floor(u * (ceiling + 1))
      expect(backoff.onRateLimited()).to.equal(100);
      expect(backoff.onRateLimited()).to.equal(200);
      expect(backoff.onRateLimited()).to.equal(400);
      expect(backoff.onRateLimited()).to.equal(500);
      expect(backoff.onRateLimited()).to.equal(250);
      expect(backoff.onRateLimited()).to.equal(0);
      expect(backoff.consecutive).to.equal(6);
      expect(backoff.rateLimitedCount).to.equal(6);
    });

    it('starts again from the base after a success, and keeps counting 429s', () => {
      const backoff = new RateLimitBackoff({ baseMs: 100, maxMs: 10_000, random: () => 0.999 });
      backoff.onRateLimited();
      backoff.onRateLimited();
      expect(backoff.nextCeilingMs()).to.equal(400);
      backoff.onSuccess();
      expect(backoff.consecutive).to.equal(0);
      expect(backoff.nextCeilingMs()).to.equal(100);
      expect(backoff.onRateLimited()).to.equal(100);
      expect(backoff.rateLimitedCount).to.equal(3);
    });

    it('stays at the cap after very many 429s and survives a bad random source', () => {
      const backoff = new RateLimitBackoff({ baseMs: 100, maxMs: 5_000, random: () => 2 });
      for (let i = 0; i < 2_000; i++) expect(backoff.onRateLimited()).to.be.within(0, 5_000);
      expect(backoff.nextCeilingMs()).to.equal(5_000);
      const nan = new RateLimitBackoff({ random: () => Number.NaN });
      expect(nan.onRateLimited()).to.equal(0);
    });

    it('defaults to 100 ms and 10 s, and refuses nonsense options', () => {
      const backoff = new RateLimitBackoff();
      expect([backoff.baseMs, backoff.maxMs]).to.deep.equal([100, 10_000]);
      expect(backoff.onRateLimited()).to.be.within(0, 100);
      expect(() => new RateLimitBackoff({ baseMs: 0 })).to.throw(RangeError);
      expect(() => new RateLimitBackoff({ baseMs: 200, maxMs: 100 })).to.throw(RangeError);
    });
  });
});
