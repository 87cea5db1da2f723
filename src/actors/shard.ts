/**
 * The work of one shard actor, free of threads and ports so it can be tested in-thread:
 * parses the raw frames the gateway delivers, runs each ticker's host, arms one TTL timer
 * per ticker at its maker's next deadline, and hands out what comes of it (intents and
 * events for the logger, credit and state reports for the gateway).
 *
 * Failure isolation: anything thrown while handling one ticker's frame (a malformed
 * payload, a book refusing a delta, a bug) makes that ticker stale (its maker cancels what
 * rests), is logged with the frame, and asks the gateway for a fresh snapshot. The other
 * tickers of the shard carry on.
 *
 * Phase trace: every stale notice from the gateway, every other turn to stale and every
 * turn to live is logged (`book_stale`, `book_live`) with the number of intents the ticker
 * had emitted before it (`intentsBefore`). One producer carries a ticker's intents and
 * events in order, so the intents file can be checked against the trace: nothing but
 * cancels between a stale notice and the next fresh snapshot.
 */
import type { LogLevel, StrategyParams } from '../config/types.js';
import type { Intent } from '../strategy/intent.js';
import { decodeDelta, decodeFill, decodeLifecycle, decodePosition, decodeSnapshot, type BookDelta, type BookSnapshot } from '../protocol/decode.js';
import { e4ToDollars, hundredthsToCount, ticksToDollars } from '../protocol/fixed.js';
import type { FillMsg, LifecycleMsg, MarketPositionMsg, OrderbookDeltaMsg, OrderbookSnapshotMsg } from '../protocol/wire.js';
import { messageJson, scanFrame } from '../protocol/frame-scan.js';
import { truncateFrame, type RuntimeEvent } from '../log/runtime-event.js';
import { frameTimeMs } from '../protocol/frame-time.js';
import { fillPriceOnLeg } from '../strategy/entry-price.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import { sharedNowMs } from '../clock/clock.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { ExecutionEvent, OrderEventsPosted } from '../execution/messages.js';
import type {
  ActorCommand,
  ActorEvent,
  ActorStatus,
  ActorStopReport,
  ShardOrders,
  StaleReason,
  TickerBook,
  TickerPhase,
  TickerSetup,
  TickerWinding,
} from './messages.js';
import type { WindDownPolicy } from '../strategy/dual-maker.js';
import { TickerHost, type StepResult } from './ticker-host.js';

/** `dataJson`: the JSON text of `data` when it is the frame's message, cut from the frame (see LogEvent) */
export interface ShardEvent extends RuntimeEvent {
  readonly dataJson?: string;
}

export interface ShardOutputs {
  intent(intent: Intent): void;
  event(event: ShardEvent): void;
  /** to the gateway, on the data port */
  post(event: ActorEvent): void;
  /** to the execution actor (with ShardOptions.orders): a step's intents, in order */
  submit?(intents: readonly Intent[]): void;
}

export interface ShardOptions {
  readonly shardId: number;
  readonly threadId: number;
  readonly logLevel: LogLevel;
  /** intents become orders (see ShardTask.orders) */
  readonly orders?: ShardOrders;
}

const LADDER_DEPTH = 5;
/** the report of one frame handled (deliverParsed), made once: it never changes */
const ONE_FRAME_PROCESSED: ActorEvent = Object.freeze({ kind: 'FramesProcessed', frames: 1 });

interface ParsedFrame {
  readonly type?: unknown;
  readonly msg?: Record<string, unknown>;
}

export class Shard {
  private readonly hosts = new Map<string, TickerHost>();
  private readonly timers = new Map<string, { handle: TimerHandle; at: number }>();
  private readonly dirtyStates = new Set<string>();
  /** ticker -> why it needs a fresh snapshot */
  private readonly snapshotRequests = new Map<string, string>();
  private forwarded: Intent[] = [];
  /** client order ids given out by this shard */
  private ordersNamed = 0;
  /** the top each ticker was last marked at */
  private readonly markedTops = new Map<string, string>();
  private framesProcessed = 0;
  private readonly intentsByKind: Record<string, number> = {};
  private intentsEmitted = 0;
  private handlerFailures = 0;
  private refusedUpdates = 0;
  private stopped = false;
  private readonly decisionLatency = new LatencyHistogram();
  /** receipt time of the batch being handled (undefined outside one) */
  private batchReceivedAt: number | undefined;

