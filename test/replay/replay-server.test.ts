import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { RecordingError, type SessionDescription } from '../../src/replay/recording-format.js';
import { loadRecording } from '../../src/replay/recording-reader.js';
import { RecordingWriter } from '../../src/replay/recording-writer.js';
import { startReplayServer, type ReplayServer, type ReplayServerOptions, type ReplaySessionReport } from '../../src/replay/replay-server.js';
import { authHeaders } from '../../src/protocol/auth.js';
import { keysOption, refusal, testKey, TestClient } from '../sim/sim-client.js';
import { tempDirectory, type TempDirectory } from './temp-directory.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/recordings/sim-current.jsonl.gz', import.meta.url));
const SUBSCRIBE = { id: 1, cmd: 'subscribe', params: { channels: ['orderbook_delta'], market_tickers: ['KXA-1'] } };
const SESSION: SessionDescription = {
  session: 'synthetic',
  started_ms: 1_787_000_000_000,
  ws_url: 'ws://127.0.0.1:9/trade-api/ws/v2',
  tickers: ['KXA-1'],
  wire_format: 'current',
};

async function frameTexts(path: string): Promise<string[]> {
  return (await loadRecording(path)).entries.flatMap((entry) => (entry.kind === 'frame' ? [entry.text] : []));
}

