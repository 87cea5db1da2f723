import { expect } from 'chai';
import * as Comlink from 'comlink';
import sinon from 'sinon';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import runShardActor from '../../src/actors/shard-actor.js';
import type { ActorControl, ActorEvent, ShardTask } from '../../src/actors/messages.js';
import type { StrategyParams } from '../../src/config/types.js';
import type { RecordsPosted } from '../../src/log/messages.js';

const PARAMS: StrategyParams = {
  min_spread: 3,
  bid_size: 5,
  exit_size: 5,
  sum_cushion: 3,
  take_profit: 2,
  quote_ttl_s: 6,
  exit_ttl_s: 20,
  max_inventory: 100,
  reduce_step: 10,
  improve: true,
  thin_queue: 50,
};

/** strategy-spec example 1: a book that makes the maker quote both legs */
const SNAPSHOT = JSON.stringify({
  type: 'orderbook_snapshot',
  sid: 1,
  seq: 1,
  msg: {
    market_ticker: 'A-1',
    yes_dollars_fp: [
      ['0.4000', '5.00'],
      ['0.4200', '18.00'],
    ],
    no_dollars_fp: [
      ['0.5300', '22.00'],
      ['0.5400', '12.00'],
    ],
  },
});

function nextReport(port: MessagePort, kind: ActorEvent['kind']): Promise<ActorEvent> {
  return new Promise((resolve) => {
    const listen = (report: ActorEvent): void => {
      if (report.kind !== kind) return;
      port.off('message', listen);
      resolve(report);
    };
    port.on('message', listen);
  });
}

describe('shard actor (task wiring, in this thread)', () => {
  it("posts a delivered batch's intents to the logger when the batch is done, without waiting for another turn", async () => {
    const data = new MessageChannel();
    const control = new MessageChannel();
    const log = new MessageChannel();
    const task: ShardTask = {
      shardId: 0,
      tickers: [{ ticker: 'A-1', params: PARAMS }],
      dataPort: data.port2,
      controlPort: control.port2,
      logPort: log.port2,
      logLevel: 'info',
      clock: 'wall',
    };
    const finished = runShardActor(task);
    // the producer's own flush runs on setImmediate: held back here, so only the end-of-batch flush can post
    const clock = sinon.useFakeTimers({ toFake: ['setImmediate', 'clearImmediate'] });
    try {
      const processed = nextReport(data.port1, 'FramesProcessed');
      data.port1.postMessage({ kind: 'DeliverFrames', frames: [SNAPSHOT] });
      expect(await processed).to.deep.equal({ kind: 'FramesProcessed', frames: 1 });
      const posted: RecordsPosted[] = [];
      for (let message = receiveMessageOnPort(log.port1); message; message = receiveMessageOnPort(log.port1)) posted.push(message.message as RecordsPosted);
      const intents = posted.flatMap((batch) => batch.records).filter((record) => record.stream === 'intent');
      expect(intents.map((record) => (JSON.parse(record.line) as { side: string }).side).sort()).to.deep.equal(['no', 'yes']);
    } finally {
      clock.restore();
      const actor = Comlink.wrap<ActorControl>(control.port1 as unknown as Comlink.Endpoint);
      await actor.stop();
      actor[Comlink.releaseProxy]();
      for (const port of [data.port1, control.port1, log.port1]) port.close();
    }
    expect((await finished).framesProcessed).to.equal(1);
  });
});
