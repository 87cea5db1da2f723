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
import { toFillRecord, type FillRecord } from '../portfolio/fill-record.js';
import { ExecutionCore } from './execution-core.js';
import { KalshiVenue } from './kalshi-venue.js';
import { SandboxVenue } from './sandbox-venue.js';
import type { ExecutionControl, ExecutionSettings, PrivateFramesPosted, ReconcileReport } from './execution-protocol.js';
import type { ExecutionEvent, ExecutionPortMessage } from './messages.js';
import { WRITE_TOKENS_PER_SECOND, WriteBudget } from './write-budget.js';

/**
 * The budget the engine spends: 95 % of the account's rate, with 90 % of its two-second
 * bucket. A request reaches the venue a little after the engine has counted it, and the
 * venue's bucket, full until then, refills nothing meanwhile; spent at the full rate, that
 * lag alone would overdraw it now and then (a 429). The margin covers it.
 */
export function engineBudget(tokensPerSecond: number): { tokensPerSecond: number; capacity: number } {
  return { tokensPerSecond: Math.max(1, Math.floor(tokensPerSecond * 0.95)), capacity: Math.max(10, Math.floor(tokensPerSecond * 2 * 0.9)) };
}
import { parseRiskLimits } from '../risk/limits.js';
import { RiskEngine } from '../risk/risk-engine.js';
import { clearKillSwitchFile, readKillSwitchFile, writeKillSwitchFile } from './kill-switch-file.js';

export interface ExecutionTask {
  readonly settings: ExecutionSettings;
  readonly control: MessagePort;
  readonly privatePort: MessagePort;
  readonly logPort: MessagePort;
}

