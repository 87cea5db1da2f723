/** Shared test fixtures for the maker: spec-default parameters, books built from contracts, expected intents. */
import { OrderBook } from '../../src/book/order-book.js';
import type { StrategyParams } from '../../src/config/types.js';
import type { Intent, IntentAction, IntentKind } from '../../src/strategy/intent.js';
import type { Level } from '../../src/protocol/decode.js';
import { hundredthsToCount } from '../../src/protocol/fixed.js';
import type { Side } from '../../src/protocol/wire.js';

export const TICKER = 'KXTEST-26JAN01-T50';

/** The defaults of strategy-spec sections 3 and 5. */
export const SPEC_DEFAULTS: StrategyParams = Object.freeze({
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
});

export function paramsWith(overrides: Partial<StrategyParams>): StrategyParams {
  return { ...SPEC_DEFAULTS, ...overrides };
}

/** [price in ticks, size in whole contracts] */
export type ContractLevel = readonly [number, number];

function toLevels(levels: readonly ContractLevel[]): Level[] {
  return levels.map(([price, contracts]) => [price, Math.round(contracts * 100)] as const).sort((a, b) => a[0] - b[0]);
}

/** A trusted book from levels given in whole contracts. */
export function bookOf(yes: readonly ContractLevel[], no: readonly ContractLevel[], ticker = TICKER): OrderBook {
  const book = new OrderBook(ticker);
  book.applySnapshot({ ticker, yes: toLevels(yes), no: toLevels(no) });
  return book;
}

/** Spec example 1: YES 42x18, 40x5; NO 54x12, 53x22. */
export function exampleOneBook(): OrderBook {
  return bookOf(
    [
      [42, 18],
      [40, 5],
    ],
    [
      [54, 12],
      [53, 22],
    ],
  );
}

/** Positions and sizes in the tests are written in contracts; the engine counts hundredths. */
export function hundredths(contracts: number): number {
  return Math.round(contracts * 100);
}

export interface ExpectedIntent {
  readonly kind: IntentKind;
  readonly side: Side;
  readonly action: IntentAction;
  readonly price: number;
  /** contracts */
  readonly size: number;
  readonly reason: string;
  readonly prevPrice?: number;
}

/** The full intent a test expects, with the ticker and time filled in. */
export function intentAt(nowMs: number, expected: ExpectedIntent, ticker = TICKER): Intent {
  const intent: Intent = {
    tsMs: nowMs,
    ticker,
    kind: expected.kind,
    side: expected.side,
    action: expected.action,
    price: expected.price,
    size: hundredths(expected.size),
    reason: expected.reason,
  };
  return expected.prevPrice === undefined ? intent : { ...intent, prevPrice: expected.prevPrice };
}

/** A compact line per intent for assertions on sequences: "quote buy yes 5.00@43 join". */
export function describeIntents(intents: readonly Intent[]): string[] {
  return intents.map((intent) => {
    const size = hundredthsToCount(intent.size);
    const previous = intent.prevPrice === undefined ? '' : ` was ${intent.prevPrice}`;
    return `${intent.kind} ${intent.action} ${intent.side} ${size}@${intent.price} ${intent.reason}${previous}`;
  });
}
