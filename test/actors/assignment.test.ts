import { expect } from 'chai';
import { assignTickers, shardForTicker, tickerHash } from '../../src/actors/assignment.js';

describe('ticker assignment', () => {
  const tickers = Array.from({ length: 60 }, (_, index) => `KXTEST-26JAN01-T${index}`);

  it('is FNV-1a of the ticker (known vectors)', () => {
    expect(tickerHash('')).to.equal(0x811c9dc5);
    expect(tickerHash('a')).to.equal(0xe40c292c);
    expect(tickerHash('foobar')).to.equal(0xbf9cf968);
  });

  it('depends only on the ticker and the shard count, not on order or on other tickers', () => {
    const forward = assignTickers(tickers, 3);
    const backward = assignTickers([...tickers].reverse(), 3);
    for (const ticker of tickers) {
      const shard = shardForTicker(ticker, 3);
      expect(forward.get(shard)).to.include(ticker);
      expect(backward.get(shard)).to.include(ticker);
      expect(assignTickers([ticker], 3).get(shard)).to.deep.equal([ticker]);
    }
  });

  it('places every ticker exactly once, on a shard in range, using several shards', () => {
    const byShard = assignTickers(tickers, 3);
    const placed = [...byShard.values()].flat();
    expect(placed).to.have.members(tickers);
    expect(placed).to.have.length(tickers.length);
    expect([...byShard.keys()].every((shard) => shard >= 0 && shard < 3)).to.equal(true);
    expect(byShard.size).to.equal(3);
  });

  it('refuses a shard count below one', () => {
    expect(() => shardForTicker('A', 0)).to.throw(RangeError);
  });
});
