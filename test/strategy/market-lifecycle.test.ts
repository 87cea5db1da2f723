import { expect } from 'chai';
import { closesMarket, reopensMarket } from '../../src/strategy/market-lifecycle.js';
import { TICKER } from './fixtures.js';

describe('market lifecycle', () => {
  const now = 1_767_225_600_000;
  const event = (eventType: string, closeTsMs?: number) => (closeTsMs === undefined ? { ticker: TICKER, eventType } : { ticker: TICKER, eventType, closeTsMs });

  it('closes on deactivated, determined and settled', () => {
    for (const type of ['deactivated', 'determined', 'settled']) expect(closesMarket(event(type), now), type).to.equal(true);
  });

  it('closes on a close date already past (or now), not on a future one or a missing one', () => {
    expect(closesMarket(event('close_date_updated', now - 1000), now)).to.equal(true);
    expect(closesMarket(event('close_date_updated', now), now)).to.equal(true);
    expect(closesMarket(event('close_date_updated', now + 1000), now)).to.equal(false);
    expect(closesMarket(event('close_date_updated'), now)).to.equal(false);
  });

  it('ignores the other events, and only activated reopens', () => {
    for (const type of ['created', 'activated', 'metadata_updated', 'price_level_structure_updated']) {
      expect(closesMarket(event(type), now), type).to.equal(false);
    }
    expect(reopensMarket(event('activated'))).to.equal(true);
    expect(reopensMarket(event('created'))).to.equal(false);
  });
});
