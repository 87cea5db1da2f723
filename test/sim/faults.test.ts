import { expect } from 'chai';
import { MALFORMED_FRAME, parseFaultSpec } from '../../src/sim/index.js';
import { SimHarness, seqsBySid, type TestClient } from './sim-client.js';

describe('sim/faults', () => {
  let harness: SimHarness;
  let client: TestClient;

  async function open(options: Parameters<typeof SimHarness.start>[0] = {}): Promise<void> {
    harness = await SimHarness.start({ markets: 4, ...options });
    client = await harness.connect();
    await client.command('subscribe', { channels: ['orderbook_delta'], market_tickers: [...harness.sim.tickers] });
  }

  afterEach(() => harness.close());

  function gaps(): number {
    let count = 0;
    for (const seqs of seqsBySid(client.frames).values()) {
      for (let index = 1; index < seqs.length; index += 1) if (seqs[index] !== seqs[index - 1]! + 1) count += 1;
    }
    return count;
  }

  it('fires nothing unless asked', async () => {
    await open();
    harness.sim.step(300);
    for (let second = 0; second < 60; second += 10) {
      harness.clock.advance(10_000);
      await client.sync();
      // a second round trip: the pong to this ping reaches the simulator before the next ping
      await client.sync();
    }
    expect(gaps()).to.equal(0);
    expect(client.raw.length).to.equal(client.frames.length);
    expect(client.frames.some((frame) => frame.msg?.market_ticker?.startsWith('KXSIMNONE'))).to.equal(false);
    expect(client.closed).to.equal(false);
    expect(Object.values(harness.sim.stats().faultsFired)).to.deep.equal([0, 0, 0, 0, 0]);
  });

  it('trigger("skip_seq") skips exactly one seq number on the next sequenced frame', async () => {
    await open();
    harness.sim.faults.trigger('skip_seq');
    harness.sim.step(50);
    await client.sync();
    const seqs = seqsBySid(client.frames).get(1)!;
    expect(gaps()).to.equal(1);
    expect(seqs).to.include(4 + 2);
    expect(seqs).to.not.include(5);
    expect(harness.sim.faults.fired.skip_seq).to.equal(1);
  });

  it('trigger("malformed") sends one frame that is not JSON', async () => {
    await open();
    harness.sim.faults.trigger('malformed');
    await client.sync();
    const bad = client.raw.filter((text) => text === MALFORMED_FRAME);
    expect(bad).to.have.length(1);
    expect(client.raw.length - client.frames.length).to.equal(1);
  });

  it('trigger("unknown_market") sends an in-sequence delta for a market that does not exist', async () => {
    await open();
    harness.sim.faults.trigger('unknown_market');
    await client.sync();
    const odd = client.frames.filter((frame) => frame.type === 'orderbook_delta' && !harness.sim.tickers.includes(frame.msg.market_ticker));
    expect(odd).to.have.length(1);
    expect(odd[0]).to.deep.include({ sid: 1, seq: 5 });
    expect(gaps()).to.equal(0);
  });

  it('trigger("drop") drops the connection', async () => {
    await open();
    harness.sim.faults.trigger('drop');
    await client.waitUntil(() => client.closed);
    expect(harness.sim.stats().connections).to.equal(0);
  });

  it('trigger("stall") holds every frame back for the stall, then delivers them in order', async () => {
    await open();
    harness.sim.faults.trigger('stall', 3000);
    harness.sim.step(40);
    const during = client.raw.length;
    client.send({ id: 77, cmd: 'list_subscriptions' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.raw.length).to.equal(during);
    harness.clock.advance(2999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.raw.length).to.equal(during);
    harness.clock.advance(1);
    await client.waitUntil(() => client.frames.some((frame) => frame.id === 77));
    expect(client.raw.length).to.be.greaterThan(during + 1);
    expect(gaps()).to.equal(0);
  });

  it("a stall holds the pongs to the client's pings too (a frozen exchange answers nothing), and answers them after", async () => {
    await open();
    const pongs: string[] = [];
    const nextPong = (): Promise<void> => new Promise((resolve) => client.socket.once('pong', () => resolve()));
    client.socket.on('pong', (payload: Buffer) => pongs.push(payload.toString('utf8')));
    let answered = nextPong();
    client.socket.ping('before');
    await answered;
    harness.sim.faults.trigger('stall', 3000);
    answered = nextPong();
    client.socket.ping('during');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pongs).to.deep.equal(['before']);
    harness.clock.advance(3000);
    await answered;
    expect(pongs).to.deep.equal(['before', 'during']);
  });

  it('every=K fires after every K frames on a connection, and only then', async () => {
    await open({ faults: [{ kind: 'malformed', everyMessages: 10 }] });
    await client.sync();
    expect(client.raw.filter((text) => text === MALFORMED_FRAME)).to.have.length(Math.floor(client.frames.length / 10));
    harness.sim.step(100);
    await client.sync();
    const good = client.frames.length;
    expect(client.raw.filter((text) => text === MALFORMED_FRAME)).to.have.length(Math.floor(good / 10));
    expect(good).to.be.greaterThan(50);
  });

  it('at=MS fires on the simulator clock at those times, and add()/clear() switch faults at run time', async () => {
    await open({ faults: [{ kind: 'skip_seq', atMs: [5000, 9000] }] });
    harness.clock.advance(4999);
    harness.sim.step(20);
    await client.sync();
    expect(gaps()).to.equal(0);
    harness.clock.advance(1);
    harness.sim.step(20);
    await client.sync();
    expect(gaps()).to.equal(1);
    harness.sim.faults.clear();
    harness.clock.advance(10_000);
    harness.sim.step(20);
    await client.sync();
    expect(gaps()).to.equal(1);
    harness.sim.faults.add({ kind: 'drop', atMs: [0] });
    harness.clock.advance(0);
    await client.waitUntil(() => client.closed);
    expect(harness.sim.faults.fired).to.deep.include({ skip_seq: 1, drop: 1 });
  });

  it('parses the command-line form and refuses bad specs', () => {
    expect(parseFaultSpec('drop:every=500')).to.deep.equal({ kind: 'drop', everyMessages: 500 });
    expect(parseFaultSpec('stall:at=2000,8000:ms=3000')).to.deep.equal({ kind: 'stall', atMs: [2000, 8000], stallMs: 3000 });
    expect(() => parseFaultSpec('explode:every=1')).to.throw(RangeError, /unknown fault kind/);
    expect(() => parseFaultSpec('drop')).to.throw(RangeError, /every=K or at=/);
    expect(() => parseFaultSpec('drop:every=0')).to.throw(RangeError, /positive integer/);
    expect(() => parseFaultSpec('drop:at=-5')).to.throw(RangeError, /non-negative/);
    expect(() => parseFaultSpec('drop:often=1')).to.throw(RangeError, /unknown option/);
  });
});
