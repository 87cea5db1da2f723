import { expect } from 'chai';
import { decodeDelta, decodeSnapshot, type BookSnapshot, type Level } from '../../src/protocol/decode.js';
import { hundredthsToCount } from '../../src/protocol/fixed.js';
import { SimHarness, seqsBySid, type Frame, type TestClient } from './sim-client.js';

const PRICE = /^[01]\.\d{4}$/;
const COUNT = /^-?\d+\.\d{2}$/;

/** A client-side book built only from snapshot and delta frames. */
class ReplayedBooks {
  private readonly books = new Map<string, { yes: Map<number, number>; no: Map<number, number> }>();

  apply(frame: Frame): void {
    if (frame.type === 'orderbook_snapshot') {
      const snapshot = decodeSnapshot(frame.msg);
      this.books.set(snapshot.ticker, { yes: new Map(snapshot.yes), no: new Map(snapshot.no) });
    } else if (frame.type === 'orderbook_delta') {
      const delta = decodeDelta(frame.msg);
      const side = this.books.get(delta.ticker)![delta.side];
      const size = (side.get(delta.price) ?? 0) + delta.delta;
      if (size < 0) throw new Error(`level went negative: ${JSON.stringify(frame)}`);
      if (size === 0) side.delete(delta.price);
      else side.set(delta.price, size);
    }
  }

  book(ticker: string): BookSnapshot {
    const book = this.books.get(ticker)!;
    const ascending = (side: Map<number, number>): Level[] => [...side.entries()].sort((a, b) => a[0] - b[0]);
    return { ticker, yes: ascending(book.yes), no: ascending(book.no) };
  }
}

