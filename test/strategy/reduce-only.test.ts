import { expect } from 'chai';
import { reduceOnlyDecision } from '../../src/strategy/reduce-only.js';
import { hundredths, paramsWith, SPEC_DEFAULTS } from './fixtures.js';

describe('reduceOnlyDecision', () => {
  const bid = { price: 42, size: 1800 };
  const now = 100_000;

  it('prompts min(reduce_step, inventory) into the best bid at the cap', () => {
    expect(reduceOnlyDecision(hundredths(100), true, bid, undefined, now, SPEC_DEFAULTS)).to.deep.equal({
      prompt: { price: 42, size: 1000 },
      lastPromptMs: now,
    });
    expect(reduceOnlyDecision(hundredths(4), true, bid, undefined, now, paramsWith({ max_inventory: 4 }))).to.deep.equal({
      prompt: { price: 42, size: 400 },
      lastPromptMs: now,
    });
  });

  it('repeats at most once per quote_ttl_s while the cap holds', () => {
    const last = now - 5_999;
    expect(reduceOnlyDecision(hundredths(100), true, bid, last, now, SPEC_DEFAULTS)).to.deep.equal({ lastPromptMs: last });
    expect(reduceOnlyDecision(hundredths(100), true, bid, now - 6_000, now, SPEC_DEFAULTS)).to.deep.equal({
      prompt: { price: 42, size: 1000 },
      lastPromptMs: now,
    });
  });

  it('forgets the rate limit below the cap', () => {
    expect(reduceOnlyDecision(hundredths(99), false, bid, now - 1, now, SPEC_DEFAULTS)).to.deep.equal({
      lastPromptMs: undefined,
    });
  });

  it('does not prompt without a bid to sell into, and prompts as soon as one appears', () => {
    expect(reduceOnlyDecision(hundredths(100), true, undefined, now - 7_000, now, SPEC_DEFAULTS)).to.deep.equal({
      lastPromptMs: undefined,
    });
    expect(reduceOnlyDecision(hundredths(100), true, { price: 0, size: 100 }, undefined, now, SPEC_DEFAULTS)).to.deep.equal({
      lastPromptMs: undefined,
    });
    expect(reduceOnlyDecision(hundredths(100), true, bid, undefined, now + 1, SPEC_DEFAULTS).prompt).to.deep.equal({
      price: 42,
      size: 1000,
    });
  });
});
