import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import sinon from 'sinon';
import { startControlServer } from '../../src/control/control-server.js';
import type { ControlServer } from '../../src/control/control-server.js';
import type { EngineState } from '../../src/control/engine-state.js';
import { EventStream } from '../../src/control/event-stream.js';
import { FakeStateSource, RecordingActions, RecordingLog, stateAt } from './fake-engine.js';

/** A response stand-in: records chunks; `full` makes write() report a full buffer. */
class FakeTarget {
  readonly chunks: string[] = [];
  full = false;
  #drain: (() => void) | undefined;
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return !this.full;
  }
  once(_event: 'drain', listener: () => void): this {
    this.#drain = listener;
    return this;
  }
  drain(): void {
    this.full = false;
    const listener = this.#drain;
    this.#drain = undefined;
    listener?.();
  }
  states(): EngineState[] {
    return this.chunks.flatMap((chunk) => [...chunk.matchAll(/^event: state\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as EngineState));
  }
}

describe('EventStream (server-sent events)', () => {
  let clock: sinon.SinonFakeTimers;
  let step: number;
  let current: EngineState;
  const latest = (): EngineState => current;
  const move = (): void => {
    step++;
    current = stateAt(step, 2);
  };

  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    step = 0;
    current = stateAt(0, 2);
  });
  afterEach(() => clock.restore());

  it('sends the current state at once, then a new state at most once per interval', () => {
    const stream = new EventStream({ intervalMs: 500, latest });
    const target = new FakeTarget();
    stream.add(target);
    expect(target.chunks[0]).to.match(/^retry: 2000\n\nevent: state\ndata: \{/);
    expect(target.states().map((s) => s.ts)).to.deep.equal([stateAt(0, 2).ts]);
    move();
    clock.tick(499);
    expect(target.states()).to.have.length(1);
    clock.tick(1);
    expect(target.states().map((s) => s.ts)).to.deep.equal([stateAt(0, 2).ts, stateAt(1, 2).ts]);
    // three new samples within one interval: only the newest goes out
    move();
    move();
    move();
    clock.tick(500);
    expect(
      target
        .states()
        .map((s) => s.ts)
        .slice(2),
    ).to.deep.equal([stateAt(4, 2).ts]);
    stream.close();
  });

  it('sends nothing for an unchanged sample, but a keep-alive comment after a quiet while', () => {
    const stream = new EventStream({ intervalMs: 500, latest, keepAliveMs: 2_000 });
    const target = new FakeTarget();
    stream.add(target);
    clock.tick(1_500);
    expect(target.chunks).to.have.length(1);
    clock.tick(500);
    expect(target.chunks).to.have.length(2);
    expect(target.chunks[1]).to.equal(': keep-alive\n\n');
    stream.close();
  });

  it('skips a client whose buffer is full and sends it the newest state once it drains', () => {
    const stream = new EventStream({ intervalMs: 500, latest });
    const slow = new FakeTarget();
    const fast = new FakeTarget();
    slow.full = true;
    stream.add(slow);
    stream.add(fast);
    for (let i = 0; i < 4; i++) {
      move();
      clock.tick(500);
    }
    expect(fast.states()).to.have.length(5);
    expect(slow.states()).to.have.length(1); // the first write filled its buffer
    slow.drain();
    expect(slow.states().map((s) => s.ts)).to.deep.equal([stateAt(0, 2).ts, stateAt(4, 2).ts]);
    stream.close();
  });

  it('sends a state once even when every write fills the buffer (a state larger than the socket buffer)', () => {
    const stream = new EventStream({ intervalMs: 500, latest });
    const target = new FakeTarget();
    target.full = true;
    stream.add(target);
    target.drain(); // nothing newer: nothing is written again
    target.full = true;
    target.drain();
    expect(target.states()).to.have.length(1);
    target.full = true;
    move();
    clock.tick(500);
    clock.tick(500);
    target.full = true;
    target.drain();
    expect(target.states().map((s) => s.ts)).to.deep.equal([stateAt(0, 2).ts, stateAt(1, 2).ts]);
    stream.close();
  });

  it('runs its timer only while a client is connected', () => {
    const stream = new EventStream({ intervalMs: 500, latest });
    expect(clock.countTimers()).to.equal(0);
    const stopA = stream.add(new FakeTarget());
    const stopB = stream.add(new FakeTarget());
    expect(clock.countTimers()).to.equal(1);
    stopA();
    expect(clock.countTimers()).to.equal(1);
    stopB();
    expect(clock.countTimers()).to.equal(0);
    expect(stream.size).to.equal(0);
  });

  it('reports a failing sampler once and goes on streaming when it recovers', () => {
    const errors: string[] = [];
    let broken = false;
    const stream = new EventStream({
      intervalMs: 500,
      latest: () => {
        if (broken) throw new Error('no sample');
        return current;
      },
      onError: (e) => errors.push(e.message),
    });
    const target = new FakeTarget();
    stream.add(target);
    broken = true;
    clock.tick(2_000);
    expect(errors).to.deep.equal(['no sample']);
    broken = false;
    move();
    clock.tick(500);
    expect(target.states().map((s) => s.ts)).to.deep.equal([stateAt(0, 2).ts, stateAt(1, 2).ts]);
    stream.close();
  });

  it('refuses a non-positive interval', () => {
    expect(() => new EventStream({ intervalMs: 0, latest })).to.throw(RangeError);
  });
});

