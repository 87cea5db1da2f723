import { expect } from 'chai';
import { ActorOutbox } from '../../src/actors/actor-outbox.js';
import { Gateway } from '../../src/gateway/gateway.js';
import type { RuntimeEvent } from '../../src/log/runtime-event.js';
import type { ClientCommand } from '../../src/protocol/wire.js';
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

describe('Gateway: more than one connection (exchange.markets_per_connection)', () => {
  function slotted(limit: number, tickers: string[]) {
    const sent: Array<{ slot: number; command: ClientCommand }> = [];
    const frames = new Map<number, string[]>([
      [0, []],
      [1, []],
    ]);
    const opened: number[] = [];
    const outbox = (shard: number): ActorOutbox =>
      new ActorOutbox(
        { postMessage: (message) => message.kind === 'DeliverFrames' && frames.get(shard)!.push(...message.frames) },
        { maxBatch: 100, maxOutstanding: 1000, resumeBelow: 10, defer: (flush) => flush() },
      );
    const outboxes = new Map([
      [0, outbox(0)],
      [1, outbox(1)],
    ]);
    const events: RuntimeEvent[] = [];
    const gateway = new Gateway(
      new Map(tickers.map((ticker, index) => [ticker, index % 2])),
      { outbox: (shard) => outboxes.get(shard) },
      (command, slot) => {
        sent.push({ slot, command });
        return true;
      },
      (event) => events.push(event),
      { now: () => 1_000 },
      { withPrivate: true, batchSize: 100, resnapshotAfterMs: 5_000, marketsPerConnection: limit, openSlot: (slot) => opened.push(slot) },
    );
    const subscribes = (slot: number): string[][] =>
      sent
        .filter((entry) => entry.slot === slot && entry.command.cmd === 'subscribe')
        .map((entry) => {
          const params = (entry.command as { params: { market_tickers?: string[]; channels: string[] } }).params;
          return params.market_tickers ?? params.channels;
        });
    return { gateway, sent, frames, opened, events, subscribes };
  }

  it('spreads the markets over slots of the limit; the account-wide channels go on the first only', () => {
    const s = slotted(2, ['M-1', 'M-2', 'M-3', 'M-4', 'M-5']);
    expect(s.gateway.slots()).to.deep.equal([0, 1, 2]);
    for (const slot of [0, 1, 2]) s.gateway.connectionOpened(1, slot);
    expect(s.subscribes(0)).to.deep.equal([['M-1', 'M-2'], ['market_lifecycle_v2']]);
    expect(s.subscribes(1)).to.deep.equal([['M-3', 'M-4']]);
    expect(s.subscribes(2)).to.deep.equal([['M-5']]);
    expect(s.gateway.statistics()).to.include({ connectionsOpen: 3, connectionSlots: 3 });
  });

  it('sequences are per connection: the same sid and seq on two connections is no duplicate; a gap resnapshots only its own connection', () => {
    const s = slotted(2, ['M-1', 'M-2', 'M-3', 'M-4']);
    s.gateway.connectionOpened(1, 0);
    s.gateway.connectionOpened(1, 1);
    s.gateway.frame(snapshot(1, 1, 'M-1'), 0);
    s.gateway.frame(snapshot(1, 1, 'M-3'), 1);
    s.gateway.frame(snapshot(1, 2, 'M-2'), 0);
    s.gateway.frame(snapshot(1, 2, 'M-4'), 1);
    expect(s.gateway.statistics().tickersLive).to.equal(4);
    expect(s.gateway.statistics().anomalies).not.to.have.property('duplicate_sequence');
    s.sent.length = 0;
    s.gateway.frame(delta(1, 9, 'M-3'), 1);
    expect(s.sent.map((entry) => entry.slot)).to.deep.equal([1]);
    expect((s.sent[0]!.command as { params: { market_tickers: string[] } }).params.market_tickers).to.deep.equal(['M-3', 'M-4']);
    expect(s.gateway.statistics().tickersLive).to.equal(2);
  });

  it('a dropped connection makes only its own markets stale', () => {
    const s = slotted(1, ['M-1', 'M-2']);
    s.gateway.connectionOpened(1, 0);
    s.gateway.connectionOpened(1, 1);
    s.gateway.frame(snapshot(1, 1, 'M-1'), 0);
    s.gateway.frame(snapshot(1, 1, 'M-2'), 1);
    s.gateway.connectionClosed(1, 'reset', 1);
    expect(s.gateway.statistics()).to.include({ tickersLive: 1, tickersAwaiting: 1, connectionsOpen: 1 });
    // the open connection keeps routing
    s.gateway.frame(delta(1, 2, 'M-1'), 0);
    expect(s.frames.get(0)).to.include(delta(1, 2, 'M-1'));
    // reopened, it subscribes its market again
    s.gateway.connectionOpened(2, 1);
    expect(s.subscribes(1).at(-1)).to.deep.equal(['M-2']);
  });

  it('a market added past the limit asks for a new connection, which subscribes it when open; a removed market frees its place', () => {
    const s = slotted(2, ['M-1', 'M-2']);
    s.gateway.connectionOpened(1, 0);
    s.gateway.addTickers(new Map([['M-3', 0]]));
    expect(s.opened).to.deep.equal([1]);
    expect(s.subscribes(0)).to.have.length(2); // nothing more on the full connection
    s.gateway.connectionOpened(1, 1);
    expect(s.subscribes(1)).to.deep.equal([['M-3']]);
    s.gateway.removeTickers(['M-1']);
    s.gateway.addTickers(new Map([['M-4', 1]]));
    expect(s.opened).to.deep.equal([1]);
    expect(s.subscribes(0).at(-1)).to.deep.equal(['M-4']);
  });
});
