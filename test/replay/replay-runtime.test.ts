import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuntimeClock } from '../../src/config/types.js';
import { startRuntime } from '../../src/engine/engine.js';
import type { IntentRecord } from '../../src/log/intent-record.js';
import { generateKeyPair } from '../../src/sim/index.js';
import type { RecordingEntry } from '../../src/replay/recording-format.js';
import { frameTimeMs } from '../../src/protocol/frame-time.js';
import { loadRecording } from '../../src/replay/recording-reader.js';
import { startReplayServer, type ReplaySessionReport } from '../../src/replay/replay-server.js';
import { readJsonLines, restingAfterReplay, tempLogs, testConfig, tickerList, until } from '../engine/engine-harness.js';

const CURRENT = fileURLToPath(new URL('../fixtures/recordings/sim-current.jsonl.gz', import.meta.url));
const LEGACY = fileURLToPath(new URL('../fixtures/recordings/sim-legacy-cents.jsonl.gz', import.meta.url));

interface ReplayRun {
  /** the intents file as written */
  readonly text: string;
  readonly intents: IntentRecord[];
  readonly framesInRecording: number;
  readonly framesReceived: number;
  /** the earliest and latest time the recorded frames carry */
  readonly exchangeTimes: { readonly first: number; readonly last: number };
  /** wall-clock time around the run */
  readonly wallTimes: { readonly first: number; readonly last: number };
}

function exchangeTimesOf(entries: readonly RecordingEntry[]): { first: number; last: number } {
  const times = entries.flatMap((entry) => {
    if (entry.kind !== 'frame') return [];
    const time = frameTimeMs((JSON.parse(entry.text) as { msg?: Record<string, unknown> }).msg);
    return time === undefined ? [] : [time];
  });
  return { first: Math.min(...times), last: Math.max(...times) };
}

/**
 * Serves the recording as fast as the engine reads, runs the unchanged runtime against it
 * (runtime.clock as given; unset = the default) until every frame is handled, stops it,
 * and returns its intents.
 */
async function replayThroughRuntime(recording: string, workers: number, clock?: RuntimeClock): Promise<ReplayRun> {
  const logs = tempLogs();
  const key = generateKeyPair();
  const keyPath = `${logs.dir}/key.pem`;
  writeFileSync(keyPath, key.privateKeyPem, { mode: 0o600 });
  const { header, entries } = await loadRecording(recording);
  let ended: ReplaySessionReport | undefined;
  const server = await startReplayServer({
    recording,
    keys: { [key.keyId]: key.publicKeyPem },
    pace: { kind: 'as-fast-as-read' },
    pingIntervalMs: 0,
    onSessionEnd: (report) => {
      ended = report;
    },
  });
  try {
    const config = testConfig(logs, header.tickers, { workers, wsUrl: server.url, keyId: key.keyId, keyPath });
    const wallStart = Date.now();
    const runtime = await startRuntime(clock === undefined ? config : { ...config, runtime: { ...config.runtime, clock } });
    let framesReceived = 0;
    try {
      await until(() => ended !== undefined, 15_000, 'the replay to finish');
      await until(() => runtime.gateway.statistics().framesReceived === entries.length, 5_000, 'every frame received');
      await until(
        async () => (await runtime.supervisor.status()).reduce((sum, actor) => sum + actor.framesProcessed, 0) === runtime.gateway.statistics().framesRouted,
        5_000,
        'every routed frame handled',
      );
      framesReceived = runtime.gateway.statistics().framesReceived;
    } finally {
      await runtime.stop();
    }
    const text = readFileSync(logs.intentsFile, 'utf8');
    return {
      text,
      intents: readJsonLines<IntentRecord>(logs.intentsFile),
      framesInRecording: entries.length,
      framesReceived,
      exchangeTimes: exchangeTimesOf(entries),
      wallTimes: { first: wallStart, last: Date.now() },
    };
  } finally {
    await server.close();
    logs.remove();
  }
}

function linesPerTicker(text: string): Map<string, string[]> {
  const byTicker = new Map<string, string[]>();
  for (const line of text.split('\n').filter((line) => line !== '')) {
    const ticker = (JSON.parse(line) as { ticker: string }).ticker;
    byTicker.set(ticker, [...(byTicker.get(ticker) ?? []), line]);
  }
  return byTicker;
}

function expectRealDecisions(run: ReplayRun): void {
  expect(run.framesReceived).to.equal(run.framesInRecording);
  const kinds = new Set(run.intents.map((intent) => intent.kind));
  expect(kinds).to.include.members(['quote', 'reprice', 'cancel']);
  expect(run.intents.length).to.be.greaterThan(50);
  expect(restingAfterReplay(run.intents)).to.deep.equal([]);
}

/** Every intent is stamped with a time the recording carries, and TTLs expired in it. */
function expectExchangeTime(run: ReplayRun): void {
  const times = run.intents.map((intent) => Date.parse(intent.ts));
  expect(Math.min(...times)).to.be.at.least(run.exchangeTimes.first);
  expect(Math.max(...times)).to.be.at.most(run.exchangeTimes.last);
  expect(run.intents.filter((intent) => intent.reason === 'ttl').length, 'TTL refreshes').to.be.greaterThan(0);
}

