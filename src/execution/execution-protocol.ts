/**
 * What the main thread and the execution actor's thread say to each other: the task's
 * settings, the private frames the gateway forwards, and the control plane (Comlink).
 */
import type { MessagePort } from 'node:worker_threads';
import type { WriteTier } from '../config/types.js';
import type { MarketPnl, TotalPnl } from '../portfolio/portfolio.js';
import type { SummaryJson } from '../portfolio/summary.js';
import type { FillRecord } from '../portfolio/fill-record.js';
import type { ExecutionCounters } from './execution-core.js';
import type { RiskSnapshot } from '../risk/risk-engine.js';

export interface ExecutionSettings {
  /** what the summary calls the venue: paper, live, sandbox (sandbox: the local matching engine, no REST) */
  readonly label: string;
  readonly restUrl: string;
  readonly keyId: string;
  /** PEM text: the thread parses it itself */
  readonly privateKeyPem: string;
  readonly writeTier: WriteTier;
  /** 0: the tier's rate */
  readonly writeTokensPerSecond: number;
  readonly minOrderLifeMs: number;
  readonly requestTimeoutMs: number;
  /** every configured market at start (markets added later join them): at stop, what rests in them is listed and cancelled */
  readonly tickers: readonly string[];
  readonly cancelOnPause: boolean;
  /** the risk.* config (src/risk/limits.ts reads it); undefined: the defaults */
  readonly risk: unknown;
  /** live: a Kalshi order group per market, of this many matched contracts (hundredths) per 15 s */
  readonly orderGroupContracts?: number;
  /** where a tripped kill switch is recorded until resumed (src/execution/kill-switch-file.ts); undefined: not kept across restarts */
  readonly killSwitchFile?: string;
}

/** Raw frames of the account's private channels (fill, user_order, market_position), in arrival order. */
export interface PrivateFramesPosted {
  readonly kind: 'PrivateFramesPosted';
  readonly frames: readonly string[];
}

export interface ExecutionStatus {
  readonly counters: ExecutionCounters;
  readonly risk: RiskSnapshot;
  /** the orders not ended, for the status page */
  readonly orders: readonly {
    readonly ticker: string;
    readonly clientOrderId: string;
    readonly leg: 'yes' | 'no';
    readonly action: 'buy' | 'sell';
    readonly price: number;
    readonly remaining: number;
    readonly status: string;
  }[];
  readonly total: TotalPnl;
  readonly markets: readonly MarketPnl[];
  /** the latest fills (as the journal writes them) and refusals, newest last */
  readonly recentFills: readonly FillRecord[];
  readonly recentRejects: readonly { readonly ts: string; readonly ticker: string; readonly reason: string }[];
}

export interface ExecutionStopReport {
  /** orders cancelled while stopping */
  readonly cancelled: number;
  /** orders the venue still lists as resting after the last attempt (-1: the venue could not be asked) */
  readonly remaining: number;
  readonly counters: ExecutionCounters;
  readonly summary: SummaryJson;
  /** the per-market table for the console */
  readonly table: string;
  readonly line: string;
}

export interface ReconcileReport {
  readonly cancelled: number;
  readonly adopted: number;
  readonly positions: readonly { readonly ticker: string; readonly position: number; readonly costMicros: number }[];
  readonly balanceCents: number | undefined;
}

export interface ExecutionControl {
  addShard(port: MessagePort): void;
  status(): ExecutionStatus;
  /** empties every order slot at once (the audit trail failed, a kill) */
  cancelAll(reason: string): void;
  /** reconciles with the venue before quoting (see ExecutionCore.reconcile) */
  reconcile(policy: 'cancel' | 'adopt'): Promise<ReconcileReport>;
  /** markets added while running: reconciled like those at start; from now on listed at stop and after reconnects too (never dropped from that list) */
  addTickers(tickers: readonly string[], policy: 'cancel' | 'adopt'): Promise<ReconcileReport>;
  /** after a reconnect: catches up on fills and orders the private channel missed */
  resync(): Promise<{ missedFills: number; ended: number; strangers: number }>;
  /** manual control (ticker undefined: every market); a refusal says why */
  control(action: 'pause' | 'resume' | 'flatten' | 'kill', ticker: string | undefined, who: string): { ok: boolean; message: string };
  /** cancels everything, confirms with the venue that nothing rests, and ends the thread */
  stop(reason: string): Promise<ExecutionStopReport>;
}
