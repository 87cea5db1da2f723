import { expect } from 'chai';
import { ERROR_TEXT } from '../../src/protocol/wire.js';
import { SimHarness, TestClient, type Frame } from './sim-client.js';

function errorFrame(code: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { code, msg: ERROR_TEXT[code], ...extra };
}

describe('sim/commands', () => {
  let harness: SimHarness;
  let client: TestClient;
  let tickers: readonly string[];

  beforeEach(async () => {
    harness = await SimHarness.start({ markets: 6 });
    client = await harness.connect();
    tickers = harness.sim.tickers;
  });

  afterEach(() => harness.close());

  async function subscribe(params: Record<string, unknown>, replies = 1): Promise<Frame[]> {
    return client.command('subscribe', params, replies);
  }

  describe('subscribe', () => {
    it('acks each channel with its own sid inside msg and no seq, then one snapshot per market from seq 1', async () => {
      const acks = await subscribe({ channels: ['orderbook_delta', 'trade'], market_tickers: [tickers[0], tickers[1]] }, 2);
      expect(acks).to.deep.equal([
        { type: 'subscribed', id: acks[0]!.id, msg: { channel: 'orderbook_delta', sid: 1 } },
        { type: 'subscribed', id: acks[0]!.id, msg: { channel: 'trade', sid: 2 } },
      ]);
      await client.sync();
      const snapshots = client.frames.filter((frame) => frame.type === 'orderbook_snapshot');
      expect(snapshots.map((frame) => [frame.sid, frame.seq, frame.msg.market_ticker, frame.id])).to.deep.equal([
        [1, 1, tickers[0], undefined],
        [1, 2, tickers[1], undefined],
      ]);
    });

    it('accepts market_ticker for a single market', async () => {
      await subscribe({ channels: ['orderbook_delta'], market_ticker: tickers[2] });
      await client.sync();
      expect(client.frames.filter((frame) => frame.type === 'orderbook_snapshot').map((frame) => frame.msg.market_ticker)).to.deep.equal([tickers[2]]);
    });

    it('merges a repeat subscribe into the existing sid: ok with the full list, snapshots only for new tickers', async () => {
      await subscribe({ channels: ['orderbook_delta'], market_tickers: [tickers[0], tickers[1]] });
      const [ok] = await subscribe({ channels: ['orderbook_delta'], market_tickers: [tickers[1], tickers[2]] });
      expect(ok).to.deep.include({ type: 'ok', sid: 1, seq: 3, msg: { market_tickers: [tickers[0], tickers[1], tickers[2]] } });
      await client.sync();
      const snapshots = client.frames.filter((frame) => frame.type === 'orderbook_snapshot');
      expect(snapshots.map((frame) => [frame.seq, frame.msg.market_ticker])).to.deep.equal([
        [1, tickers[0]],
        [2, tickers[1]],
        [4, tickers[2]],
      ]);
      const [again] = await subscribe({ channels: ['orderbook_delta'], market_tickers: [tickers[0]] });
      expect(again).to.deep.include({ type: 'ok', sid: 1, seq: 5 });
      await client.sync();
      expect(client.frames.filter((frame) => frame.type === 'orderbook_snapshot')).to.have.length(3);
    });

    it('acks a merge and a new channel in one command', async () => {
      await subscribe({ channels: ['trade'], market_tickers: [tickers[0]] });
      const replies = await subscribe({ channels: ['trade', 'ticker'], market_tickers: [tickers[1]] }, 2);
      expect(replies.map((frame) => frame.type)).to.deep.equal(['ok', 'subscribed']);
      expect(replies[0]).to.deep.include({ sid: 1, seq: 1, msg: { market_tickers: [tickers[0], tickers[1]] } });
      expect(replies[1]!.msg).to.deep.equal({ channel: 'ticker', sid: 2 });
    });

    it('leaves the ticker list out of ok replies with skip_ticker_ack', async () => {
      await subscribe({ channels: ['orderbook_delta'], market_tickers: [tickers[0]], skip_ticker_ack: true });
      const [ok] = await client.command('update_subscription', { sid: 1, action: 'add_markets', market_tickers: [tickers[1]] });
      expect(ok).to.deep.equal({ type: 'ok', id: ok!.id, sid: 1, seq: 2 });
    });

    it('sends one ticker per market at once with send_initial_snapshot, unsequenced', async () => {
      await subscribe({ channels: ['ticker'], market_tickers: [tickers[0], tickers[3]], send_initial_snapshot: true });
      await client.sync();
      const initial = client.frames.filter((frame) => frame.type === 'ticker');
      expect(initial.map((frame) => frame.msg.market_ticker)).to.deep.equal([tickers[0], tickers[3]]);
      for (const frame of initial) {
        expect(frame).to.not.have.property('seq');
        expect(frame.sid).to.equal(1);
      }
    });

    it('streams every market on a ticker subscription without a filter', async () => {
      await subscribe({ channels: ['ticker'] });
      harness.sim.step(100);
      await client.sync();
      const seen = new Set(client.frames.filter((frame) => frame.type === 'ticker').map((frame) => frame.msg.market_ticker));
      expect([...seen].sort()).to.deep.equal([...tickers].sort());
    });

    it('error 3 without channels, 8 for an unknown channel, 14 for an orderbook without markets', async () => {
      expect((await subscribe({}))[0]!.msg).to.deep.equal(errorFrame(3));
      expect((await subscribe({ channels: [] }))[0]!.msg).to.deep.equal(errorFrame(3));
      expect((await subscribe({ channels: ['ticker_v2'] }))[0]!.msg).to.deep.equal(errorFrame(8));
      expect((await subscribe({ channels: ['trade', 'multivariate'] }))[0]!.msg).to.deep.equal(errorFrame(8));
      expect((await subscribe({ channels: ['orderbook_delta'] }))[0]!.msg).to.deep.equal(errorFrame(14));
      const [list] = await client.command('list_subscriptions');
      expect(list!.msg).to.deep.equal([]);
    });

    it('error 11 naming unknown markets, and for market_ticker with market_tickers', async () => {
      const [unknown] = await subscribe({ channels: ['orderbook_delta'], market_tickers: [tickers[0], 'NOPE-26JAN01-T1'] });
      expect(unknown).to.deep.include({ type: 'error' });
      expect(unknown!.msg).to.deep.equal(errorFrame(11, { market_tickers: ['NOPE-26JAN01-T1'] }));
      expect(unknown).to.not.have.property('sid');
      const [both] = await subscribe({ channels: ['trade'], market_ticker: tickers[0], market_tickers: [tickers[1]] });
      expect(both!.msg).to.deep.equal(errorFrame(11));
    });

    it('error 2 without params; error 1 for params of the wrong type', async () => {
      const [missing] = await client.command('subscribe');
      expect(missing!.msg).to.deep.equal(errorFrame(2));
      expect((await subscribe({ channels: 'trade' }))[0]!.msg).to.deep.equal(errorFrame(1));
      expect((await subscribe({ channels: ['trade'], market_tickers: tickers[0] }))[0]!.msg).to.deep.equal(errorFrame(1));
      expect((await client.command('subscribe', 'orderbook_delta'))[0]!.msg).to.deep.equal(errorFrame(1));
    });
  });

  describe('envelope errors', () => {
    it('error 1 for text that is not a JSON object command', async () => {
      for (const text of ['not json', '[1,2]', '{"id":"seven","cmd":"list_subscriptions"}', '{"id":5,"cmd":7}']) {
        client.send(text);
      }
      await client.sync();
      const errors = client.frames.filter((frame) => frame.type === 'error');
      expect(errors).to.have.length(4);
      for (const frame of errors) {
        expect(frame.msg).to.deep.equal(errorFrame(1));
        expect(frame).to.not.have.property('id');
      }
    });

    it('error 5 for an unknown command, echoing the id; id 0 counts as no id', async () => {
      const [unknown] = await client.command('subscribe_all', {});
      expect(unknown!.msg).to.deep.equal(errorFrame(5));
      client.send({ id: 0, cmd: 'list_subscriptions' });
      await client.sync();
      const noId = client.frames.filter((frame) => frame.type === 'ok' && frame.id === undefined);
      expect(noId).to.have.length(1);
    });
  });

  describe('unsubscribe', () => {
    it('replies per sid with sid and a seq on sequenced channels, no seq on unsequenced ones, and stops the stream', async () => {
      await subscribe({ channels: ['orderbook_delta', 'ticker'], market_tickers: [tickers[0]] }, 2);
      const replies = await client.command('unsubscribe', { sids: [1, 2] }, 2);
      expect(replies).to.deep.equal([
        { type: 'unsubscribed', id: replies[0]!.id, sid: 1, seq: 2 },
        { type: 'unsubscribed', id: replies[0]!.id, sid: 2 },
      ]);
      const before = client.raw.length;
      harness.sim.step(200);
      await client.sync();
      expect(client.raw.length).to.equal(before + 1);
    });

    it('error 4 without sids, 7 for an unknown sid, 1 for sids that are not integers', async () => {
      expect((await client.command('unsubscribe', {}))[0]!.msg).to.deep.equal(errorFrame(4));
      expect((await client.command('unsubscribe', { sids: [] }))[0]!.msg).to.deep.equal(errorFrame(4));
      expect((await client.command('unsubscribe', { sids: [9] }))[0]!.msg).to.deep.equal(errorFrame(7));
      expect((await client.command('unsubscribe', { sids: ['1'] }))[0]!.msg).to.deep.equal(errorFrame(1));
      expect((await client.command('unsubscribe'))[0]!.msg).to.deep.equal(errorFrame(2));
    });
  });

  describe('update_subscription', () => {
    beforeEach(async () => {
      await subscribe({ channels: ['orderbook_delta', 'trade'], market_tickers: [tickers[0], tickers[1]] }, 2);
    });

    it('add_markets: ok with the full list (seq consumed), then snapshots of the added markets', async () => {
      const [ok] = await client.command('update_subscription', { sids: [1], action: 'add_markets', market_tickers: [tickers[2], tickers[0]] });
      expect(ok).to.deep.include({ type: 'ok', sid: 1, seq: 3, msg: { market_tickers: [tickers[0], tickers[1], tickers[2]] } });
      await client.sync();
      const last = client.frames.filter((frame) => frame.type === 'orderbook_snapshot').at(-1)!;
      expect([last.seq, last.msg.market_ticker]).to.deep.equal([4, tickers[2]]);
    });

    it('delete_markets: ok with the remaining list, and deltas of that market stop', async () => {
      const [ok] = await client.command('update_subscription', { sid: 1, action: 'delete_markets', market_ticker: tickers[1] });
      expect(ok).to.deep.include({ type: 'ok', sid: 1, seq: 3, msg: { market_tickers: [tickers[0]] } });
      harness.sim.step(300);
      await client.sync();
      const after = client.frames.slice(client.frames.indexOf(client.frames.find((frame) => frame.id === ok!.id)!));
      expect(after.filter((frame) => frame.sid === 1 && frame.msg?.market_ticker === tickers[1])).to.deep.equal([]);
      expect(after.filter((frame) => frame.type === 'orderbook_delta').length).to.be.greaterThan(0);
    });

    it('get_snapshot: snapshots carrying the command id, in sequence, subscription unchanged', async () => {
      harness.sim.step(5);
      const snapshots = await client.command('update_subscription', { sids: [1], action: 'get_snapshot', market_tickers: [tickers[1], tickers[0]] }, 2);
      expect(snapshots.map((frame) => [frame.type, frame.sid, frame.msg.market_ticker])).to.deep.equal([
        ['orderbook_snapshot', 1, tickers[1]],
        ['orderbook_snapshot', 1, tickers[0]],
      ]);
      const bookSeqs = client.frames.filter((frame) => frame.sid === 1).map((frame) => frame.seq);
      expect(bookSeqs).to.deep.equal(bookSeqs.map((_, index) => index + 1));
      const [list] = await client.command('list_subscriptions');
      expect(list!.msg).to.deep.equal([
        { channel: 'orderbook_delta', sid: 1 },
        { channel: 'trade', sid: 2 },
      ]);
    });

    it('error 13 scoped to the sid (seq consumed) for get_snapshot on a trade sid or an unknown action', async () => {
      const [error] = await client.command('update_subscription', { sid: 2, action: 'get_snapshot', market_tickers: [tickers[0]] });
      expect(error).to.deep.include({ type: 'error', sid: 2, seq: 1, msg: errorFrame(13) });
      const [second] = await client.command('update_subscription', { sid: 1, action: 'resize' });
      expect(second).to.deep.include({ type: 'error', sid: 1, seq: 3, msg: errorFrame(13) });
    });

    it('error 12 unless exactly one of sid / one-element sids', async () => {
      for (const target of [{}, { sid: 1, sids: [1] }, { sids: [1, 2] }, { sids: [] }]) {
        const [error] = await client.command('update_subscription', { ...target, action: 'add_markets', market_tickers: [tickers[3]] });
        expect(error!.msg).to.deep.equal(errorFrame(12));
        expect(error).to.not.have.property('sid');
      }
    });

    it('error 15 without action, 7 for an unknown sid, 14 (scoped) without markets, 11 (scoped) for an unknown market', async () => {
      expect((await client.command('update_subscription', { sid: 1 }))[0]!.msg).to.deep.equal(errorFrame(15));
      expect((await client.command('update_subscription', { sid: 8, action: 'add_markets', market_tickers: [tickers[3]] }))[0]!.msg).to.deep.equal(
        errorFrame(7),
      );
      const [noMarkets] = await client.command('update_subscription', { sid: 1, action: 'add_markets' });
      expect(noMarkets).to.deep.include({ sid: 1, seq: 3, msg: errorFrame(14) });
      const [unknown] = await client.command('update_subscription', { sid: 1, action: 'add_markets', market_tickers: ['NOPE-1'] });
      expect(unknown).to.deep.include({ sid: 1, seq: 4, msg: errorFrame(11, { market_tickers: ['NOPE-1'] }) });
      const [outside] = await client.command('update_subscription', { sid: 1, action: 'get_snapshot', market_tickers: [tickers[4]] });
      expect(outside).to.deep.include({ sid: 1, seq: 5, msg: errorFrame(11, { market_tickers: [tickers[4]] }) });
      const [singleOnly] = await client.command('update_subscription', { sid: 1, action: 'get_snapshot', market_ticker: tickers[0] });
      expect(singleOnly).to.deep.include({ sid: 1, seq: 6, msg: errorFrame(14) });
    });
  });

  describe('private and lifecycle channels', () => {
    it('market_position and fill carry no seq; lifecycle frames do, for every market', async () => {
      await subscribe({ channels: ['market_positions', 'market_lifecycle_v2'] }, 2);
      harness.sim.setPosition(tickers[0]!, 500, 21_000);
      harness.sim.closeMarket(tickers[2]!);
      harness.sim.closeMarket(tickers[2]!, 'settled');
      harness.sim.closeMarket(tickers[3]!, 'deactivated');
      await client.sync();
      const position = client.frames.find((frame) => frame.type === 'market_position')!;
      expect(position).to.not.have.property('seq');
      expect(position.msg).to.deep.include({ market_ticker: tickers[0], position_fp: '5.00', position_cost_dollars: '2.1000' });
      const lifecycle = client.frames.filter((frame) => frame.type === 'market_lifecycle_v2');
      expect(lifecycle.map((frame) => [frame.sid, frame.seq, frame.msg.market_ticker, frame.msg.event_type])).to.deep.equal([
        [2, 1, tickers[2], 'determined'],
        [2, 2, tickers[2], 'settled'],
        [2, 3, tickers[3], 'deactivated'],
      ]);
      expect(lifecycle[0]!.msg)
        .to.have.property('settlement_value')
        .that.matches(/^[01]\.0000$/);
      expect(lifecycle[2]!.msg.is_deactivated).to.equal(true);
    });

    it('a closed market stops updating', async () => {
      await subscribe({ channels: ['orderbook_delta'], market_tickers: [...tickers] });
      harness.sim.closeMarket(tickers[0]!);
      const before = harness.sim.bookSnapshot(tickers[0]!);
      harness.sim.step(300);
      await client.sync();
      expect(harness.sim.bookSnapshot(tickers[0]!)).to.deep.equal(before);
      expect(client.frames.filter((frame) => frame.type === 'orderbook_delta' && frame.msg.market_ticker === tickers[0])).to.deep.equal([]);
    });
  });
});