  constructor(
    private readonly options: ShardOptions,
    private readonly outputs: ShardOutputs,
    /** the time decisions are made in: the wall clock, or the time the frames carry (replays) */
    private readonly clock: Clock,
    /** real time for decision latency, whatever the decision clock (sharedNowMs) */
    private readonly now: () => number = sharedNowMs,
  ) {}

  /** Adds tickers; restored ones cancel what their last reported state had resting. */
  addTickers(setups: readonly TickerSetup[]): void {
    for (const setup of setups) {
      if (this.hosts.has(setup.ticker)) continue;
      const host = this.createHost(setup);
      this.hosts.set(setup.ticker, host);
      if (setup.position && !setup.restoredState) {
        const start = setup.position;
        this.guarded(host, undefined, () => host.position({ ticker: setup.ticker, position: start.position, costE4: start.costE4 }));
      }
      if (setup.restoredState) this.guarded(host, undefined, () => host.recover());
      const policy = setup.windDown;
      if (policy !== undefined) this.guarded(host, undefined, () => host.windDown(policy));
    }
    this.report();
  }

  /** These markets are leaving (see DualMaker.windDown); returns how many of them it hosts. */
  windDown(tickers: readonly string[], policy: WindDownPolicy): number {
    if (this.stopped) return 0;
    let hosted = 0;
    for (const ticker of tickers) {
      const host = this.hosts.get(ticker);
      if (!host) continue;
      hosted++;
      this.guarded(host, undefined, () => host.windDown(policy));
    }
    this.report();
    return hosted;
  }

  /** Drops these markets: each is shut down first (what its maker had resting is cancelled), then forgotten. */
  removeTickers(tickers: readonly string[]): number {
    if (this.stopped) return 0;
    const removed: TickerHost[] = [];
    for (const ticker of tickers) {
      const host = this.hosts.get(ticker);
      if (!host) continue;
      this.guarded(host, undefined, () => host.shutdown());
      removed.push(host);
    }
    this.report();
    for (const host of removed) {
      const timer = this.timers.get(host.ticker);
      if (timer) this.clock.clearTimer(timer.handle);
      this.timers.delete(host.ticker);
      this.hosts.delete(host.ticker);
      this.markedTops.delete(host.ticker);
      this.snapshotRequests.delete(host.ticker);
      this.outputs.event({
        level: 'info',
        kind: 'market_removed',
        ticker: host.ticker,
        message: 'dropped from this actor',
        data: { intentsEmitted: host.intentsEmitted },
      });
    }
    return removed.length;
  }

  /** A host from its restored state, or a fresh one (logged) when that state is unusable. */
  private createHost(setup: TickerSetup): TickerHost {
    // orders resting on the exchange are in its book: the maker must not see them as others' bids
    const orders = this.options.orders;
    const ownOrdersInBook = orders?.ownOrdersInBook ?? false;
    const orderIds = orders === undefined ? {} : { orderIds: () => `${orders.idPrefix}${(++this.ordersNamed).toString(36)}` };
    if (!setup.restoredState) return new TickerHost(setup.ticker, setup.params, this.clock, { ownOrdersInBook, ...orderIds });
    try {
      return new TickerHost(setup.ticker, setup.params, this.clock, { ownOrdersInBook, restoredState: setup.restoredState, ...orderIds });
    } catch (error) {
      this.outputs.event({
        level: 'error',
        kind: 'state_not_restored',
        ticker: setup.ticker,
        message: `reported maker state unusable (${(error as Error).message}); starting fresh`,
      });
      return new TickerHost(setup.ticker, setup.params, this.clock, { ownOrdersInBook, ...orderIds });
    }
  }