/** Interval timers fired by hand. */
class ManualTimers {
  readonly #callbacks = new Map<number, () => void>();
  #next = 1;
  get active(): number {
    return this.#callbacks.size;
  }
  setInterval(callback: () => void): number {
    const handle = this.#next++;
    this.#callbacks.set(handle, callback);
    return handle;
  }
  clearInterval(handle: unknown): void {
    this.#callbacks.delete(handle as number);
  }
  fire(): void {
    for (const callback of [...this.#callbacks.values()]) callback();
  }
}

describe('GET /events over HTTP', () => {
  let server: ControlServer;
  let source: FakeStateSource;

  beforeEach(async () => {
    source = new FakeStateSource({ markets: 3, moving: true });
    server = await startControlServer({
      port: 0,
      token: 'events-test-token-123456',
      source,
      actions: new RecordingActions(),
      log: new RecordingLog().log,
      eventsPerSecond: 20,
    });
  });
  afterEach(() => server.close());

  /** Reads SSE frames until `count` states arrived. */
  function readStates(count: number): Promise<{ response: IncomingMessage; states: EngineState[] }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${server.url}events`, (response) => {
        let buffer = '';
        const states: EngineState[] = [];
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = /^event: state\ndata: (.*)$/m.exec(frame);
            if (data !== null) states.push(JSON.parse(data[1]!) as EngineState);
          }
          if (states.length >= count) {
            req.destroy();
            resolve({ response, states });
          }
        });
        response.on('error', reject);
      });
      req.on('error', (error) => {
        if (!req.destroyed) reject(error);
      });
      req.end();
    });
  }

  it('streams the state as it changes', async () => {
    const { response, states } = await readStates(4);
    expect(response.statusCode).to.equal(200);
    expect(response.headers['content-type']).to.equal('text/event-stream; charset=utf-8');
    expect(response.headers['cache-control']).to.equal('no-store');
    const steps = states.map((s) => (Date.parse(s.ts) - Date.parse(stateAt(0, 3).ts)) / 500);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!, `update ${i}`).to.be.above(steps[i - 1]!);
    for (const [i, state] of states.entries()) expect(state, `update ${i}`).to.deep.equal(stateAt(steps[i]!, 3));
  });

  it('stops its timer once the last page has gone', async () => {
    await server.close();
    const timers = new ManualTimers();
    server = await startControlServer({
      port: 0,
      token: 'events-test-token-123456',
      source,
      actions: new RecordingActions(),
      log: new RecordingLog().log,
      timers,
    });
    const pages = await Promise.all([0, 1].map(() => new Promise<IncomingMessage>((resolve) => httpRequest(`${server.url}events`, resolve).end())));
    expect(timers.active).to.equal(1);
    const callsBefore = source.calls;
    timers.fire();
    expect(source.calls).to.equal(callsBefore + 1);
    pages[0]!.destroy();
    pages[1]!.destroy();
    // the server sees each socket close on a later turn of its event loop
    while (timers.active > 0) await new Promise((resolve) => setImmediate(resolve));
    expect(timers.active).to.equal(0);
  });

  it('refuses more pages than allowed with 503', async () => {
    await server.close();
    server = await startControlServer({
      port: 0,
      token: 'events-test-token-123456',
      source,
      actions: new RecordingActions(),
      log: new RecordingLog().log,
      maxEventClients: 1,
    });
    const first = await new Promise<IncomingMessage>((resolve) => httpRequest(`${server.url}events`, resolve).end());
    const second = await new Promise<IncomingMessage>((resolve) => httpRequest(`${server.url}events`, resolve).end());
    expect(first.statusCode).to.equal(200);
    expect(second.statusCode).to.equal(503);
    second.resume();
    first.destroy();
  });
});
