import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HandshakeRefused } from '../../src/adapters/kalshi/handshake.js';
import { startRuntime } from '../../src/engine/engine.js';
import { generateKeyPair, startSimulator, type Simulator } from '../../src/sim/index.js';
import { readJsonLines, tempLogs, testConfig, tickerList, until, type TempLogs } from '../engine/engine-harness.js';

describe('signed handshake against the simulator', function () {
  this.timeout(20_000);
  const tickers = tickerList(4);
  let logs: TempLogs;
  let simulator: Simulator;
  const registered = generateKeyPair();

  beforeEach(async () => {
    logs = tempLogs();
    simulator = await startSimulator({ tickers, seed: 5, keys: { [registered.keyId]: registered.publicKeyPem } });
  });

  afterEach(async () => {
    await simulator.close();
    logs.remove();
  });

  it('connects with a configured key whose signature the simulator verifies with the public key', async () => {
    const keyPath = join(logs.dir, 'key.pem');
    writeFileSync(keyPath, registered.privateKeyPem, { mode: 0o600 });
    const runtime = await startRuntime(testConfig(logs, tickers, { workers: 1, wsUrl: simulator.url, keyId: registered.keyId, keyPath }));
    try {
      await until(() => runtime.gateway.statistics().tickersLive === tickers.length, 10_000, 'every book live');
    } finally {
      await runtime.stop();
    }
  });

  it('refuses a wrong key with a clear fatal error naming the key id, and does not retry', async () => {
    const keyPath = join(logs.dir, 'wrong-key.pem');
    writeFileSync(keyPath, generateKeyPair().privateKeyPem, { mode: 0o600 });
    const runtime = await startRuntime(testConfig(logs, tickers, { workers: 1, wsUrl: simulator.url, keyId: registered.keyId, keyPath }));
    let failure: unknown;
    try {
      failure = await runtime.connectionEnded.then(
        () => undefined,
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // would-be retries have time to show
    } finally {
      await runtime.stop();
    }
    expect(failure).to.be.instanceOf(HandshakeRefused);
    expect((failure as HandshakeRefused).fatal).to.equal(true);
    expect((failure as Error).message)
      .to.contain(registered.keyId)
      .and.to.contain('bad signature');
    const events = readJsonLines<{ kind: string }>(logs.eventsFile);
    expect(events.filter((event) => event.kind === 'reconnect')).to.deep.equal([]);
    expect(events.filter((event) => event.kind === 'connection_failed')).to.have.length(1);
    expect(simulator.stats().connections).to.equal(0);
  });
});
