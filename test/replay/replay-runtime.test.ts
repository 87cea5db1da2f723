import { expect } from 'chai';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRuntime } from '../../src/gateway/runtime.js';
import type { IntentRecord } from '../../src/log/intent-record.js';
import { generateKeyPair } from '../../src/sim/index.js';
import { loadRecording } from '../../src/replay/recording-reader.js';
import { startReplayServer, type ReplaySessionReport } from '../../src/replay/replay-server.js';
import { readJsonLines, restingAfterReplay, tempLogs, testConfig, tickerList, until } from '../integration/runtime-harness.js';

const CURRENT = fileURLToPath(new URL('../fixtures/recordings/sim-current.jsonl.gz', import.meta.url));
const LEGACY = fileURLToPath(new URL('../fixtures/recordings/sim-legacy-cents.jsonl.gz', import.meta.url));

interface ReplayRun {
  readonly intents: IntentRecord[];
  readonly framesInRecording: number;
  readonly framesReceived: number;
}

/** Serves the recording as fast as the engine reads, runs the unchanged runtime against it until every frame is handled, stops it, and returns its intents. */
async function replayThroughRuntime(recording: string, workers: number): Promise<ReplayRun> {
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
    const runtime = await startRuntime(testConfig(logs, header.tickers, { workers, wsUrl: server.url, keyId: key.keyId, keyPath }));
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
    return { intents: readJsonLines<IntentRecord>(logs.intentsFile), framesInRecording: entries.length, framesReceived };
  } finally {
    await server.close();
    logs.remove();
  }
}

/**
 * The intent lines without their decision time. The runtime still stamps intents with the
 * wall clock (the exchange clock is not wired into the shard actors yet), so only `ts`
 * differs between runs; every decision, its order and its content must not.
 */
function decisions(intents: readonly IntentRecord[]): string[] {
  return intents.map(({ ts: _time, ...decision }) => JSON.stringify(decision));
}

function perTicker(lines: readonly string[]): Map<string, string[]> {
  const byTicker = new Map<string, string[]>();
  for (const line of lines) {
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

describe('replay/replay through the unchanged runtime', function () {
  this.timeout(60_000);

  it('the same recording twice, one actor: the same intents file, line for line', async () => {
    const first = await replayThroughRuntime(CURRENT, 1);
    const second = await replayThroughRuntime(CURRENT, 1);
    expectRealDecisions(first);
    expect(decisions(second.intents)).to.deep.equal(decisions(first.intents));
  });

  it('three actors: each ticker gets the same intents in the same order as with one', async () => {
    const single = perTicker(decisions((await replayThroughRuntime(CURRENT, 1)).intents));
    const sharded = await replayThroughRuntime(CURRENT, 3);
    expectRealDecisions(sharded);
    expect(perTicker(decisions(sharded.intents))).to.deep.equal(single);
  });

  it('a legacy-cents recording replays to the same intents twice', async () => {
    const first = await replayThroughRuntime(LEGACY, 1);
    const second = await replayThroughRuntime(LEGACY, 1);
    expectRealDecisions(first);
    expect(decisions(second.intents)).to.deep.equal(decisions(first.intents));
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
        await until(() => runtime.gateway.statistics().tickersLive === tickers.length && runtime.gateway.statistics().framesReceived >= 100, 20_000, 'live books and 100 frames');
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