  handle(command: ActorCommand): void {
    if (this.stopped) return;
    if (command.kind === 'DeliverFrames') {
      this.batchReceivedAt = command.receivedAt;
      for (const text of command.frames) {
        this.frame(text);
        // a frame's orders leave for the execution actor at once, not after the rest of the batch (latency)
        this.submitForwarded();
      }
      this.batchReceivedAt = undefined;
      this.framesProcessed += command.frames.length;
      this.outputs.post({ kind: 'FramesProcessed', frames: command.frames.length });
    } else {
      this.clock.atFrame(undefined, () => {
        for (const ticker of command.tickers) {
          const host = this.hosts.get(ticker);
          if (host) this.guarded(host, undefined, () => host.markStale(command.reason), command.reason);
        }
      });
    }
    this.report();
  }

  /**
   * One frame already parsed by the caller (`parsed` is JSON.parse(text), not changed
   * afterwards), handled as `handle` handles a DeliverFrames of that one frame received at
   * `receivedAt`: for an in-thread replay that has parsed the frame for itself. `decoded`: the
   * book snapshot or delta the frame's message decodes to (decodeSnapshot, decodeDelta), when
   * the caller has decoded it already (it is not changed afterwards).
   */
  deliverParsed(text: string, parsed: unknown, receivedAt: number, decoded?: BookSnapshot | BookDelta): void {
    if (this.stopped) return;
    this.batchReceivedAt = receivedAt;
    this.parsedFrame(parsed as ParsedFrame, text, decoded);
    this.batchReceivedAt = undefined;
    this.framesProcessed += 1;
    this.outputs.post(ONE_FRAME_PROCESSED);
    this.report();
  }

  /** The best bids of each ticker whose top changed since the last call (positions are marked on them). */
  marks(): Array<{ ticker: string; yesBid?: number; noBid?: number }> {
    const out: Array<{ ticker: string; yesBid?: number; noBid?: number }> = [];
    for (const host of this.hosts.values()) {
      const yes = host.book.hasSnapshot && !host.book.stale ? host.book.bestBid('yes')?.price : undefined;
      const no = host.book.hasSnapshot && !host.book.stale ? host.book.bestBid('no')?.price : undefined;
      const key = `${yes ?? '-'}|${no ?? '-'}`;
      if (this.markedTops.get(host.ticker) === key) continue;
      this.markedTops.set(host.ticker, key);
      out.push({ ticker: host.ticker, ...(yes !== undefined ? { yesBid: yes } : {}), ...(no !== undefined ? { noBid: no } : {}) });
    }
    return out;
  }

  /** What the execution actor says became of this shard's orders, and the positions fills made. */
  execution(message: OrderEventsPosted): void {
    if (this.stopped) return;
    this.clock.atFrame(undefined, () => {
      for (const event of message.events) {
        const host = this.hosts.get(event.ticker);
        if (host) this.guarded(host, undefined, () => this.executionStep(host, event));
      }
    });
    this.report();
  }

  private executionStep(host: TickerHost, event: ExecutionEvent): Intent[] {
    if (event.kind === 'PositionChanged') {
      this.dirtyStates.add(host.ticker); // inventory is part of the state a restart restores
      return host.position({ ticker: event.ticker, position: event.position, costE4: event.costE4 });
    }
    if (event.kind === 'OrderRejected' || event.kind === 'OrderCanceled' || event.kind === 'OrderExpired') {
      this.outputs.event({
        level: event.kind === 'OrderRejected' ? 'info' : 'debug',
        kind: 'order_ended',
        ticker: host.ticker,
        message: `${event.kind} ${event.role} ${event.leg} @ ${event.price}: ${event.reason ?? ''}`,
        data: { clientOrderId: event.clientOrderId, orderId: event.orderId ?? null },
      });
    }
    return host.orderEvent(event);
  }

  setParams(ticker: string, params: StrategyParams): boolean {
    const host = this.hosts.get(ticker);
    if (!host || this.stopped) return false;
    this.guarded(host, undefined, () => host.setParams(params));
    this.report();
    return true;
  }

