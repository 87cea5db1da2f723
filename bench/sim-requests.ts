/**
 * The simulator process of the bench (bench/sim-process.ts) as its parent sees it: its
 * options, what it reports about the REST requests it received, and the reading of those
 * requests (writes by kind, flips).
 */
import { forkBench, type BenchChild } from './child-process.js';
import type { RateTier, SimulatorStats } from '../src/sim/index.js';

export interface SimProcessOptions {
  readonly keysFile: string;
  readonly tickers: readonly string[];
  readonly seed: number;
  readonly rateLimit: RateTier | 'off';
  readonly ratePerMarket: number;
  readonly maxRateTotal: number;
  /** one market step, ms (the simulator's default is 100: every market's events of a step come at once) */
  readonly tickMs?: number;
  /** keep every write request (arrival time, body fields) for the parent */
  readonly recordWrites: boolean;
}

/** What a REST request is, from its method and path. */
export type RequestKind = 'create' | 'amend' | 'decrease' | 'cancel' | 'batch_create' | 'batch_cancel' | 'cancel_all' | 'read';

/** The requests that spend write tokens: the writes of the write budget. */
export const WRITE_KINDS: readonly RequestKind[] = ['create', 'amend', 'decrease', 'cancel', 'batch_create', 'batch_cancel', 'cancel_all'];

export interface WriteRecord {
  readonly kind: RequestKind;
  /** arrival (request headers parsed), ms of CLOCK_MONOTONIC */
  readonly atMs: number;
  /** the HTTP status of the answer (0 until it is sent) */
  status: number;
  ticker?: string;
  /** the book side (bid buys YES, ask buys NO) */
  side?: string;
  /** YES-leg price, ticks */
  price?: number;
  /** create: the order's client id; amend: the id it had */
  clientOrderId?: string;
  /** amend: the id it gets */
  updatedClientOrderId?: string;
  /** amend, decrease, cancel: the order id in the path */
  orderId?: string;
}

export interface SimProcessStats {
  readonly sim: SimulatorStats;
  /** requests received, by kind */
  readonly received: Record<string, number>;
  /** answers sent, by HTTP status */
  readonly answered: Record<string, number>;
}

const ORDERS_PATH = /\/portfolio\/events\/orders(?:\/(batched)|\/([^/?]+)(?:\/(amend|decrease))?)?(?:\?|$)/;

/** The parts of an order-entry path: batched, the order id, the action after it. */
export function ordersPathParts(url: string): { batched: boolean; orderId: string | undefined; action: string | undefined } | undefined {
  const match = ORDERS_PATH.exec(url);
  if (!match) return undefined;
  return { batched: match[1] !== undefined, orderId: match[2] === undefined ? undefined : decodeURIComponent(match[2]), action: match[3] };
}

export function requestKind(method: string, url: string): RequestKind {
  const parts = ordersPathParts(url);
  if (!parts || method === 'GET') return 'read';
  if (method === 'POST') {
    if (parts.batched) return 'batch_create';
    if (parts.action === 'amend') return 'amend';
    if (parts.action === 'decrease') return 'decrease';
    return parts.orderId === undefined ? 'create' : 'read';
  }
  if (method === 'DELETE') return parts.batched ? 'batch_cancel' : parts.orderId !== undefined ? 'cancel' : 'cancel_all';
  return 'read';
}

/** "0.4300" -> 43: the bodies the engine sends carry whole ticks. */
export function ticksOf(dollars: unknown): number | undefined {
  if (typeof dollars !== 'string' || !/^\d+(\.\d+)?$/.test(dollars)) return undefined;
  return Math.round(Number(dollars) * 100);
}

/** ms of CLOCK_MONOTONIC (process.hrtime): comparable between the processes of one machine. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** How far a price may return to count as a flip, ms. */
export const FLIP_WINDOW_MS = 1_000;

/**
 * Flips among the writes the venue accepted: a reprice (an amend to a new price) whose
 * order's price returns to the price before it within FLIP_WINDOW_MS. An order is followed
 * through its amends by client order id (an amend names the id it had and the one it gets),
 * from its create on; only reprices that arrived within [fromMs, toMs] are counted.
 */
export function countFlips(
  writes: readonly WriteRecord[],
  fromMs = Number.NEGATIVE_INFINITY,
  toMs = Number.POSITIVE_INFINITY,
): { reprices: number; flips: number } {
  interface Track {
    price: number;
    previous: number | undefined;
    changedAtMs: number;
  }
  const orders = new Map<string, Track>();
  let reprices = 0;
  let flips = 0;
  const accepted = writes.filter((write) => write.status >= 200 && write.status < 300).sort((a, b) => a.atMs - b.atMs);
  for (const write of accepted) {
    if (write.kind === 'create' && write.clientOrderId !== undefined && write.price !== undefined) {
      orders.set(write.clientOrderId, { price: write.price, previous: undefined, changedAtMs: write.atMs });
    } else if (write.kind === 'amend' && write.clientOrderId !== undefined && write.price !== undefined) {
      const track = orders.get(write.clientOrderId);
      if (track === undefined) continue;
      orders.delete(write.clientOrderId);
      if (write.price !== track.price) {
        const counted = write.atMs >= fromMs && write.atMs <= toMs;
        if (counted) reprices += 1;
        if (counted && write.price === track.previous && write.atMs - track.changedAtMs <= FLIP_WINDOW_MS) flips += 1;
        track.previous = track.price;
        track.price = write.price;
        track.changedAtMs = write.atMs;
      }
      orders.set(write.updatedClientOrderId ?? write.clientOrderId, track);
    }
  }
  return { reprices, flips };
}

export interface SimChild {
  readonly url: string;
  readonly restUrl: string;
  readonly tickers: readonly string[];
  readonly pid: number;
  stats(): Promise<SimProcessStats>;
  /** the writes recorded since the last call (recordWrites) */
  writes(): Promise<WriteRecord[]>;
  stop(): Promise<void>;
  /** ends the process at once */
  kill(): void;
  readonly exited: Promise<number | null>;
}

export async function startSimProcess(options: SimProcessOptions): Promise<SimChild> {
  const child: BenchChild = forkBench('./sim-process.ts', [JSON.stringify(options)]);
  const { url, restUrl, tickers } = await child.next<{ url: string; restUrl: string; tickers: string[] }>('listening');
  return {
    url,
    restUrl,
    tickers,
    pid: child.process.pid!,
    exited: child.exited,
    stats: async () => {
      child.send({ kind: 'stats' });
      return (await child.next<{ stats: SimProcessStats }>('stats')).stats;
    },
    writes: async () => {
      child.send({ kind: 'writes' });
      return (await child.next<{ writes: WriteRecord[] }>('writes')).writes;
    },
    stop: async () => {
      if (child.process.connected) child.send({ kind: 'stop' });
      const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
      await child.exited;
      clearTimeout(timer);
    },
    kill: () => {
      if (child.process.exitCode === null) child.process.kill('SIGKILL');
    },
  };
}
