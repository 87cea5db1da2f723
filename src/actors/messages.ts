/**
 * Every message that crosses a port between the gateway (main thread) and a shard actor
 * (worker thread). Commands are imperative (`DeliverFrames`), events past tense
 * (`FramesProcessed`). The data port carries `DataPortMessage`s both ways; the control
 * port carries Comlink calls on `ActorControl`; the task payload is a `ShardTask`.
 */
import type { MessagePort } from 'node:worker_threads';
import type { LogLevel, RuntimeClock, StrategyParams } from '../config/types.js';
import type { Intent } from '../strategy/intent.js';
import type { BookSnapshot } from '../protocol/decode.js';
import type { MakerState, WindDownPolicy } from '../strategy/dual-maker.js';
import type { LatencyBuckets } from './latency-histogram.js';

/** Why the gateway tells an actor that books can no longer be trusted. */
export type StaleReason = 'sequence_gap' | 'disconnected' | 'slow_consumer' | 'subscription_lost' | 'actor_restarted' | 'handler_failed';

// ---- gateway -> actor, data port ------------------------------------------------------

/** Raw server frames for tickers of this actor, in arrival order; the actor parses them. */
export interface DeliverFrames {
  readonly kind: 'DeliverFrames';
  readonly frames: readonly string[];
  /** when the gateway received the first of these frames (`sharedNowMs`): decision latency is measured from it */
  readonly receivedAt?: number;
}

/** These books are stale: cancel what rests on them and wait for a fresh snapshot. */
export interface MarkStale {
  readonly kind: 'MarkStale';
  readonly tickers: readonly string[];
  readonly reason: StaleReason;
}

export type ActorCommand = DeliverFrames | MarkStale;

// ---- actor -> gateway, data port ------------------------------------------------------

/** Credit: this many delivered frames are done. */
export interface FramesProcessed {
  readonly kind: 'FramesProcessed';
  readonly frames: number;
}

/** The actor isolated these tickers (a handler threw) and needs fresh snapshots. */
export interface SnapshotRequested {
  readonly kind: 'SnapshotRequested';
  readonly tickers: readonly string[];
  readonly reason: string;
}

export interface TickerMakerState {
  readonly ticker: string;
  readonly state: MakerState;
}

/** The latest maker state of tickers whose makers just emitted intents (for restarts). */
export interface MakerStatesReported {
  readonly kind: 'MakerStatesReported';
  readonly states: readonly TickerMakerState[];
}

export type ActorEvent = FramesProcessed | SnapshotRequested | MakerStatesReported;

export type DataPortMessage = ActorCommand | ActorEvent;

// ---- task payload and control plane ---------------------------------------------------

export interface TickerSetup {
  readonly ticker: string;
  readonly params: StrategyParams;
  /** present when the actor is re-created after a crash: the last state it reported */
  readonly restoredState?: MakerState;
  /** the venue's position at start (reconciliation): the maker starts from the real inventory */
  readonly position?: { readonly position: number; readonly costE4: number };
  /** the market is leaving (re-created after a crash while it wound down): it winds down again at once */
  readonly windDown?: WindDownPolicy;
}

/** A market that is leaving, as its actor sees it. */
export interface TickerWinding {
  readonly policy: WindDownPolicy;
  /** the position its maker decides on, hundredths of a contract */
  readonly position: number;
  /** orders its maker believes rest */
  readonly resting: number;
}

export interface ShardOrders {
  readonly idPrefix: string;
  readonly ownOrdersInBook: boolean;
}

export interface ShardTask {
  readonly shardId: number;
  readonly tickers: readonly TickerSetup[];
  readonly dataPort: MessagePort;
  readonly controlPort: MessagePort;
  /** producer end of a logger channel: intents and events go straight to the logger */
  readonly logPort: MessagePort;
  readonly logLevel: LogLevel;
  /**
   * Intents become orders (every execution mode but announce): each gets a client order id
   * starting with `idPrefix` and goes to the execution actor on `executionPort`, which sends
   * back what became of them. `ownOrdersInBook`: the orders rest in the book the feed shows
   * (paper and live), so the maker decides on the book without them.
   */
  readonly orders?: ShardOrders;
  readonly executionPort?: MessagePort;
  /** the time the actor decides in: the wall clock, or the time its frames carry (src/clock/clock.ts) */
  readonly clock: RuntimeClock;
}

export type TickerPhase = 'starting' | 'live' | 'stale' | 'closed' | 'stopped';

export interface ActorStatus {
  readonly shardId: number;
  readonly threadId: number;
  readonly tickers: Readonly<Record<TickerPhase, number>>;
  /** each hosted ticker's phase (for the status page) */
  readonly phases: Readonly<Record<string, TickerPhase>>;
  /** intents emitted since the start, by kind */
  readonly intentsByKind: Readonly<Record<string, number>>;
  readonly framesProcessed: number;
  readonly intentsEmitted: number;
  readonly handlerFailures: number;
  /** book updates refused (a level below zero, a bad snapshot): each made its ticker stale */
  readonly refusedUpdates: number;
  /**
   * decision latency since the start: for every intent a delivered frame caused, the time
   * from the receipt of the first frame of its batch (an upper bound) to its emission
   */
  readonly decisionLatency: LatencyBuckets;
  /** the hosted markets that are leaving (windDown), by ticker */
  readonly winding: Readonly<Record<string, TickerWinding>>;
}

/** One ticker's book as the exchange sent it (own orders included), with the ticker's phase. */
export interface TickerBook {
  readonly phase: TickerPhase;
  readonly book: BookSnapshot;
}

export interface ActorStopReport {
  readonly shardId: number;
  readonly framesProcessed: number;
  readonly intentsEmitted: number;
}

/** The control plane of one shard actor, called through Comlink. */
export interface ActorControl {
  status(): ActorStatus;
  /** false when the actor does not host the ticker */
  setParams(ticker: string, params: StrategyParams): boolean;
  addTickers(tickers: readonly TickerSetup[]): void;
  /** these markets are leaving: they stop bidding and wind down by the policy; returns how many it hosts */
  windDown(tickers: readonly string[], policy: WindDownPolicy): number;
  /** drops these markets (each shut down first: whatever its maker still had resting is cancelled); returns how many it hosted */
  removeTickers(tickers: readonly string[]): number;
  /** the ticker's book, undefined when the actor does not host it */
  book(ticker: string): TickerBook | undefined;
  /** cancels everything (reason shutdown), flushes to the logger, and ends the task */
  stop(): ActorStopReport;
}