  status(): ActorStatus {
    const tickers: Record<TickerPhase, number> = { starting: 0, live: 0, stale: 0, closed: 0, stopped: 0 };
    const phases: Record<string, TickerPhase> = {};
    const winding: Record<string, TickerWinding> = {};
    for (const host of this.hosts.values()) {
      tickers[host.phase]++;
      phases[host.ticker] = host.phase;
      const leaving = host.winding();
      if (leaving) winding[host.ticker] = leaving;
    }
    return {
      shardId: this.options.shardId,
      threadId: this.options.threadId,
      tickers,
      phases,
      intentsByKind: { ...this.intentsByKind },
      framesProcessed: this.framesProcessed,
      intentsEmitted: this.intentsEmitted,
      handlerFailures: this.handlerFailures,
      refusedUpdates: this.refusedUpdates,
      decisionLatency: this.decisionLatency.buckets(),
      winding,
    };
  }

  book(ticker: string): TickerBook | undefined {
    const host = this.hosts.get(ticker);
    return host && { phase: host.phase, book: host.book.toSnapshot() };
  }

  /** Cancels everything (reason shutdown), clears the timers; nothing is handled afterwards. */
  stop(): ActorStopReport {
    if (!this.stopped) {
      for (const host of this.hosts.values()) this.guarded(host, undefined, () => host.shutdown());
      this.report();
      this.stopped = true;
      for (const timer of this.timers.values()) this.clock.clearTimer(timer.handle);
      this.timers.clear();
    }
    return { shardId: this.options.shardId, framesProcessed: this.framesProcessed, intentsEmitted: this.intentsEmitted };
  }

  // ---- frames -------------------------------------------------------------------------

  private frame(text: string): void {
    let parsed: ParsedFrame;
    try {
      parsed = JSON.parse(text) as ParsedFrame;
    } catch (error) {
      this.unreadable(text, `frame is not JSON: ${(error as Error).message}`);
      return;
    }
    this.parsedFrame(parsed, text);
  }

  private parsedFrame(parsed: ParsedFrame, text: string, decoded?: BookSnapshot | BookDelta): void {
    const msg = typeof parsed?.msg === 'object' && parsed.msg !== null ? parsed.msg : undefined;
    const ticker = typeof msg?.market_ticker === 'string' ? msg.market_ticker : undefined;
    const host = ticker === undefined ? undefined : this.hosts.get(ticker);
    if (!host) {
      this.unreadable(text, ticker === undefined ? 'frame without market_ticker' : `frame for ${ticker}, which this actor does not host`);
      return;
    }
    this.clock.atFrame(frameTimeMs(msg), () => this.guarded(host, text, () => this.apply(host, String(parsed.type), msg!, text, decoded)));
  }

