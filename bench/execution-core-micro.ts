/**
 * What the execution actor's own work costs per intent, without threads, sockets or
 * signatures: an ExecutionCore with a fake venue that answers every request at once (a
 * resolved promise), the wall clock, a write budget that never binds and no minimum order
 * life. Each round gives every market a reprice of both legs (new price, new client order
 * id), one submit per market as a shard posts them, and waits for every answer; the first
 * round creates the orders and is left out, like the warm-up rounds. Time per intent is the
 * wall time of the measured rounds over their intents: submit, the pump, the request's
 * answer and the order events for the maker.
 *
 * With --expose-gc it also measures the heap the core keeps per amend of a resting order
 * (retainedPerAmend).
 *
 *   node --expose-gc --import tsx bench/execution-core-micro.ts [--markets 100,1000] [--rounds 200]
 *   (forked by bench/execution.ts: IPC out {kind: 'micro', results})
 */
import { performance } from 'node:perf_hooks';
import { wallClock } from '../src/clock/clock.js';
import { ExecutionCore } from '../src/execution/execution-core.js';
import type { Venue, VenueHandlers } from '../src/execution/venue.js';
import { WriteBudget } from '../src/execution/write-budget.js';
import type { Intent } from '../src/strategy/intent.js';
import { tellParent } from './child-process.js';

export interface MicroResult {
  readonly markets: number;
  readonly rounds: number;
  /** per measurement (one of `repeats`), ns per intent */
  readonly nsPerIntent: readonly number[];
  readonly medianNsPerIntent: number;
  /** requests sent per intent in the measured rounds (1: every reprice became one amend) */
  readonly requestsPerIntent: number;
}

/** A venue that says yes at once. */
function instantVenue(): Venue {
  let next = 0;
  return {
    label: 'bench',
    listen: (_handlers: VenueHandlers) => undefined,
    create: (order) => Promise.resolve({ orderId: `o${++next}`, remaining: order.size, filled: 0 }),
    cancel: () => Promise.resolve(0),
    amend: (request) => Promise.resolve({ remaining: request.resting, filled: request.filled }),
    decrease: (order) => Promise.resolve({ remaining: order.reduceTo }),
    findOrder: () => Promise.resolve(undefined),
    listResting: () => Promise.resolve([]),
    fills: () => Promise.resolve([]),
    positions: () => Promise.resolve({ positions: [], balanceCents: undefined }),
    close: () => Promise.resolve(),
  };
}

function intentsOf(ticker: string, round: number, id: number): Intent[] {
  // two prices, alternating: every round moves both legs by a tick
  const yes = 40 + (round % 2);
  const no = 55 - (round % 2);
  const base = { tsMs: 0, ticker, action: 'buy' as const, size: 500, reason: 'bench' };
  const kind = round === 0 ? ('quote' as const) : ('reprice' as const);
  return [
    { ...base, kind, side: 'yes', price: yes, clientOrderId: `b${id}y`, ...(round > 0 ? { prevPrice: 40 + ((round + 1) % 2) } : {}) },
    { ...base, kind, side: 'no', price: no, clientOrderId: `b${id}n`, ...(round > 0 ? { prevPrice: 55 - ((round + 1) % 2) } : {}) },
  ];
}

function makeCore(): ExecutionCore {
  return new ExecutionCore({
    venue: instantVenue(),
    clock: wallClock,
    budget: new WriteBudget({ tokensPerSecond: 1_000_000_000 }, wallClock.now()),
    minOrderLifeMs: 0,
    emit: () => undefined,
    journal: () => undefined,
    log: () => undefined,
  });
}

function tickersOf(markets: number): string[] {
  return Array.from({ length: markets }, (_, index) => `KXBENCH-26DEC31-T${index + 1}`);
}

async function measureOnce(markets: number, rounds: number, warmupRounds: number): Promise<{ nsPerIntent: number; requestsPerIntent: number }> {
  const core = makeCore();
  const tickers = tickersOf(markets);
  let id = 0;
  // every intent is made before the clock starts: only the core's work is timed
  const plan = Array.from({ length: warmupRounds + rounds + 1 }, (_, index) => tickers.map((ticker) => intentsOf(ticker, index, ++id)));
  const round = async (index: number): Promise<void> => {
    for (const intents of plan[index]!) core.submit(intents);
    await core.settled();
  };
  for (let index = 0; index <= warmupRounds; index++) await round(index);
  const requestsBefore = Object.values(core.counters().requests).reduce((a, b) => a + b, 0);
  const started = performance.now();
  for (let index = warmupRounds + 1; index <= warmupRounds + rounds; index++) await round(index);
  const elapsedMs = performance.now() - started;
  const intents = rounds * markets * 2;
  const requests = Object.values(core.counters().requests).reduce((a, b) => a + b, 0) - requestsBefore;
  return { nsPerIntent: (elapsedMs * 1e6) / intents, requestsPerIntent: requests / intents };
}

/**
 * Heap the core still holds after full collections, per amend of long-lived orders: the
 * same rounds at 100 markets, the heap read after the first 100 rounds and again after
 * `rounds` more. Needs --expose-gc; undefined without it.
 */
export async function retainedPerAmend(rounds: number): Promise<number | undefined> {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) return undefined;
  const core = makeCore();
  const tickers = tickersOf(100);
  let id = 0;
  const round = async (index: number): Promise<void> => {
    for (const ticker of tickers) core.submit(intentsOf(ticker, index, ++id));
    await core.settled();
  };
  const heap = (): number => {
    collect();
    collect();
    return process.memoryUsage().heapUsed;
  };
  for (let index = 0; index <= 100; index++) await round(index);
  const before = heap();
  const amendsBefore = core.counters().requests.amend ?? 0;
  for (let index = 101; index <= 100 + rounds; index++) await round(index);
  const after = heap();
  const amends = (core.counters().requests.amend ?? 0) - amendsBefore;
  return (after - before) / amends;
}

export async function measureCore(markets: number, rounds: number, repeats = 5): Promise<MicroResult> {
  const runs = [];
  for (let repeat = 0; repeat < repeats; repeat++) runs.push(await measureOnce(markets, rounds, 20));
  const sorted = runs.map((run) => run.nsPerIntent).sort((a, b) => a - b);
  return {
    markets,
    rounds,
    nsPerIntent: runs.map((run) => Math.round(run.nsPerIntent)),
    medianNsPerIntent: Math.round(sorted[Math.floor(sorted.length / 2)]!),
    requestsPerIntent: runs.at(-1)!.requestsPerIntent,
  };
}

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1]! : fallback;
}

const marketCounts = option('markets', '100,1000').split(',').map(Number);
const rounds = Number(option('rounds', '200'));
const results: MicroResult[] = [];
for (const markets of marketCounts) results.push(await measureCore(markets, Math.max(10, Math.round((rounds * 100) / markets))));
const retainedBytesPerAmend = await retainedPerAmend(1_000);
if (process.send) {
  tellParent({ kind: 'micro', results, retainedBytesPerAmend });
  process.disconnect();
} else {
  for (const result of results) {
    process.stdout.write(
      `ExecutionCore.submit, instant venue, ${result.markets} markets: ${result.medianNsPerIntent} ns per intent (runs ${result.nsPerIntent.join(', ')}; ${result.requestsPerIntent.toFixed(2)} requests per intent)\n`,
    );
  }
  process.stdout.write(
    `heap retained per amend of a resting order: ${retainedBytesPerAmend === undefined ? 'run with --expose-gc' : `${Math.round(retainedBytesPerAmend)} bytes`}\n`,
  );
}
