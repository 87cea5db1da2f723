/**
 * The shard actor: the piscina task that runs in a worker thread for as long as the
 * runtime does. It wires a Shard to its ports (data port: frames in, reports out; control
 * port: Comlink; log port: intents and events straight to the logger) and returns only
 * when told to stop, after every ticker has cancelled everything and the logger has it.
 */
import * as Comlink from 'comlink';
import { receiveMessageOnPort, threadId } from 'node:worker_threads';
import { IsoTimeCache } from '../log/iso-time.js';
import { LogProducer } from '../log/producer.js';
import { ExchangeClock } from '../clock/exchange-clock.js';
import { WallClock, wallClock } from '../clock/clock.js';
import type { ExecutionPortMessage } from '../execution/messages.js';
import type { ActorCommand, ActorControl, ActorStopReport, ShardTask } from './messages.js';
import { Shard } from './shard.js';

const MARK_INTERVAL_MS = 1_000;

export default async function runShardActor(task: ShardTask): Promise<ActorStopReport> {
  const producer = new LogProducer(task.logPort);
  // events come in bursts within one millisecond: build its ISO text once
  const eventTimes = new IsoTimeCache();
  const shard = new Shard(
    { shardId: task.shardId, threadId, logLevel: task.logLevel, ...(task.orders ? { orders: task.orders } : {}) },
    {
      intent: (intent) => producer.intent(intent),
      event: (event) => producer.event({ ts: eventTimes.of(wallClock.now()), ...event }),
      post: (event) => task.dataPort.postMessage(event),
      submit: (intents) => task.executionPort?.postMessage({ kind: 'IntentsSubmitted', intents } satisfies ExecutionPortMessage),
    },
    task.clock === 'exchange' ? new ExchangeClock() : new WallClock(wallClock),
  );
  shard.addTickers(task.tickers);
  task.dataPort.on('message', (command: ActorCommand) => {
    shard.handle(command);
    // a batch's intents leave when the batch is done, not a turn later (latency)
    producer.flush();
  });
  // positions are marked on the books' tops: once a second, only the tops that moved
  const marking = task.executionPort
    ? setInterval(() => {
        const marks = shard.marks();
        if (marks.length > 0) task.executionPort!.postMessage({ kind: 'MarksPosted', marks } satisfies ExecutionPortMessage);
      }, MARK_INTERVAL_MS)
    : undefined;
  marking?.unref();
  task.executionPort?.on('message', (message: ExecutionPortMessage) => {
    if (message.kind !== 'OrderEventsPosted') return;
    shard.execution(message);
    producer.flush();
  });

  let finish: (report: ActorStopReport) => void = () => undefined;
  const finished = new Promise<ActorStopReport>((resolve) => {
    finish = resolve;
  });
  const control: ActorControl = {
    status: () => shard.status(),
    setParams: (ticker, params) => {
      const hosted = shard.setParams(ticker, params);
      producer.flush();
      return hosted;
    },
    addTickers: (tickers) => {
      shard.addTickers(tickers);
      producer.flush();
    },
    windDown: (tickers, policy) => {
      const hosted = shard.windDown(tickers, policy);
      producer.flush();
      return hosted;
    },
    removeTickers: (tickers) => {
      const hosted = shard.removeTickers(tickers);
      producer.flush();
      return hosted;
    },
    book: (ticker) => shard.book(ticker),
    stop: () => {
      // commands still queued on the data port were sent before the stop: handle them first
      for (let queued = receiveMessageOnPort(task.dataPort); queued; queued = receiveMessageOnPort(task.dataPort)) {
        shard.handle(queued.message as ActorCommand);
      }
      const report = shard.stop();
      producer.flush();
      finish(report);
      return report;
    },
  };
  Comlink.expose(control, task.controlPort as unknown as Comlink.Endpoint);

  const report = await finished;
  // let the reply to stop() leave before the ports close
  await new Promise<void>((resolve) => setImmediate(resolve));
  clearInterval(marking);
  const marks = shard.marks();
  if (marks.length > 0) task.executionPort?.postMessage({ kind: 'MarksPosted', marks } satisfies ExecutionPortMessage);
  producer.close();
  task.executionPort?.close();
  task.dataPort.close();
  task.controlPort.close();
  return report;
}