  private apply(host: TickerHost, type: string, msg: Record<string, unknown>, text: string, decoded?: BookSnapshot | BookDelta): Intent[] {
    const ticker = host.ticker;
    switch (type) {
      case 'orderbook_snapshot':
        return this.bookStep(host, host.snapshot((decoded as BookSnapshot | undefined) ?? decodeSnapshot(msg as unknown as OrderbookSnapshotMsg)), text);
      case 'orderbook_delta':
        return this.bookStep(host, host.delta((decoded as BookDelta | undefined) ?? decodeDelta(msg as unknown as OrderbookDeltaMsg)), text);
      case 'market_position': {
        const update = decodePosition(msg as unknown as MarketPositionMsg);
        const cost = update.costE4 === undefined ? '?' : e4ToDollars(update.costE4);
        this.messageEvent('position', ticker, `now ${hundredthsToCount(update.position)} (cost ${cost})`, msg, text);
        this.dirtyStates.add(ticker); // inventory is part of the state a restart restores
        return host.position(update);
      }
      case 'fill': {
        const fill = decodeFill(msg as unknown as FillMsg);
        // the price of the leg bought (a NO fill at YES 0.16 bought NO at 0.84)
        const legPrice = ticksToDollars(fillPriceOnLeg(fill).price);
        this.messageEvent('fill', ticker, `${fill.side} ${hundredthsToCount(fill.count)} @ ${legPrice}`, msg, text);
        return host.fill(fill);
      }
      case 'market_lifecycle_v2': {
        const event = decodeLifecycle(msg as unknown as LifecycleMsg);
        this.messageEvent('lifecycle', ticker, event.eventType, msg, text);
        this.dirtyStates.add(ticker); // a closed market stays closed across a restart
        return host.lifecycle(event);
      }
      // market data the maker does not decide on: debug events, built only when debug is on
      case 'trade':
        if (this.options.logLevel === 'debug')
          this.messageEvent('trade', ticker, `${String(msg.count_fp ?? '?')} @ ${String(msg.yes_price_dollars ?? '?')}`, msg, text, 'debug');
        return [];
      case 'ticker':
        if (this.options.logLevel === 'debug')
          this.messageEvent('ticker', ticker, `bid ${String(msg.yes_bid_dollars ?? '-')} ask ${String(msg.yes_ask_dollars ?? '-')}`, msg, text, 'debug');
        return [];
      default:
        this.outputs.event({ level: 'warn', kind: 'unknown_type', ticker, message: `unexpected frame type ${JSON.stringify(type)}` });
        return [];
    }
  }

  /** An event about the frame's message: its data is the message, written from the frame's text when it can be. */
  private messageEvent(kind: string, ticker: string, message: string, msg: Record<string, unknown>, text: string, level: 'info' | 'debug' = 'info'): void {
    const dataJson = messageJson(text);
    this.outputs.event(dataJson === undefined ? { level, kind, ticker, message, data: msg } : { level, kind, ticker, message, data: msg, dataJson });
  }

  /** After a book update: a refused one is counted and asks for a snapshot, an accepted one logs the ladder (debug). */
  private bookStep(host: TickerHost, result: StepResult, text: string): Intent[] {
    if (result.refused) {
      this.refusedUpdates++;
      this.snapshotRequests.set(host.ticker, 'book_refused_update');
      this.outputs.event({
        level: 'warn',
        kind: 'book_refused_update',
        ticker: host.ticker,
        message: `${host.book.staleReason ?? 'book refused an update'}; resnapshotting`,
        data: { frame: truncateFrame(text) },
      });
    } else {
      this.ladder(host);
    }
    return result.intents;
  }

  /** A frame the actor cannot attribute by parsing: isolate the ticker the scan names, if it is ours. */
  private unreadable(text: string, reason: string): void {
    const ticker = scanFrame(text)?.ticker;
    const host = ticker === undefined ? undefined : this.hosts.get(ticker);
    this.outputs.event({ level: 'warn', kind: 'malformed_frame', message: reason, ...(ticker ? { ticker } : {}), data: { frame: truncateFrame(text) } });
    if (host) this.isolate(host, new Error(reason), text);
  }

  private ladder(host: TickerHost): void {
    if (this.options.logLevel !== 'debug') return;
    this.outputs.event({
      level: 'debug',
      kind: 'book',
      ticker: host.ticker,
      message: `top ${LADDER_DEPTH} levels`,
      data: { yes: host.book.topLevels('yes', LADDER_DEPTH), no: host.book.topLevels('no', LADDER_DEPTH) },
    });
  }

  // ---- isolation and output -----------------------------------------------------------

  /** Runs one host step (`notice`: a stale notice from the gateway); its intents are emitted; a throw isolates the ticker. */
  private guarded(host: TickerHost, frame: string | undefined, step: () => Intent[], notice?: StaleReason): void {
    const before = host.phase;
    let intents: Intent[];
    try {
      intents = step();
    } catch (error) {
      this.isolate(host, error as Error, frame);
      return;
    }
    this.tracePhase(host, before, notice);
    this.emit(host, intents);
  }

