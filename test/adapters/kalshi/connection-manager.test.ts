import { expect } from 'chai';
import fc from 'fast-check';
import { EventEmitter } from 'node:events';
import sinon from 'sinon';
import { ConnectionManager, type ConnectionHandlers, type ExchangeSocket } from '../../../src/adapters/kalshi/connection-manager.js';
import { HandshakeRefused } from '../../../src/adapters/kalshi/handshake.js';

const SETTINGS = { startingDelayMs: 250, maxDelayMs: 4_000, healthyAfterMs: 30_000, livenessTimeoutMs: 30_000 };

class FakeSocket extends EventEmitter {
  readyState = 1;
  readonly sent: string[] = [];
  terminated = false;
  send(text: string): void {
    this.sent.push(text);
  }
  close(): void {
    this.readyState = 3;
    this.emit('close', 1000, Buffer.alloc(0));
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
}

function recordingHandlers(): ConnectionHandlers & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    opened: (generation) => log.push(`opened ${generation}`),
    frame: (text) => log.push(`frame ${text}`),
    closed: (generation, reason) => log.push(`closed ${generation}: ${reason}`),
    retrying: (error, attempt) => log.push(`retrying ${attempt}: ${error.message}`),
  };
}

/** A manager whose every connect is refused; `attempts` collects the (fake) time of each. */
function refusingManager(attempts: number[], message = 'connect ECONNREFUSED'): ConnectionManager {
  return new ConnectionManager(
    () => {
      attempts.push(Date.now());
      return Promise.reject(new Error(message));
    },
    recordingHandlers(),
    { now: () => Date.now() },
    SETTINGS,
  );
}