describe('sim/stream', () => {
  let harness: SimHarness;

  afterEach(() => harness.close());

  it('keeps seq contiguous per sid under load, with many markets, channels, connections and control replies', async () => {
    harness = await SimHarness.start({ markets: 40, ratePerMarket: 20 });
    const tickers = harness.sim.tickers;
    const clients: TestClient[] = [await harness.connect(), await harness.connect()];
    for (const client of clients) {
      await client.command('subscribe', { channels: ['orderbook_delta', 'trade', 'ticker', 'market_lifecycle_v2'], market_tickers: tickers.slice(0, 30) }, 4);
    }
    for (let round = 0; round < 10; round += 1) {
      harness.sim.step(30);
      const client = clients[round % 2]!;
      client.send({ id: 100 + round, cmd: 'update_subscription', params: { sid: 1, action: 'add_markets', market_tickers: [tickers[30 + round]] } });
      client.send({ id: 200 + round, cmd: 'update_subscription', params: { sid: 1, action: 'get_snapshot', market_tickers: [tickers[round]] } });
      client.send({ id: 300 + round, cmd: 'update_subscription', params: { sid: 2, action: 'get_snapshot', market_tickers: [tickers[round]] } });
      client.send({ id: 400 + round, cmd: 'subscribe', params: { channels: ['trade'], market_tickers: [tickers[round]] } });
      await client.sync();
    }
    harness.sim.closeMarket(tickers[5]!);
    harness.sim.step(30);
    for (const client of clients) {
      await client.sync();
      const bySid = seqsBySid(client.frames);
      expect([...bySid.keys()].sort()).to.deep.equal([1, 2, 4]);
      for (const seqs of bySid.values()) expect(seqs).to.deep.equal(seqs.map((_, index) => index + 1));
      expect(bySid.get(1)!.length).to.be.greaterThan(1000);
      expect(bySid.get(2)!.length).to.be.greaterThan(50);
      expect(client.frames.filter((frame) => frame.type === 'ticker' && frame.seq !== undefined)).to.deep.equal([]);
    }
  });

  it('a client replaying snapshot + deltas ends with exactly the book a fresh get_snapshot returns, for every market', async () => {
    harness = await SimHarness.start({ markets: 25, ratePerMarket: 10 });
    const tickers = [...harness.sim.tickers];
    const client = await harness.connect();
    await client.command('subscribe', { channels: ['orderbook_delta'], market_tickers: tickers });
    harness.sim.step(1000);
    await client.sync();
    const replayed = new ReplayedBooks();
    for (const frame of client.frames) replayed.apply(frame);
    const deltas = client.frames.filter((frame) => frame.type === 'orderbook_delta').length;
    expect(deltas).to.be.greaterThan(5000);
    const fresh = await client.command('update_subscription', { sid: 1, action: 'get_snapshot', market_tickers: tickers }, tickers.length);
    for (const frame of fresh) {
      const snapshot = decodeSnapshot(frame.msg);
      expect(replayed.book(snapshot.ticker)).to.deep.equal(snapshot);
      expect(harness.sim.bookSnapshot(snapshot.ticker)).to.deep.equal(snapshot);
    }
  });

  it('writes snapshots ascending with empty sides omitted and no ts; deltas with ts and ts_ms; 4-dp prices, 2-dp counts', async () => {
    harness = await SimHarness.start({ markets: 30 });
    const tickers = [...harness.sim.tickers];
    const client = await harness.connect();
    await client.command('subscribe', { channels: ['orderbook_delta', 'trade', 'ticker'], market_tickers: tickers }, 3);
    harness.sim.step(200);
    await client.sync();
    // an account sells into every YES bid of the first market: its snapshot has an empty side
    const emptied = harness.sim.bookSnapshot(tickers[0]!).yes.reduce((sum, [, size]) => sum + size, 0);
    const sold = await harness.order({
      ticker: tickers[0],
      side: 'ask',
      count: hundredthsToCount(emptied),
      price: '0.0100',
      time_in_force: 'immediate_or_cancel',
    });
    expect(sold.body.fill_count).to.equal(hundredthsToCount(emptied));
    await client.command('update_subscription', { sid: 1, action: 'get_snapshot', market_tickers: [tickers[0]] });
    const snapshots = client.frames.filter((frame) => frame.type === 'orderbook_snapshot');
    expect(snapshots).to.have.length(31);
    expect(snapshots.at(-1)!.msg).to.have.property('no_dollars_fp');
    expect(snapshots.at(-1)!.msg, 'an empty side is omitted').to.not.have.property('yes_dollars_fp');
    for (const { msg } of snapshots) {
      expect(msg).to.not.have.any.keys('ts', 'ts_ms', 'yes', 'no');
      for (const key of ['yes_dollars_fp', 'no_dollars_fp']) {
        if (!(key in msg)) continue;
        const levels = msg[key] as [string, string][];
        expect(levels.length).to.be.greaterThan(0);
        for (const [price, size] of levels) {
          expect(price).to.match(PRICE);
          expect(size).to.match(COUNT);
        }
        const prices = levels.map(([price]) => Number(price));
        expect(prices).to.deep.equal([...prices].sort((a, b) => a - b));
      }
    }
    const deltas = client.frames.filter((frame) => frame.type === 'orderbook_delta');
    for (const { msg } of deltas) {
      expect(msg).to.have.all.keys('market_ticker', 'market_id', 'price_dollars', 'delta_fp', 'side', 'ts', 'ts_ms');
      expect(msg.price_dollars).to.match(PRICE);
      expect(msg.delta_fp).to.match(COUNT);
      expect(msg.ts_ms).to.equal(harness.clock.now());
      expect(msg.ts).to.equal(new Date(harness.clock.now()).toISOString().replace('Z', '000Z'));
    }
    const trades = client.frames.filter((frame) => frame.type === 'trade');
    expect(trades.length).to.be.greaterThan(0);
    for (const { msg } of trades) {
      expect(Number(msg.yes_price_dollars) * 10000 + Number(msg.no_price_dollars) * 10000).to.equal(10000);
      expect(msg.count_fp).to.match(COUNT);
      expect(msg.taker_book_side).to.equal(msg.taker_outcome_side === 'yes' ? 'bid' : 'ask');
    }
  });

  it('shows tight and wide books across markets, never locked or crossed, and fractional sizes', async () => {
    harness = await SimHarness.start({ markets: 30 });
    const spreads = new Set<number>();
    let fractional = false;
    for (let round = 0; round < 40; round += 1) {
      harness.sim.step(25);
      for (const ticker of harness.sim.tickers) {
        const book = harness.sim.bookSnapshot(ticker);
        if (book.yes.length > 0 && book.no.length > 0) spreads.add(100 - book.yes.at(-1)![0] - book.no.at(-1)![0]);
        fractional ||= [...book.yes, ...book.no].some(([, size]) => size % 100 !== 0);
      }
    }
    expect(spreads.has(1), 'one tick wide').to.equal(true);
    expect(Math.max(...spreads), 'wide').to.be.greaterThan(5);
    expect(Math.min(...spreads), 'never locked or crossed').to.be.at.least(1);
    expect(fractional).to.equal(true);
  });

  it('emits the legacy integer-cent fields with legacyCents, which decode to the same books', async () => {
    harness = await SimHarness.start({ markets: 4, legacyCents: true });
    const tickers = [...harness.sim.tickers];
    const client = await harness.connect();
    await client.command('subscribe', { channels: ['orderbook_delta', 'trade', 'ticker'], market_tickers: tickers }, 3);
    harness.sim.step(300);
    await client.sync();
    const replayed = new ReplayedBooks();
    for (const frame of client.frames) replayed.apply(frame);
    for (const ticker of tickers) expect(replayed.book(ticker)).to.deep.equal(harness.sim.bookSnapshot(ticker));
    const snapshot = client.frames.find((frame) => frame.type === 'orderbook_snapshot' && frame.msg.yes)!;
    expect(snapshot.msg).to.not.have.any.keys('yes_dollars_fp', 'no_dollars_fp');
    expect(snapshot.msg.yes[0]).to.satisfy((level: unknown[]) => level.every(Number.isInteger));
    const delta = client.frames.find((frame) => frame.type === 'orderbook_delta')!;
    expect(delta.msg).to.have.all.keys('market_ticker', 'market_id', 'price', 'delta', 'side', 'ts');
    const trade = client.frames.find((frame) => frame.type === 'trade')!;
    expect(trade.msg).to.include.keys('yes_price', 'no_price', 'count');
    expect(trade.msg).to.not.have.any.keys('yes_price_dollars', 'count_fp');
    const ticker = client.frames.find((frame) => frame.type === 'ticker')!;
    expect(ticker.msg).to.include.keys('price', 'yes_bid', 'yes_ask', 'volume', 'open_interest');
  });
});
