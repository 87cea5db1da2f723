/**
 * The exchange clock against the real order book and maker (TickerHost), fed with the
 * fixture recordings the way a shard actor fed by the replay server would be: every frame
 * handled at its own time, TTL deadlines armed on the clock. Proves what the runtime gets
 * once its shard actors take their time from this clock: byte-identical intent lines,
 * timestamps included, with TTL refreshes at their exact deadlines.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { TickerHost } from '../../src/actors/ticker-host.js';
import { toIntentRecord, type IntentRecord } from '../../src/log/intent-record.js';
import type { Intent } from '../../src/strategy/intent.js';
import { decodeDelta, decodeSnapshot } from '../../src/protocol/decode.js';
import type { OrderbookDeltaMsg, OrderbookSnapshotMsg } from '../../src/protocol/wire.js';
import { ExchangeClock } from '../../src/clock/exchange-clock.js';
import { frameTimeMs } from '../../src/protocol/frame-time.js';
import { loadRecording } from '../../src/replay/recording-reader.js';
import type { TimerHandle } from '../../src/clock/clock.js';
import { PARAMS } from '../engine/engine-harness.js';

const CURRENT = fileURLToPath(new URL('../fixtures/recordings/sim-current.jsonl.gz', import.meta.url));
const LEGACY = fileURLToPath(new URL('../fixtures/recordings/sim-legacy-cents.jsonl.gz', import.meta.url));

interface Decided {
  readonly lines: string[];
  readonly firstFrameTimeMs: number;
  readonly lastFrameTimeMs: number;
}

/** One in-thread "shard" over every ticker of the recording, on an exchange clock. */
async function decide(recording: string): Promise<Decided> {
  const { header, entries } = await loadRecording(recording);
  const clock = new ExchangeClock();
  const hosts = new Map(header.tickers.map((ticker) => [ticker, new TickerHost(ticker, PARAMS, clock)]));
  const timers = new Map<string, TimerHandle>();
  const lines: string[] = [];
  const times: number[] = [];
  const emit = (host: TickerHost, intents: readonly Intent[]): void => {
    for (const intent of intents) lines.push(JSON.stringify(toIntentRecord(intent)));
    const armed = timers.get(host.ticker);
    if (armed !== undefined) clock.clearTimer(armed);
    const deadline = host.nextDeadlineMs();
    if (deadline !== undefined)
      timers.set(
        host.ticker,
        clock.setTimer(deadline, () => emit(host, host.timer())),
      );
  };
  for (const entry of entries) {
    if (entry.kind !== 'frame') continue;
    const frame = JSON.parse(entry.text) as { type: string; msg?: Record<string, unknown> };
    const host = hosts.get(String(frame.msg?.market_ticker));
    if (host === undefined) continue;
    const time = frameTimeMs(frame.msg);
    if (time !== undefined) times.push(time);
    clock.atFrame(time, () => {
      if (frame.type === 'orderbook_snapshot') emit(host, host.snapshot(decodeSnapshot(frame.msg as unknown as OrderbookSnapshotMsg)).intents);
      else if (frame.type === 'orderbook_delta') emit(host, host.delta(decodeDelta(frame.msg as unknown as OrderbookDeltaMsg)).intents);
    });
  }
  for (const host of hosts.values()) emit(host, host.shutdown());
  return { lines, firstFrameTimeMs: times[0]!, lastFrameTimeMs: Math.max(...times) };
}

function expectExchangeTimes(decided: Decided): void {
  const records = decided.lines.map((line) => JSON.parse(line) as IntentRecord);
  const stamps = records.map((record) => Date.parse(record.ts));
  expect(Math.min(...stamps)).to.equal(decided.firstFrameTimeMs); // held snapshots decide at the first frame time, not in 1970
  expect(Math.max(...stamps)).to.be.at.most(decided.lastFrameTimeMs);
  const refreshes = records.filter((record) => record.reason === 'ttl_refresh');
  expect(refreshes.length).to.be.greaterThan(0);
  // a TTL refresh happens exactly quote_ttl_s after the quote it replaces was posted
  const postedAt = new Map<string, number>();
  for (const record of records) {
    const key = `${record.ticker} ${record.side}`;
    if (record.reason === 'ttl_refresh') expect(Date.parse(record.ts) - postedAt.get(key)!).to.equal(PARAMS.quote_ttl_s * 1000);
    if (record.kind === 'quote' || record.kind === 'reprice') postedAt.set(key, Date.parse(record.ts));
  }
}

describe('replay/exchange clock driving the real maker', () => {
  it('gives byte-identical intent lines, timestamps included, on every run of the same recording', async () => {
    const first = await decide(CURRENT);
    const second = await decide(CURRENT);
    expect(first.lines.length).to.be.greaterThan(100);
    expect(second.lines.join('\n')).to.equal(first.lines.join('\n'));
    expectExchangeTimes(first);
  });

  it('the legacy-cents recording too', async () => {
    const first = await decide(LEGACY);
    const second = await decide(LEGACY);
    expect(first.lines.length).to.be.greaterThan(100);
    expect(second.lines.join('\n')).to.equal(first.lines.join('\n'));
    expectExchangeTimes(first);
  });
});