describe('ConnectionManager', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    sinon.stub(Math, 'random').returns(1); // full jitter at its upper bound: the schedule itself
  });

  afterEach(() => {
    sinon.restore();
    clock.restore();
  });

  it('retries failed connects with doubling delays up to the cap', async () => {
    const attempts: number[] = [];
    const manager = refusingManager(attempts);
    const running = manager.run();
    await clock.tickAsync(20_000);
    manager.stop();
    await clock.tickAsync(SETTINGS.maxDelayMs);
    await running;
    // delays 250, 500, 1000, 2000, 4000, 4000, ...
    expect(attempts.slice(0, 8)).to.deep.equal([0, 250, 750, 1750, 3750, 7750, 11750, 15750]);
    const countAtStop = attempts.length;
    await clock.tickAsync(60_000);
    expect(attempts.length).to.equal(countAtStop);
  });

  it('draws each delay with full jitter between zero and the schedule', async () => {
    (Math.random as sinon.SinonStub).returns(0.5);
    const attempts: number[] = [];
    const manager = refusingManager(attempts, 'refused');
    const running = manager.run();
    await clock.tickAsync(2_000);
    manager.stop();
    await clock.tickAsync(SETTINGS.maxDelayMs);
    await running;
    expect(attempts.slice(0, 4)).to.deep.equal([0, 125, 375, 875]);
  });

  it('draws every delay uniformly within [0, min(cap, start x 2^k)] (full jitter)', async () => {
    const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
    await fc.assert(
      fc.asyncProperty(fc.array(fraction, { minLength: 8, maxLength: 8 }), async (draws) => {
        let drawn = 0;
        (Math.random as sinon.SinonStub).callsFake(() => draws[drawn++ % draws.length]!);
        const attempts: number[] = [];
        const manager: ConnectionManager = new ConnectionManager(
          () => {
            attempts.push(Date.now());
            if (attempts.length === 9) manager.stop();
            return Promise.reject(new Error('connect ECONNREFUSED'));
          },
          recordingHandlers(),
          { now: () => Date.now() },
          SETTINGS,
        );
        const running = manager.run();
        await clock.tickAsync(20_000); // 8 delays of at most 250 + 500 + 1000 + 2000 + 4 x 4000
        await running;
        const delays = attempts.slice(1, 9).map((at, index) => at - attempts[index]!);
        expect(delays).to.have.length(8);
        delays.forEach((delay, index) => {
          const ceiling = Math.min(SETTINGS.maxDelayMs, SETTINGS.startingDelayMs * 2 ** index);
          expect(delay).to.be.within(0, ceiling);
          // the draw, rounded to whole ms (a timer waits at least 1 ms)
          expect(Math.abs(delay - draws[index]! * ceiling)).to.be.at.most(1);
        });
      }),
      { numRuns: 25 },
    );
  });

  it('a stop while a connect is pending: the socket that opens afterwards is closed at once and never reported', async () => {
    const socket = new FakeSocket();
    const handlers = recordingHandlers();
    let finishOpening: (socket: ExchangeSocket) => void = () => undefined;
    const manager = new ConnectionManager(
      () => new Promise<ExchangeSocket>((resolve) => (finishOpening = resolve)),
      handlers,
      { now: () => Date.now() },
      SETTINGS,
    );
    const running = manager.run();
    await clock.tickAsync(0);
    manager.stop();
    finishOpening(socket as unknown as ExchangeSocket);
    await running;
    expect(socket.readyState).to.equal(3);
    expect(handlers.log).to.deep.equal([]);
    expect(manager.connected).to.equal(false);
  });

  it('a stop during a retry delay: no attempt afterwards, and run() ends when the delay runs out', async () => {
    const attempts: number[] = [];
    const manager = refusingManager(attempts);
    let ended = false;
    const running = manager.run().then(() => {
      ended = true;
    });
    await clock.tickAsync(300); // attempts at 0 and 250; the next one waits until 750
    manager.stop();
    await clock.tickAsync(SETTINGS.maxDelayMs);
    await running;
    expect(ended).to.equal(true);
    expect(attempts).to.deep.equal([0, 250]);
  });

  it('stops at once on a fatal refusal (bad key): one attempt, the error comes out of run()', async () => {
    let attempts = 0;
    const handlers = recordingHandlers();
    const manager = new ConnectionManager(
      () => {
        attempts++;
        return Promise.reject(new HandshakeRefused(401, 'bad signature', 'bad_credentials', 'key-9'));
      },
      handlers,
      { now: () => Date.now() },
      SETTINGS,
    );
    const outcome = manager.run().then(
      () => 'resolved',
      (error: Error) => error,
    );
    await clock.tickAsync(60_000);
    const error = await outcome;
    expect(error).to.be.instanceOf(HandshakeRefused);
    expect((error as HandshakeRefused).message).to.contain('key-9');
    expect(attempts).to.equal(1);
    expect(handlers.log).to.deep.equal([]);
  });

  it('retries a stale-timestamp refusal with a new attempt (fresh signature)', async () => {
    let attempts = 0;
    const socket = new FakeSocket();
    const handlers = recordingHandlers();
    const manager = new ConnectionManager(
      () => {
        attempts++;
        if (attempts <= 2) return Promise.reject(new HandshakeRefused(401, 'timestamp too far from now', 'stale_timestamp', 'k'));
        return Promise.resolve(socket as unknown as ExchangeSocket);
      },
      handlers,
      { now: () => Date.now() },
      SETTINGS,
    );
    const running = manager.run();
    await clock.tickAsync(1_000);
    expect(attempts).to.equal(3);
    expect(handlers.log[0]).to.match(/^retrying 1: .*timestamp/);
    expect(handlers.log).to.include('opened 1');
    manager.stop();
    await running;
    expect(handlers.log.at(-1)).to.equal('closed 1: stopped');
  });

  it('resets the schedule after a healthy session and reconnects at once', async () => {
    const attempts: number[] = [];
    let socket: FakeSocket | undefined;
    let plan = ['fail', 'fail', 'fail', 'open', 'fail', 'fail'];
    const manager = new ConnectionManager(
      () => {
        attempts.push(Date.now());
        const step = plan.shift() ?? 'fail';
        if (step === 'fail') return Promise.reject(new Error('refused'));
        socket = new FakeSocket();
        return Promise.resolve(socket as unknown as ExchangeSocket);
      },
      recordingHandlers(),
      { now: () => Date.now() },
      { ...SETTINGS, livenessTimeoutMs: 120_000 },
    );
    const running = manager.run();
    await clock.tickAsync(1_750); // attempts at 0, 250, 750, open at 1750
    expect(attempts).to.deep.equal([0, 250, 750, 1750]);
    await clock.tickAsync(40_000); // healthy for 40 s
    socket!.emit('close', 1006, Buffer.alloc(0));
    await clock.tickAsync(1_000);
    // reconnects immediately at 41750, then the schedule starts over at 250
    expect(attempts.slice(4)).to.deep.equal([41_750, 42_000, 42_500]);
    plan = [];
    manager.stop();
    await clock.tickAsync(SETTINGS.maxDelayMs);
    await running;
  });

  it('keeps backing off when sessions die young (no reconnect storm)', async () => {
    const attempts: number[] = [];
    const manager = new ConnectionManager(
      () => {
        attempts.push(Date.now());
        const socket = new FakeSocket();
        setTimeout(() => socket.emit('close', 1006, Buffer.alloc(0)), 10);
        return Promise.resolve(socket as unknown as ExchangeSocket);
      },
      recordingHandlers(),
      { now: () => Date.now() },
      SETTINGS,
    );
    const running = manager.run();
    await clock.tickAsync(10_000);
    manager.stop();
    await clock.tickAsync(SETTINGS.maxDelayMs + 100);
    await running;
    expect(attempts.slice(0, 5)).to.deep.equal([0, 260, 770, 1780, 3790]);
  });

  it('drops a connection that sends nothing, not even pings, for the liveness timeout', async () => {
    const socket = new FakeSocket();
    const handlers = recordingHandlers();
    let attempts = 0;
    const manager = new ConnectionManager(
      () => {
        attempts++;
        return attempts === 1 ? Promise.resolve(socket as unknown as ExchangeSocket) : Promise.reject(new Error('refused'));
      },
      handlers,
      { now: () => Date.now() },
      { ...SETTINGS, livenessTimeoutMs: 30_000 },
    );
    const running = manager.run();
    await clock.tickAsync(20_000);
    socket.emit('ping');
    await clock.tickAsync(20_000); // 20 s since the ping: alive
    expect(socket.terminated).to.equal(false);
    socket.emit('message', Buffer.from('{"type":"ticker"}'), false);
    await clock.tickAsync(36_000);
    expect(socket.terminated).to.equal(true);
    expect(handlers.log).to.include('frame {"type":"ticker"}');
    expect(handlers.log.find((line) => line.startsWith('closed 1'))).to.contain('liveness');
    manager.stop();
    await clock.tickAsync(SETTINGS.maxDelayMs);
    await running;
  });

  it('sends commands only while a session is open', async () => {
    const socket = new FakeSocket();
    const manager = new ConnectionManager(() => Promise.resolve(socket as unknown as ExchangeSocket), recordingHandlers(), { now: () => Date.now() }, SETTINGS);
    expect(manager.send({ id: 1, cmd: 'list_subscriptions' })).to.equal(false);
    const running = manager.run();
    await clock.tickAsync(0);
    expect(manager.send({ id: 2, cmd: 'list_subscriptions' })).to.equal(true);
    expect(socket.sent).to.deep.equal(['{"id":2,"cmd":"list_subscriptions"}']);
    manager.stop();
    await running;
    expect(manager.send({ id: 3, cmd: 'list_subscriptions' })).to.equal(false);
  });
});
