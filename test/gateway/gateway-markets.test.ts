import { expect } from 'chai';
import { delta, harness, snapshot } from './gateway-harness.js';

const ok = (id: number, sid: number, seq: number): string => JSON.stringify({ type: 'ok', id, sid, seq, msg: {} });

describe('Gateway: markets that join and leave while running', () => {
  it('subscribes an added market on the open connection and routes it to its owner once its snapshot arrives', () => {
    const h = harness();
    h.connect();
    h.feed(snapshot(1, 1, 'A-1'));
    h.sent.length = 0;
    expect(h.gateway.addTickers(new Map([['C-1', 1]]))).to.equal(1);
    expect(h.sent).to.deep.equal([
      { id: 3, cmd: 'subscribe', params: { channels: ['orderbook_delta', 'ticker', 'trade', 'fill', 'market_positions'], market_tickers: ['C-1'] } },
    ]);
    expect(h.gateway.tickers()).to.include('C-1');
    // the server merges it into the book sid (ok on sid 1), then its snapshot follows
    h.feed(ok(3, 1, 2), delta(1, 3, 'C-1'), snapshot(1, 4, 'C-1'), delta(1, 5, 'C-1'));
    expect(h.framesTo(1)).to.deep.equal([snapshot(1, 4, 'C-1'), delta(1, 5, 'C-1')]);
    expect(h.gateway.statistics().anomalies).not.to.have.property('unowned_ticker');
    // it is resnapshotted on a gap like any other
    h.sent.length = 0;
    h.feed(delta(1, 9, 'C-1'));
    expect(h.sent[0]).to.deep.include({ cmd: 'update_subscription' });
    expect((h.sent[0] as { params: { market_tickers: string[] } }).params.market_tickers).to.include('C-1');
  });

  it('an added market waits for the next connection when none is open, and is subscribed then', () => {
    const h = harness();
    h.gateway.addTickers(new Map([['C-1', 0]]));
    expect(h.sent).to.deep.equal([]);
    h.connect();
    expect((h.sent[0] as { params: { market_tickers: string[] } }).params.market_tickers).to.deep.equal(['A-1', 'A-2', 'B-1', 'C-1']);
  });

  it('adding a market already owned changes nothing', () => {
    const h = harness();
    h.connect();
    h.sent.length = 0;
    expect(h.gateway.addTickers(new Map([['A-1', 1]]))).to.equal(0);
    expect(h.sent).to.deep.equal([]);
    h.feed(snapshot(1, 1, 'A-1'));
    expect(h.framesTo(0)).to.deep.equal([snapshot(1, 1, 'A-1')]);
  });

  it('a removed market is unsubscribed from every sid that carried it, and its late frames are dropped quietly', () => {
    const h = harness();
    h.connect();
    h.feed(snapshot(1, 1, 'A-1'), snapshot(1, 2, 'A-2'));
    h.sent.length = 0;
    expect(h.gateway.removeTickers(['A-2', 'NOT-OWNED'])).to.equal(1);
    const deletes = h.sent.map((command) => command as { cmd: string; params: { sid: number; action: string; market_tickers: string[] } });
    expect(deletes.every((command) => command.cmd === 'update_subscription' && command.params.action === 'delete_markets')).to.equal(true);
    // every market-filtered sid of the connection: book 1, ticker 2, trade 3, fill 4, positions 5
    expect(deletes.map((command) => command.params.sid).sort()).to.deep.equal([1, 2, 3, 4, 5]);
    expect(deletes.every((command) => command.params.market_tickers.join() === 'A-2')).to.equal(true);
    expect(h.gateway.tickers()).to.deep.equal(['A-1', 'B-1']);
    const before = h.framesTo(0).length;
    h.feed(delta(1, 3, 'A-2'), JSON.stringify({ type: 'ticker', sid: 2, msg: { market_ticker: 'A-2' } }));
    expect(h.framesTo(0)).to.have.length(before);
    const statistics = h.gateway.statistics();
    expect(statistics.framesAfterRemoval).to.equal(2);
    expect(statistics.anomalies).not.to.have.property('unowned_ticker');
    expect(statistics.tickersLive + statistics.tickersAwaiting).to.equal(2);
    // a gap on the book sid no longer asks for the removed market's snapshot
    h.sent.length = 0;
    h.feed(delta(1, 9, 'A-1'));
    expect((h.sent[0] as { params: { market_tickers: string[] } }).params.market_tickers).to.deep.equal(['A-1', 'B-1']);
    // a frame for a market never owned is still an anomaly
    h.feed(delta(1, 10, 'Z-9'));
    expect(h.gateway.statistics().anomalies).to.include({ unowned_ticker: 1 });
  });

  it('a removed market is not subscribed again on the next connection; added back, it is', () => {
    const h = harness();
    h.connect();
    h.gateway.removeTickers(['B-1']);
    h.sent.length = 0;
    h.gateway.connectionClosed(1, 'test');
    h.gateway.connectionOpened(2);
    expect((h.sent[0] as { params: { market_tickers: string[] } }).params.market_tickers).to.deep.equal(['A-1', 'A-2']);
    h.gateway.addTickers(new Map([['B-1', 0]]));
    expect((h.sent.at(-1) as { params: { market_tickers: string[] } }).params.market_tickers).to.deep.equal(['B-1']);
    h.feed(JSON.stringify({ id: 1, type: 'subscribed', msg: { channel: 'orderbook_delta', sid: 11 } }), snapshot(11, 1, 'B-1'));
    expect(h.framesTo(0)).to.include(snapshot(11, 1, 'B-1'));
  });
});