export default async function runExecution(task: ExecutionTask): Promise<void> {
  const { settings } = task;
  /** the markets whose orders this actor answers for: those at start and every one added since */
  const tickers = [...settings.tickers];
  const producer = new LogProducer(task.logPort);
  const log = (event: RuntimeEvent): void => producer.event({ ts: new Date(wallClock.now()).toISOString(), ...event });
  const report = (problem: string): void => log({ level: 'warn', kind: 'feed_frame_unreadable', message: problem });
  // sandbox: orders rest in a local queue model fed the public frames; nothing is sent anywhere
  const sandbox = settings.label === 'sandbox' ? new SandboxVenue({ clock: wallClock, feedTime: 'clock', label: 'sandbox', onProblem: report }) : undefined;
  const venue =
    sandbox ??
    new KalshiVenue(
      settings.label,
      new KalshiRestClient({
        baseUrl: settings.restUrl,
        keyId: settings.keyId,
        privateKey: parseRsaPrivateKey(settings.privateKeyPem, 'execution key'),
        clock: wallClock,
        timeoutMs: settings.requestTimeoutMs,
      }),
      report,
    );

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
  const RECENT = 50;
  const recentFills: FillRecord[] = [];
  const recentRejects: Array<{ ts: string; ticker: string; reason: string }> = [];
  const remember = <T>(list: T[], item: T): void => {
    list.push(item);
    if (list.length > RECENT) list.shift();
  };
  const emit = (ticker: string, event: ExecutionEvent): void => {
    if (event.kind === 'OrderRejected') remember(recentRejects, { ts: new Date(event.tsMs).toISOString(), ticker, reason: event.reason ?? '' });
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

  const risk = new RiskEngine(parseRiskLimits(settings.risk), { nowMs: wallClock.now() });
  // a kill switch tripped before this process started is still tripped: only a resume clears it
  const latchFile = settings.killSwitchFile;
  const latched = latchFile === undefined ? undefined : readKillSwitchFile(latchFile);
  if (latched !== undefined) {
    risk.trip(`latched before this start${latched.at === '' ? '' : ` (tripped ${latched.at})`}: ${latched.reason}`, wallClock.now());
    log({
      level: 'error',
      kind: 'kill_switch',
      message: `kill switch still tripped from before this start (${latchFile}): ${latched.reason}; nothing is sent but cancels until a person resumes`,
    });
  }
  const latch = (trip: { readonly reason: string; readonly atMs: number } | null): void => {
    if (latchFile === undefined) return;
    try {
      if (trip === null) clearKillSwitchFile(latchFile);
      else writeKillSwitchFile(latchFile, { reason: trip.reason, at: new Date(trip.atMs).toISOString() });
    } catch (error) {
      log({
        level: 'error',
        kind: 'kill_switch_file_failed',
        message: `${latchFile}: ${(error as Error).message}; the kill switch holds in this process only`,
      });
    }
  };
  /** the last top of each market's book, for flattening */
  const tops = new Map<string, { yesBid?: number; noBid?: number }>();
  const budget = new WriteBudget(
    engineBudget(settings.writeTokensPerSecond > 0 ? settings.writeTokensPerSecond : WRITE_TOKENS_PER_SECOND[settings.writeTier]),
    wallClock.now(),
  );
  const core = new ExecutionCore({
    venue,
    clock: wallClock,
    budget,
    minOrderLifeMs: settings.minOrderLifeMs,
    emit,
    journal: (fill) => {
      producer.fill(fill);
      remember(recentFills, toFillRecord(fill));
    },
    log: (event) => log(event),
    cancelOnPause: settings.cancelOnPause,
    risk,
    ...(settings.orderGroupContracts !== undefined ? { orderGroupContracts: settings.orderGroupContracts } : {}),
    onKillSwitch: latch,
  });

  task.privatePort.on('message', (message: PrivateFramesPosted) => {
    if (sandbox) for (const frame of message.frames) sandbox.ingestFrame(frame);
    else for (const frame of message.frames) (venue as KalshiVenue).ingest(frame);
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
          const top = { ...(mark.yesBid !== undefined ? { yesBid: mark.yesBid } : {}), ...(mark.noBid !== undefined ? { noBid: mark.noBid } : {}) };
          tops.set(mark.ticker, top);
          core.mark(mark.ticker, top);
        }
        producer.flush();
      }
    });
  };

  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const reconciledNew = async (added: readonly string[], policy: 'cancel' | 'adopt'): Promise<ReconcileReport> => {
    const fresh = added.filter((ticker) => !tickers.includes(ticker));
    tickers.push(...fresh);
    const report = await core.reconcile(fresh, policy);
    if (risk.trippedBecause !== null && report.adopted > 0) core.cancelAll('kill_switch');
    producer.flush();
    return { cancelled: report.cancelled, adopted: report.adopted, positions: [...report.positions], balanceCents: report.balanceCents };
  };
  const control: ExecutionControl = {
    addTickers: (added, policy) => reconciledNew(added, policy),
    addShard: (port) => addShard(port),
    status: () => ({
      counters: core.counters(),
      risk: risk.snapshot(wallClock.now()),
      orders: core.openOrders().map((order) => ({
        ticker: order.ticker,
        clientOrderId: order.clientOrderId,
        leg: order.leg,
        action: order.action,
        price: order.price,
        remaining: order.size - order.filled,
        status: order.status,
      })),
      total: core.portfolio.total(),
      markets: core.portfolio.markets(),
      recentFills: [...recentFills],
      recentRejects: [...recentRejects],
    }),
    cancelAll: (reason) => core.cancelAll(reason),
    resync: async () => {
      const report = await core.resync(tickers);
      log({
        level: report.missedFills + report.ended + report.strangers > 0 ? 'warn' : 'info',
        kind: 'resynced',
        message: `after the reconnect: ${report.missedFills} missed fills booked, ${report.ended} orders gone meanwhile, ${report.strangers} unknown resting orders cancelled`,
      });
      producer.flush();
      return report;
    },
    reconcile: async (policy) => {
      const report = await core.reconcile(tickers, policy);
      // halted from before: what was adopted is cancelled too
      if (risk.trippedBecause !== null && report.adopted > 0) core.cancelAll('kill_switch');
      producer.flush();
      return { cancelled: report.cancelled, adopted: report.adopted, positions: [...report.positions], balanceCents: report.balanceCents };
    },
    control: (action, ticker, who) => {
      const where = ticker ?? 'every market';
      log({ level: 'warn', kind: 'control', ...(ticker ? { ticker } : {}), message: `${action} ${where}, asked by ${who}` });
      let result: { ok: boolean; message: string };
      switch (action) {
        case 'pause':
          core.pause(ticker);
          result = { ok: true, message: `paused ${where}: its orders are cancelled, nothing is sent until resumed` };
          break;
        case 'resume': {
          const refused = core.resume(ticker, who);
          result = refused === undefined ? { ok: true, message: `resumed ${where}` } : { ok: false, message: refused };
          break;
        }
        case 'flatten': {
          const markets = core.flatten(ticker, (name) => tops.get(name));
          result = { ok: true, message: `flattening ${where}: reduce-only sells sent in ${markets.length} markets` };
          break;
        }
        case 'kill':
          core.kill(who);
          result = { ok: true, message: 'kill switch tripped: every order is cancelled; nothing is sent until resumed' };
          break;
      }
      producer.flush();
      return result;
    },
    stop: async (reason) => {
      const result = await core.stop(tickers, reason);
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
