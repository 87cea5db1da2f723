/**
 * What the main thread and the execution actor's thread say to each other: the task's
 * settings, the private frames the gateway forwards, and the control plane (Comlink).
 */
import type { MessagePort } from 'node:worker_threads';
import type { WriteTier } from '../config/types.js';
import type { MarketPnl, TotalPnl } from '../portfolio/portfolio.js';
import type { SummaryJson } from '../portfolio/summary.js';
import type { ExecutionCounters } from './execution-core.js';

export interface ExecutionSettings {
  /** what the summary calls the venue: paper, live */
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
  /** every configured market: at stop, what rests in them is listed and cancelled */
  readonly tickers: readonly string[];
  readonly cancelOnPause: boolean;
}

/** Raw frames of the account's private channels (fill, user_order, market_position), in arrival order. */
export interface PrivateFramesPosted {
  readonly kind: 'PrivateFramesPosted';
  readonly frames: readonly string[];
}

export interface ExecutionStatus {
  readonly counters: ExecutionCounters;
  readonly total: TotalPnl;
  readonly markets: readonly MarketPnl[];
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

export interface ExecutionControl {
  addShard(port: MessagePort): void;
  status(): ExecutionStatus;
  /** empties every order slot at once (the audit trail failed, a kill) */
  cancelAll(reason: string): void;
  /** cancels everything, confirms with the venue that nothing rests, and ends the thread */
  stop(reason: string): Promise<ExecutionStopReport>;
}