describe('replay/replay through the unchanged runtime', function () {
  this.timeout(60_000);

  it('runtime.clock exchange, one actor: the same recording twice gives the same intents file, byte for byte', async () => {
    const first = await replayThroughRuntime(CURRENT, 1, 'exchange');
    const second = await replayThroughRuntime(CURRENT, 1, 'exchange');
    expectRealDecisions(first);
    expectExchangeTime(first);
    expect(second.text).to.equal(first.text);
  });

  it('runtime.clock exchange, three actors: each ticker gets the same lines, byte for byte, in every replay', async () => {
    const first = await replayThroughRuntime(CURRENT, 3, 'exchange');
    const second = await replayThroughRuntime(CURRENT, 3, 'exchange');
    expectRealDecisions(first);
    expectExchangeTime(first);
    const tickers = linesPerTicker(first.text);
    expect(tickers.size).to.equal(4);
    expect(linesPerTicker(second.text)).to.deep.equal(tickers);
  });

  it('runtime.clock exchange: a legacy-cents recording replays to the same intents file twice, byte for byte', async () => {
    const first = await replayThroughRuntime(LEGACY, 1, 'exchange');
    const second = await replayThroughRuntime(LEGACY, 1, 'exchange');
    expectRealDecisions(first);
    expectExchangeTime(first);
    expect(second.text).to.equal(first.text);
  });

  it('without runtime.clock the actors decide on the wall clock, as before', async () => {
    const run = await replayThroughRuntime(CURRENT, 1);
    expectRealDecisions(run);
    const times = run.intents.map((intent) => Date.parse(intent.ts));
    expect(Math.min(...times)).to.be.at.least(run.wallTimes.first);
    expect(Math.max(...times)).to.be.at.most(run.wallTimes.last);
  });
});

describe('replay/mm start --record', function () {
  this.timeout(60_000);

  it('records every frame its gateway received, in order, and the recording replays through the runtime', async () => {
    const logs = tempLogs();
    const recordPath = join(logs.dir, 'recordings', 'session.jsonl.gz');
    const tickers = tickerList(4);
    try {
      const runtime = await startRuntime(testConfig(logs, tickers, { workers: 2 }), { recordPath });
      let report;
      try {
        await until(
          () => runtime.gateway.statistics().tickersLive === tickers.length && runtime.gateway.statistics().framesReceived >= 100,
          20_000,
          'live books and 100 frames',
        );
      } finally {
        report = await runtime.stop();
      }
      const { header, entries, truncated, parts } = await loadRecording(recordPath);
      expect(truncated).to.equal(false);
      expect(parts).to.equal(1);
      expect(header.ws_url).to.equal(runtime.endpoint.url);
      expect(header.tickers).to.deep.equal(tickers);
      expect(entries.every((entry) => entry.kind === 'frame')).to.equal(true);
      expect(entries).to.have.length(report.gateway.framesReceived);
      expect(report.recordings).to.have.length(1);
      expect(report.recordings[0]).to.include({ frames: entries.length, lostFrames: 0 });
      expect(report.recordings[0]!.paths).to.deep.equal([recordPath]);
      const types = entries.map((entry) => (entry.kind === 'frame' ? (JSON.parse(entry.text) as { type: string }).type : 'gap'));
      expect(types[0]).to.equal('subscribed');
      expect(types.filter((type) => type === 'orderbook_snapshot')).to.have.length(tickers.length);

      const replayed = await replayThroughRuntime(recordPath, 1);
      expect(replayed.framesReceived).to.equal(entries.length);
      expect(replayed.intents.filter((intent) => intent.kind === 'quote').length).to.be.greaterThan(0);
    } finally {
      logs.remove();
    }
  });

  it('a recording that cannot be written is logged and trading goes on', async () => {
    const logs = tempLogs();
    const recordPath = join(logs.dir, 'taken.jsonl.gz');
    writeFileSync(recordPath, 'not ours');
    const tickers = tickerList(2);
    try {
      const runtime = await startRuntime(testConfig(logs, tickers, { workers: 1 }), { recordPath });
      let report;
      try {
        await until(() => readJsonLines<{ kind: string }>(logs.eventsFile).some((event) => event.kind === 'recording_failed'), 10_000, 'the recording failure');
        await until(() => runtime.gateway.statistics().tickersLive === tickers.length, 10_000, 'live books');
      } finally {
        report = await runtime.stop();
      }
      const failure = readJsonLines<{ kind: string; level: string; message: string }>(logs.eventsFile).find((event) => event.kind === 'recording_failed');
      expect(failure?.level).to.equal('error');
      expect(failure?.message).to.contain('already exists');
      expect(report.recordings).to.deep.equal([]);
      expect(readJsonLines(logs.intentsFile).length).to.be.greaterThan(0);
      expect(existsSync(recordPath)).to.equal(true);
    } finally {
      logs.remove();
    }
  });
});