  /** Logs a stale notice, a turn to stale or a turn to live, before the intents of the step that caused it. */
  private tracePhase(host: TickerHost, before: TickerPhase, notice?: StaleReason): void {
    const after = host.phase;
    if (notice !== undefined || (after === 'stale' && before !== 'stale')) {
      const reason = notice ?? host.book.staleReason ?? 'stale';
      this.outputs.event({
        level: 'info',
        kind: 'book_stale',
        ticker: host.ticker,
        message: `book stale (${reason})`,
        data: { reason, notice: notice !== undefined, phase: after, intentsBefore: host.intentsEmitted },
      });
    } else if (after === 'live' && before !== 'live') {
      this.outputs.event({
        level: 'info',
        kind: 'book_live',
        ticker: host.ticker,
        message: `fresh snapshot applied, deciding again`,
        data: { intentsBefore: host.intentsEmitted },
      });
    }
  }

  private isolate(host: TickerHost, error: Error, frame: string | undefined): void {
    this.handlerFailures++;
    this.outputs.event({
      level: 'error',
      kind: 'ticker_isolated',
      ticker: host.ticker,
      message: `${error.message}; ticker marked stale, resnapshotting`,
      ...(frame !== undefined ? { data: { frame: truncateFrame(frame) } } : {}),
    });
    this.snapshotRequests.set(host.ticker, 'handler_failed');
    const before = host.phase;
    try {
      const intents = host.markStale('handler_failed');
      this.tracePhase(host, before);
      this.emit(host, intents);
    } catch (cancelError) {
      this.outputs.event({
        level: 'error',
        kind: 'ticker_isolated',
        ticker: host.ticker,
        message: `cancelling after a failure failed too: ${(cancelError as Error).message}`,
      });
    }
  }

  private emit(host: TickerHost, intents: readonly Intent[]): void {
    if (intents.length > 0) {
      for (const intent of intents) this.outputs.intent(intent);
      if (this.batchReceivedAt !== undefined) this.decisionLatency.record(this.now() - this.batchReceivedAt, intents.length);
      this.intentsEmitted += intents.length;
      host.intentsEmitted += intents.length;
      for (const intent of intents) this.intentsByKind[intent.kind] = (this.intentsByKind[intent.kind] ?? 0) + 1;
      this.dirtyStates.add(host.ticker);
      if (this.options.orders) this.forwarded.push(...intents);
    }
    this.schedule(host);
  }

  /** Posts what the last step produced for the gateway. */
  private report(): void {
    if (this.snapshotRequests.size > 0) {
      const byReason = new Map<string, string[]>();
      for (const [ticker, reason] of this.snapshotRequests) byReason.set(reason, [...(byReason.get(reason) ?? []), ticker]);
      this.snapshotRequests.clear();
      for (const [reason, tickers] of byReason) this.outputs.post({ kind: 'SnapshotRequested', tickers, reason });
    }
    if (this.dirtyStates.size > 0) {
      const states = [];
      for (const ticker of this.dirtyStates) states.push({ ticker, state: this.hosts.get(ticker)!.exportState() });
      this.dirtyStates.clear();
      this.outputs.post({ kind: 'MakerStatesReported', states });
    }
    this.submitForwarded();
  }

  /** Hands the intents forwarded since the last call to the execution actor, in order. */
  private submitForwarded(): void {
    if (this.forwarded.length === 0) return;
    this.outputs.submit?.(this.forwarded);
    this.forwarded = [];
  }

  // ---- timers -------------------------------------------------------------------------

  private schedule(host: TickerHost): void {
    if (this.stopped) return;
    const deadline = host.nextDeadlineMs();
    const current = this.timers.get(host.ticker);
    if (current && current.at === deadline) return;
    if (current) this.clock.clearTimer(current.handle);
    if (deadline === undefined) {
      this.timers.delete(host.ticker);
      return;
    }
    const handle = this.clock.setTimer(deadline, () => {
      this.timers.delete(host.ticker);
      if (this.stopped) return;
      this.guarded(host, undefined, () => host.timer());
      this.report();
    });
    this.timers.set(host.ticker, { handle, at: deadline });
  }
}
