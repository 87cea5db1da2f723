import { expect } from 'chai';
import { shardForTicker } from '../../src/actors/assignment.js';
import type { IntentRecord } from '../../src/log/intent-record.js';
import { startRuntime } from '../../src/engine/engine.js';
import { PARAMS, readJsonLines, restingAfterReplay, tempLogs, testConfig, tickerList, until, type TempLogs } from './engine-harness.js';

/** Tickers with a quote in the intents file so far. */
function quotedTickers(intentsFile: string): Set<string> {
  return new Set(
    readJsonLines<IntentRecord>(intentsFile)
      .filter((record) => record.kind === 'quote')
      .map((record) => record.ticker),
  );
}

describe('runtime over loopback against the embedded simulator', function () {
  this.timeout(40_000);
  let logs: TempLogs;

  beforeEach(() => {
    logs = tempLogs();
  });

  afterEach(() => logs.remove());

  it('runs 60 tickers on 3 actors: every ticker gets its snapshot and quotes; a stop leaves nothing resting', async () => {
    const tickers = tickerList(60);
    const runtime = await startRuntime(testConfig(logs, tickers));
    try {
      await until(() => runtime.gateway.statistics().tickersLive === tickers.length, 15_000, 'every book live');
      await until(
        async () => (await runtime.supervisor.status()).reduce((sum, actor) => sum + actor.tickers.live, 0) === tickers.length,
        10_000,
        'every actor ticker live',
      );
      const statuses = await runtime.supervisor.status();
      expect(statuses).to.have.length(3);
      expect(statuses.every((actor) => actor.tickers.live > 0)).to.equal(true);
      // a book with an empty side is not quoted (book_incomplete): wait for the markets to fill in
      await until(() => quotedTickers(logs.intentsFile).size === tickers.length, 20_000, 'a quote on every ticker');
      // a parameter change over the control plane: the ticker's bids are re-sized at once
      const quoting = restingAfterReplay(readJsonLines<IntentRecord>(logs.intentsFile))
        .find((key) => key.includes(' entry '))!
        .split(' ')[0]!;
      expect(await runtime.supervisor.setParams(quoting, { ...PARAMS, bid_size: 7 })).to.equal(true);
      expect(await runtime.supervisor.setParams('NOT-CONFIGURED', PARAMS)).to.equal(false);
      await until(
        () => readJsonLines<IntentRecord>(logs.intentsFile).some((record) => record.ticker === quoting && record.size === '7.00'),
        5_000,
        'bids of 7 contracts',
      );
    } finally {
      const report = await runtime.stop();
      expect(report.actors).to.have.length(3);
      expect(report.gateway.anomalies).not.to.have.property('malformed_frame');
    }
    const intents = readJsonLines<IntentRecord>(logs.intentsFile);
    expect([...quotedTickers(logs.intentsFile)]).to.have.members(tickers);
    expect(restingAfterReplay(intents)).to.deep.equal([]);
    expect(intents.filter((record) => record.reason === 'shutdown').length).to.be.greaterThan(0);
  });

  it('recovers from an actor thread killed mid-run: no ticker lost, what it had resting cancelled', async () => {
    const tickers = tickerList(30);
    const runtime = await startRuntime(testConfig(logs, tickers));
    let victimShard = -1;
    let killedAtMs = 0;
    try {
      await until(() => runtime.gateway.statistics().tickersLive === tickers.length, 15_000, 'every book live');
      await until(() => quotedTickers(logs.intentsFile).size === tickers.length, 20_000, 'a quote on every ticker');
      const statuses = await runtime.supervisor.status();
      const victim = statuses.reduce((most, actor) => (actor.tickers.live > most.tickers.live ? actor : most));
      victimShard = victim.shardId;
      const thread = runtime.supervisor.threads.find((worker) => worker.threadId === victim.threadId);
      expect(thread, 'the victim actor thread').not.to.equal(undefined);
      killedAtMs = Date.now();
      await thread!.terminate();
      await until(() => runtime.supervisor.phaseOf(victim.shardId) !== 'running', 5_000, 'the actor to be seen down');
      await until(() => runtime.supervisor.phaseOf(victim.shardId) === 'running', 10_000, 'the actor to run again');
      await until(
        async () => (await runtime.supervisor.status()).reduce((sum, actor) => sum + actor.tickers.live, 0) === tickers.length,
        15_000,
        'every ticker live again',
      );
      expect(runtime.gateway.statistics().tickersLive).to.equal(tickers.length);
    } finally {
      await runtime.stop();
    }
    const intents = readJsonLines<IntentRecord>(logs.intentsFile);
    // the restarted actor cancelled, as stale, what its tickers had resting; no other ticker went stale
    const victims = tickers.filter((ticker) => shardForTicker(ticker, 3) === victimShard);
    const staleCancelled = new Set(intents.filter((record) => record.reason === 'stale_book').map((record) => record.ticker));
    const restingAtKill = new Set(restingAfterReplay(intents.filter((record) => Date.parse(record.ts) <= killedAtMs)).map((key) => key.split(' ')[0]));
    const victimsResting = victims.filter((ticker) => restingAtKill.has(ticker));
    expect(victimsResting.length).to.be.greaterThan(0);
    for (const ticker of victimsResting) expect(staleCancelled, ticker).to.include(ticker);
    for (const ticker of staleCancelled) expect(victims, ticker).to.include(ticker);
    expect(restingAfterReplay(intents)).to.deep.equal([]);
    const events = readJsonLines<{ kind: string }>(logs.eventsFile);
    expect(events.some((event) => event.kind === 'actor_faulted')).to.equal(true);
  });
});
