import { expect } from 'chai';
import type { IntentRecord } from '../../src/log/intent-record.js';
import { startRuntime } from '../../src/gateway/runtime.js';
import { readJsonLines, restingAfterReplay, tempLogs, testConfig, tickerList, until, type TempLogs } from './runtime-harness.js';

describe('runtime under simulator faults', function () {
  this.timeout(40_000);
  let logs: TempLogs;

  beforeEach(() => {
    logs = tempLogs();
  });

  afterEach(() => logs.remove());

  it('resynchronises after a skipped seq and a dropped connection, and counts garbage without crashing', async () => {
    const tickers = tickerList(20);
    const runtime = await startRuntime(testConfig(logs, tickers, { workers: 2 }), { connection: { startingDelayMs: 50, maxDelayMs: 200 } });
    const simulator = runtime.endpoint.simulator!;
    const allLive = (): boolean => runtime.gateway.statistics().tickersLive === tickers.length;
    try {
      await until(allLive, 15_000, 'every book live');

      simulator.faults.trigger('skip_seq');
      await until(() => runtime.gateway.statistics().sequenceGaps >= 1, 5_000, 'the gap to be seen');
      await until(allLive, 10_000, 'every book live after the gap');

      simulator.faults.trigger('malformed');
      simulator.faults.trigger('unknown_market');
      await until(() => {
        const anomalies = runtime.gateway.statistics().anomalies;
        return (anomalies.malformed_frame ?? 0) >= 1 && (anomalies.unowned_ticker ?? 0) >= 1;
      }, 5_000, 'the garbage to be counted');

      simulator.faults.trigger('drop');
      await until(() => runtime.gateway.statistics().connectionsOpened === 2, 5_000, 'a reconnect after the drop');
      await until(allLive, 10_000, 'every book live after reconnecting');
      const statuses = await runtime.supervisor.status();
      expect(statuses.reduce((sum, actor) => sum + actor.tickers.live, 0)).to.equal(tickers.length);
    } finally {
      await runtime.stop();
    }
    const intents = readJsonLines<IntentRecord>(logs.intentsFile);
    expect(intents.some((record) => record.reason === 'stale_book')).to.equal(true);
    expect(restingAfterReplay(intents)).to.deep.equal([]);
    const events = readJsonLines<{ kind: string }>(logs.eventsFile);
    expect(events.filter((event) => event.kind === 'connection_opened')).to.have.length(2);
  });
});