/** A recording of `count` frames of about `size` bytes, `spacingMs` apart. */
async function synthetic(path: string, count: number, spacingMs: number, size = 200): Promise<string[]> {
  const writer = new RecordingWriter({ path, session: SESSION });
  const texts: string[] = [];
  for (let index = 0; index < count; index++) {
    const text = `{"type":"orderbook_delta","sid":1,"seq":${index + 1},"msg":{"market_ticker":"KXA-1","pad":"${'x'.repeat(size)}","ts_ms":${SESSION.started_ms + index * spacingMs}}}`;
    texts.push(text);
    writer.record(text, SESSION.started_ms + index * spacingMs);
    if (index % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  await writer.close();
  return texts;
}

describe('replay/replay-server', () => {
  let dir: TempDirectory;
  const servers: ReplayServer[] = [];
  const clients: TestClient[] = [];
  const sessionEnds: ReplaySessionReport[] = [];
  let sessionEnded: () => void = () => undefined;

  async function serve(options: Partial<ReplayServerOptions> & { recording: string }): Promise<ReplayServer> {
    const server = await startReplayServer({
      keys: keysOption(testKey()),
      pingIntervalMs: 0,
      onSessionEnd: (report) => {
        sessionEnds.push(report);
        sessionEnded();
      },
      ...options,
    });
    servers.push(server);
    return server;
  }

  async function connect(server: ReplayServer): Promise<TestClient> {
    const client = await TestClient.connect(server.url, testKey(), Date.now());
    clients.push(client);
    return client;
  }

  function nextSessionEnd(): Promise<void> {
    return new Promise((resolve) => {
      sessionEnded = resolve;
    });
  }

  beforeEach(() => {
    dir = tempDirectory();
    sessionEnds.length = 0;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(servers.splice(0).map((server) => server.close()));
    dir.remove();
  });

  it('sends nothing before the first subscribe, then every recorded frame, in order, with its exact text', async () => {
    const expected = await frameTexts(FIXTURE);
    const server = await serve({ recording: FIXTURE, pace: { kind: 'as-fast-as-read' } });
    expect(server.header.session).to.equal('fixture-sim-current');
    const client = await connect(server);
    client.send({ id: 7, cmd: 'list_subscriptions' });
    await new Promise<void>((resolve) => client.socket.ping(undefined, undefined, () => client.socket.once('pong', () => resolve())));
    expect(server.stats().sessionsStarted).to.equal(0);
    expect(client.raw).to.deep.equal([]);

    const ended = nextSessionEnd();
    client.send(SUBSCRIBE);
    await client.waitUntil(() => client.raw.length >= expected.length);
    await ended;
    expect(client.raw).to.deep.equal(expected);
    expect(sessionEnds[0]).to.include({ framesSent: expected.length, completed: true, framesLostInRecording: 0 });
    expect(server.stats()).to.include({ sessionsStarted: 1, sessionsEnded: 1, framesSent: expected.length, connections: 1 });
    expect(client.closed).to.equal(false);
  });

  it('the legacy-cents recording is served the same way', async () => {
    const legacy = fileURLToPath(new URL('../fixtures/recordings/sim-legacy-cents.jsonl.gz', import.meta.url));
    const expected = await frameTexts(legacy);
    expect(expected.some((text) => /"yes":\[\[\d+,\d+\]/.test(text))).to.equal(true);
    const server = await serve({ recording: legacy, pace: { kind: 'as-fast-as-read' }, preload: true });
    expect(server.header.wire_format).to.equal('legacy_cents');
    const client = await connect(server);
    client.send(SUBSCRIBE);
    await client.waitUntil(() => client.raw.length >= expected.length);
    expect(client.raw).to.deep.equal(expected);
  });

  it('never buffers past the high-water mark: a client that stops reading stops the replay, and gets everything once it reads again', async function () {
    this.timeout(30_000);
    const path = dir.file('big.jsonl.gz');
    const expected = await synthetic(path, 60_000, 1, 400);
    const highWaterBytes = 64 * 1024;
    const server = await serve({ recording: path, pace: { kind: 'as-fast-as-read' }, highWaterBytes });
    const client = await connect(server);
    client.socket.pause();
    client.send(SUBSCRIBE);
    // wait until the sender has filled what the kernel takes and stalls
    let previous = -1;
    while (server.stats().framesSent !== previous || previous === 0) {
      previous = server.stats().framesSent;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const stalled = server.stats();
    expect(stalled.framesSent).to.be.greaterThan(0);
    expect(stalled.framesSent).to.be.lessThan(expected.length);
    expect(stalled.bufferedBytes).to.be.at.most(highWaterBytes + 1024);
    expect(stalled.sessionsEnded).to.equal(0);

    const ended = nextSessionEnd();
    client.socket.resume();
    await client.waitUntil(() => client.raw.length >= expected.length, 20_000);
    await ended;
    expect(client.raw.length).to.equal(expected.length);
    expect(client.raw.every((text, index) => text === expected[index])).to.equal(true);
    expect(sessionEnds[0]).to.include({ completed: true, framesSent: expected.length });
  });

  it('keeps the recorded pace, scaled by the speed factor', async () => {
    const path = dir.file('paced.jsonl.gz');
    const expected = await synthetic(path, 41, 15); // 600 ms recorded
    const server = await serve({ recording: path, pace: { kind: 'recorded', speed: 4 } });
    const client = await connect(server);
    const arrivals: number[] = [];
    client.socket.on('message', () => arrivals.push(performance.now()));
    client.send(SUBSCRIBE);
    await client.waitUntil(() => client.raw.length >= expected.length);
    const span = arrivals.at(-1)! - arrivals[0]!;
    expect(span).to.be.within(140, 450); // 600 ms / 4 = 150 ms
    const half = arrivals[20]! - arrivals[0]!;
    expect(half).to.be.within(65, 300); // halfway through the recording: 75 ms
    expect(client.raw).to.deep.equal(expected);
  });

  it('serves every connection its own full copy', async () => {
    const expected = await frameTexts(FIXTURE);
    const server = await serve({ recording: FIXTURE, pace: { kind: 'as-fast-as-read' }, preload: true });
    const [first, second] = await Promise.all([connect(server), connect(server)]);
    first.send(SUBSCRIBE);
    second.send(SUBSCRIBE);
    await first.waitUntil(() => first.raw.length >= expected.length);
    await second.waitUntil(() => second.raw.length >= expected.length);
    expect(first.raw).to.deep.equal(expected);
    expect(second.raw).to.deep.equal(expected);
  });

  it('reports a client that leaves before the end', async () => {
    const path = dir.file('slow.jsonl.gz');
    await synthetic(path, 100, 20); // 2 s recorded
    const server = await serve({ recording: path });
    const client = await connect(server);
    const ended = nextSessionEnd();
    client.send(SUBSCRIBE);
    await client.waitUntil(() => client.raw.length >= 3);
    await client.close();
    await ended;
    expect(sessionEnds[0]!.completed).to.equal(false);
    expect(sessionEnds[0]!.framesSent).to.be.lessThan(100);
  });

  it('uses the signed handshake of the simulator core: unknown keys are refused', async () => {
    const server = await serve({ recording: FIXTURE });
    const stranger = testKey(1);
    const refused = await refusal(server.url, authHeaders(stranger.keyId, stranger.privateKey, Date.now()));
    expect(refused).to.deep.equal({ status: 401, body: 'unknown key id' });
  });

  it('refuses to start on a file that is not a recording', async () => {
    try {
      await startReplayServer({ recording: fileURLToPath(import.meta.url) });
    } catch (error) {
      expect(error).to.be.instanceOf(RecordingError);
      return;
    }
    expect.fail('expected a RecordingError');
  });

  it('rejects a speed that is not a positive number', async () => {
    try {
      await startReplayServer({ recording: FIXTURE, pace: { kind: 'recorded', speed: 0 } });
    } catch (error) {
      expect(error).to.be.instanceOf(RangeError);
      return;
    }
    expect.fail('expected a RangeError');
  });

  it('rejects a warm-up that is not a whole number of frames at a pace', async () => {
    for (const warmup of [
      { frames: -3, pace: { kind: 'as-fast-as-read' as const } },
      { frames: 10, pace: { kind: 'recorded' as const, speed: Number.NaN } },
    ]) {
      try {
        await startReplayServer({ recording: FIXTURE, warmup });
      } catch (error) {
        expect(error).to.be.instanceOf(RangeError);
        continue;
      }
      expect.fail(`expected a RangeError for ${JSON.stringify(warmup)}`);
    }
  });
});
