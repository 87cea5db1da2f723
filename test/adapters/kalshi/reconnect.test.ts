import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wallClock, type TimeSource } from '../../../src/clock/clock.js';
import { ConnectionManager, type ConnectionHandlers, type ConnectionSettings } from '../../../src/adapters/kalshi/connection-manager.js';
import { HandshakeRefused, signedOpener } from '../../../src/adapters/kalshi/handshake.js';
import { parseRsaPrivateKey } from '../../../src/protocol/auth.js';
import { WS_PATH } from '../../../src/protocol/wire.js';
import { generateKeyPair, startSimulator, type Simulator } from '../../../src/sim/index.js';

/** Short delays: these tests wait for events, never for a fixed time. */
const FAST: ConnectionSettings = { startingDelayMs: 5, maxDelayMs: 20, healthyAfterMs: 30_000, livenessTimeoutMs: 30_000 };

function observed() {
  const log: string[] = [];
  const failures: Error[] = [];
  const changes = new EventEmitter();
  const note = (line: string): void => {
    log.push(line);
    changes.emit('change');
  };
  const handlers: ConnectionHandlers = {
    opened: (generation) => note(`opened ${generation}`),
    frame: () => undefined,
    closed: (generation, reason) => note(`closed ${generation}: ${reason}`),
    retrying: (error, attempt) => {
      failures.push(error);
      note(`retrying ${attempt}`);
    },
  };
  const until = (condition: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!condition()) return;
        changes.off('change', check);
        resolve();
      };
      changes.on('change', check);
      check();
    });
  return { handlers, log, failures, until };
}

/** A clock that records every timestamp it hands out for signing. */
function signingClock(stamp: (call: number) => number): TimeSource & { stamps: number[] } {
  const stamps: number[] = [];
  return {
    stamps,
    now: () => {
      const value = stamp(stamps.length);
      stamps.push(value);
      return value;
    },
  };
}

describe('connection manager against the simulator over loopback', function () {
  this.timeout(20_000);
  const key = generateKeyPair();
  const privateKey = parseRsaPrivateKey(key.privateKeyPem);
  let simulator: Simulator;

  beforeEach(async () => {
    simulator = await startSimulator({ tickers: ['KXTEST-26DEC31-T1'], autoRun: false, keys: { [key.keyId]: key.publicKeyPem }, pingIntervalMs: 50 });
  });

  afterEach(async () => {
    await simulator.close();
  });

  for (const refusal of [
    { name: 'an unknown key id', keyId: 'nobody', signWith: privateKey, body: 'unknown key id' },
    { name: 'a signature made with another key', keyId: key.keyId, signWith: parseRsaPrivateKey(generateKeyPair().privateKeyPem), body: 'bad signature' },
  ]) {
    it(`a 401 for ${refusal.name} is fatal at once: one attempt, a message naming the key id and what to check`, async () => {
      const watch = observed();
      let attempts = 0;
      const open = signedOpener(simulator.url, refusal.keyId, refusal.signWith, wallClock);
      const manager = new ConnectionManager(
        () => {
          attempts++;
          return open();
        },
        watch.handlers,
        wallClock,
        FAST,
      );
      const failure = await manager.run().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).to.be.instanceOf(HandshakeRefused);
      const refused = failure as HandshakeRefused;
      expect(refused).to.include({ fatal: true, status: 401, refusal: 'bad_credentials' });
      expect(refused.message).to.contain(JSON.stringify(refusal.keyId)).and.to.contain(refusal.body).and.to.contain('credentials.key_id');
      // run() has ended: no attempt can follow
      expect(attempts).to.equal(1);
      expect(watch.log).to.deep.equal([]);
      expect(simulator.stats().connections).to.equal(0);
    });
  }

  it('a 401 for a stale timestamp is retried, signed again with a fresh timestamp', async () => {
    const watch = observed();
    const clock = signingClock((call) => (call === 0 ? Date.now() - 120_000 : Date.now())); // the first one is two minutes behind
    const manager = new ConnectionManager(signedOpener(simulator.url, key.keyId, privateKey, clock), watch.handlers, wallClock, FAST);
    const running = manager.run();
    await watch.until(() => watch.log.includes('opened 1'));
    expect(watch.log[0]).to.equal('retrying 1');
    const refused = watch.failures[0] as HandshakeRefused;
    expect(refused).to.be.instanceOf(HandshakeRefused);
    expect(refused).to.include({ fatal: false, refusal: 'stale_timestamp' });
    expect(refused.message).to.contain('timestamp');
    expect(clock.stamps).to.have.length(2);
    expect(clock.stamps[1]! - clock.stamps[0]!).to.be.above(100_000);
    expect(manager.connected).to.equal(true);
    manager.stop();
    await running;
  });

  it('a refused connect (nothing listens) is retried with backoff until stopped', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const watch = observed();
    const manager = new ConnectionManager(signedOpener(`ws://127.0.0.1:${port}${WS_PATH}`, key.keyId, privateKey, wallClock), watch.handlers, wallClock, FAST);
    const running = manager.run();
    await watch.until(() => watch.failures.length >= 3);
    manager.stop();
    await running;
    expect(watch.log.slice(0, 3)).to.deep.equal(['retrying 1', 'retrying 2', 'retrying 3']);
    for (const failure of watch.failures) {
      expect(failure).not.to.be.instanceOf(HandshakeRefused);
      expect(failure.message).to.match(/ECONNREFUSED/);
    }
  });

  it('a dropped connection is reported closed and reconnected with a fresh signature', async () => {
    const watch = observed();
    const clock = signingClock(() => Date.now());
    const manager = new ConnectionManager(signedOpener(simulator.url, key.keyId, privateKey, clock), watch.handlers, wallClock, FAST);
    const running = manager.run();
    await watch.until(() => watch.log.includes('opened 1'));
    simulator.faults.trigger('drop');
    await watch.until(() => watch.log.includes('opened 2'));
    manager.stop();
    await running;
    expect(watch.log.slice(0, 3)).to.deep.equal(['opened 1', watch.log[1], 'retrying 1']);
    expect(watch.log[1]).to.match(/^closed 1: (closed by the server|socket error)/);
    expect(clock.stamps).to.have.length(2);
  });

  it('missed pings end the session at the liveness timeout, and it reconnects', async () => {
    const watch = observed();
    const manager = new ConnectionManager(signedOpener(simulator.url, key.keyId, privateKey, wallClock), watch.handlers, wallClock, {
      ...FAST,
      livenessTimeoutMs: 300,
    });
    const running = manager.run();
    await watch.until(() => watch.log.includes('opened 1'));
    simulator.faults.trigger('stall', 2_000); // frames and pings held back
    await watch.until(() => watch.log.includes('opened 2'));
    manager.stop();
    await running;
    expect(watch.log[1]).to.equal('closed 1: no frame or ping within the liveness timeout');
  });
});
