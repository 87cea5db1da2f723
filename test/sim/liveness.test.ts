import { expect } from 'chai';
import { SimHarness } from './sim-client.js';

describe('sim/liveness', () => {
  let harness: SimHarness;

  beforeEach(async () => {
    harness = await SimHarness.start({ pingIntervalMs: 10_000 });
  });

  afterEach(() => harness.close());

  it('pings every interval with payload "heartbeat" and keeps a client that answers', async () => {
    const client = await harness.connect();
    const payloads: string[] = [];
    client.socket.on('ping', (data) => payloads.push(String(data)));
    harness.clock.advance(9_999);
    await client.sync();
    expect(payloads).to.deep.equal([]);
    for (let round = 1; round <= 3; round += 1) {
      harness.clock.advance(round === 1 ? 1 : 10_000);
      await client.sync();
    }
    expect(payloads).to.deep.equal(['heartbeat', 'heartbeat', 'heartbeat']);
    expect(client.closed).to.equal(false);
  });

  it('drops a client that stops answering pings at the next interval', async () => {
    const silent = await harness.connect(undefined, { autoPong: false });
    const answering = await harness.connect();
    harness.clock.advance(10_000);
    await silent.waitUntil(() => silent.pings === 1);
    await answering.sync();
    harness.clock.advance(10_000);
    await silent.waitUntil(() => silent.closed);
    await answering.sync();
    expect(answering.closed).to.equal(false);
    expect(harness.sim.stats().connections).to.equal(1);
  });

  it('answers client pings with pongs', async () => {
    const client = await harness.connect();
    const pong = new Promise<string>((resolve) => client.socket.once('pong', (data) => resolve(String(data))));
    client.socket.ping('are-you-there');
    expect(await pong).to.equal('are-you-there');
  });
});
