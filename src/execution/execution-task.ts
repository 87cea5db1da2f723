/**
 * The execution actor's thread: a never-ending piscina task (like the logger's) that owns the
 * ExecutionCore and its venue. Shard actors talk to it over a port each (intents in, order
 * events out); the gateway forwards the account's private frames on a port of their own; the
 * main thread steers it through Comlink (status, cancel everything, stop).
 */
import * as Comlink from 'comlink';
import type { MessagePort } from 'node:worker_threads';
import { KalshiRestClient } from '../adapters/kalshi/rest-client.js';
import { wallClock } from '../clock/clock.js';
import { LogProducer } from '../log/producer.js';
import type { RuntimeEvent } from '../log/runtime-event.js';
import { parseRsaPrivateKey } from '../protocol/auth.js';
import { buildSummary, formatSummaryTable, summaryLine } from '../portfolio/summary.js';
import { ExecutionCore } from './execution-core.js';
import { KalshiVenue } from './kalshi-venue.js';
import type { ExecutionControl, ExecutionSettings, PrivateFramesPosted } from './execution-protocol.js';
import type { ExecutionEvent, ExecutionPortMessage } from './messages.js';
import { WriteBudget } from './write-budget.js';

export interface ExecutionTask {
  readonly settings: ExecutionSettings;
  readonly control: MessagePort;
  readonly privatePort: MessagePort;
  readonly logPort: MessagePort;
}

export default async function runExecution(task: ExecutionTask): Promise<void> {
  const { settings } = task;
  const producer = new LogProducer(task.logPort);
  const log = (event: RuntimeEvent): void => producer.event({ ts: new Date(wallClock.now()).toISOString(), ...event });
  const client = new KalshiRestClient({
    baseUrl: settings.restUrl,
    keyId: settings.keyId,
    privateKey: parseRsaPrivateKey(settings.privateKeyPem, 'execution key'),
    clock: wallClock,
    timeoutMs: settings.requestTimeoutMs,
  });
  const venue = new KalshiVenue(settings.label, client, (problem) => log({ level: 'warn', kind: 'private_frame_unreadable', message: problem }));

  /** each ticker's events go to the shard port its intents came from */
  const portOfTicker = new Map<string, MessagePort>();
  const pending = new Map<MessagePort, ExecutionEvent[]>();
  let flushScheduled = false;
  const flush = (): void => {
    flushScheduled = false;
    for (const [port, events] of pending) port.postMessage({ kind: 'OrderEventsPosted', events } satisfies ExecutionPortMessage);
    pending.clear();
    producer.flush();
  };
  const emit = (ticker: string, event: ExecutionEvent): void => {
    const port = portOfTicker.get(ticker);
    if (!port) return;
    const batch = pending.get(port);
    if (batch) batch.push(event);
    else pending.set(port, [event]);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  const budget = new WriteBudget(settings.writeTokensPerSecond > 0 ? { tokensPerSecond: settings.writeTokensPerSecond } : { tier: settings.writeTier }, wallClock.now());
  const core = new ExecutionCore({
    venue,
    clock: wallClock,
    budget,
    minOrderLifeMs: settings.minOrderLifeMs,
    emit,
    journal: (fill) => producer.fill(fill),
    log: (event) => log(event),
    cancelOnPause: settings.cancelOnPause,
  });

  task.privatePort.on('message', (message: PrivateFramesPosted) => {
    for (const frame of message.frames) venue.ingest(frame);
    producer.flush();
  });

  const addShard = (port: MessagePort): void => {
    port.on('message', (message: ExecutionPortMessage) => {
      if (message.kind === 'IntentsSubmitted') {
        for (const intent of message.intents) portOfTicker.set(intent.ticker, port);
        core.submit(message.intents);
        producer.flush();
      } else if (message.kind === 'MarksPosted') {
        for (const mark of message.marks) {
          portOfTicker.set(mark.ticker, port);
          core.portfolio.mark(mark.ticker, { ...(mark.yesBid !== undefined ? { yesBid: mark.yesBid } : {}), ...(mark.noBid !== undefined ? { noBid: mark.noBid } : {}) });
        }
      }
    });
  };

  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const control: ExecutionControl = {
    addShard: (port) => addShard(port),
    status: () => ({ counters: core.counters(), total: core.portfolio.total(), markets: core.portfolio.markets() }),
    cancelAll: (reason) => core.cancelAll(reason),
    stop: async (reason) => {
      const result = await core.stop(settings.tickers, reason);
      const summary = buildSummary(core.portfolio, wallClock.now());
      const report = {
        ...result,
        counters: core.counters(),
        summary,
        table: formatSummaryTable(core.portfolio),
        line: summaryLine(core.portfolio.total()),
      };
      flush();
      await venue.close();
      setImmediate(finish);
      return report;
    },
  };
  Comlink.expose(control, task.control as unknown as Comlink.Endpoint);
  await finished;
  await new Promise<void>((resolve) => setImmediate(resolve));
  producer.close();
  task.privatePort.close();
  task.control.close();
}
