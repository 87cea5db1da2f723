import { expect } from 'chai';
import { Subscriptions } from '../../../src/adapters/kalshi/subscriptions.js';

const tickers = ['A-1', 'A-2', 'A-3', 'A-4', 'A-5'];

describe('Subscriptions', () => {
  it('subscribes the market channels in batches, then the lifecycle channel, with unique ids', () => {
    const subscriptions = new Subscriptions({ tickers, withPrivate: false, batchSize: 2 });
    expect(subscriptions.initialCommands()).to.deep.equal([
      { id: 1, cmd: 'subscribe', params: { channels: ['orderbook_delta', 'ticker', 'trade'], market_tickers: ['A-1', 'A-2'] } },
      { id: 2, cmd: 'subscribe', params: { channels: ['orderbook_delta', 'ticker', 'trade'], market_tickers: ['A-3', 'A-4'] } },
      { id: 3, cmd: 'subscribe', params: { channels: ['orderbook_delta', 'ticker', 'trade'], market_tickers: ['A-5'] } },
      { id: 4, cmd: 'subscribe', params: { channels: ['market_lifecycle_v2'] } },
    ]);
  });

  it('adds fill and market_positions with private data', () => {
    const subscriptions = new Subscriptions({ tickers: ['A-1'], withPrivate: true, batchSize: 10 });
    const [first] = subscriptions.initialCommands();
    expect(first).to.deep.equal({
      id: 1,
      cmd: 'subscribe',
      params: { channels: ['orderbook_delta', 'ticker', 'trade', 'fill', 'market_positions'], market_tickers: ['A-1'] },
    });
  });

  it('learns sids from acks, whether later batches merge into a sid or get their own', () => {
    const subscriptions = new Subscriptions({ tickers, withPrivate: false, batchSize: 2 });
    subscriptions.initialCommands();
    subscriptions.subscribed(1, 'orderbook_delta', 1);
    subscriptions.subscribed(1, 'ticker', 2);
    subscriptions.subscribed(1, 'trade', 3);
    subscriptions.acknowledged(2, 1); // merged into sid 1
    subscriptions.subscribed(3, 'orderbook_delta', 7); // a new sid
    expect([...subscriptions.tickersOf(1)]).to.have.members(['A-1', 'A-2', 'A-3', 'A-4']);
    expect([...subscriptions.tickersOf(7)]).to.deep.equal(['A-5']);
    expect(subscriptions.channelOf(2)).to.equal('ticker');
    expect(subscriptions.bookSidOf('A-3')).to.equal(1);
    expect(subscriptions.bookSidOf('A-5')).to.equal(7);
  });

  it('builds get_snapshot commands per book sid, in batches, skipping tickers without a sid', () => {
    const subscriptions = new Subscriptions({ tickers, withPrivate: false, batchSize: 2 });
    subscriptions.initialCommands();
    subscriptions.subscribed(1, 'orderbook_delta', 1);
    subscriptions.subscribed(2, 'orderbook_delta', 5);
    const commands = subscriptions.snapshotCommands(['A-1', 'A-2', 'A-3', 'A-5']);
    expect(commands).to.deep.equal([
      { id: 5, cmd: 'update_subscription', params: { sid: 1, action: 'get_snapshot', market_tickers: ['A-1', 'A-2'] } },
      { id: 6, cmd: 'update_subscription', params: { sid: 5, action: 'get_snapshot', market_tickers: ['A-3'] } },
    ]);
  });

  it('learns a book sid from a snapshot when the ack named no tickers', () => {
    const subscriptions = new Subscriptions({ tickers, withPrivate: false, batchSize: 10 });
    subscriptions.bookFrameSeen(4, 'A-2');
    expect(subscriptions.bookSidOf('A-2')).to.equal(4);
    expect(subscriptions.channelOf(4)).to.equal('orderbook_delta');
  });

  it('reports what a failed command was for, and rebuilds a dead subscription', () => {
    const subscriptions = new Subscriptions({ tickers, withPrivate: false, batchSize: 3 });
    subscriptions.initialCommands();
    subscriptions.subscribed(1, 'orderbook_delta', 1);
    subscriptions.acknowledged(2, 1);
    expect(subscriptions.failed(99)).to.equal(undefined);
    const commands = subscriptions.snapshotCommands(['A-1']);
    expect(subscriptions.failed(commands[0]!.id)).to.deep.equal({ id: commands[0]!.id, purpose: 'get_snapshot', tickers: ['A-1'] });
    const dropped = subscriptions.dropSid(1);
    expect(dropped.channel).to.equal('orderbook_delta');
    expect(dropped.tickers).to.have.members(tickers);
    expect(subscriptions.bookSidOf('A-1')).to.equal(undefined);
    const again = subscriptions.resubscribeCommands('orderbook_delta', dropped.tickers);
    expect(again.map((command) => command.cmd)).to.deep.equal(['subscribe', 'subscribe']);
    expect(subscriptions.resubscribeCommands('market_lifecycle_v2', [])).to.have.length(1);
  });
});
