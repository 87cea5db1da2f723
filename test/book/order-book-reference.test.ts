import { expect } from 'chai';
import fc from 'fast-check';
import { OrderBook } from '../../src/book/order-book.js';
import type { Level } from '../../src/protocol/decode.js';
import type { Side } from '../../src/protocol/wire.js';

const TICKER = 'KXREF-26JAN01';

/** The obvious model: a Map from price to size per side, scanned in full for every query. */
class ReferenceBook {
  readonly sides: Record<Side, Map<number, number>> = { yes: new Map(), no: new Map() };

  load(levels: Record<Side, readonly Level[]>): void {
    for (const side of ['yes', 'no'] as const) {
      this.sides[side].clear();
      for (const [price, size] of levels[side]) {
        if (size > 0) this.sides[side].set(price, (this.sides[side].get(price) ?? 0) + size);
      }
    }
  }

  /** Returns false (and leaves the model untouched) when the level would go negative. */
  apply(side: Side, price: number, change: number): boolean {
    const size = (this.sides[side].get(price) ?? 0) + change;
    if (size < 0) return false;
    if (size === 0) this.sides[side].delete(price);
    else this.sides[side].set(price, size);
    return true;
  }

  descending(side: Side): Level[] {
    return [...this.sides[side].entries()].sort((a, b) => b[0] - a[0]);
  }

  /** The `pick`-th existing level of a side (cycling), if the side has any. */
  pickLevel(side: Side, pick: number): Level | undefined {
    const levels = this.descending(side);
    return levels.length === 0 ? undefined : levels[pick % levels.length];
  }
}

/**
 * A delta at a random price, or a delta aimed at an existing level: taking out all of it
 * (the level disappears), part of it, or one hundredth more than it holds (refused).
 */
type Operation =
  | { readonly kind: 'delta'; readonly side: Side; readonly price: number; readonly change: number }
  | { readonly kind: 'drain' | 'trim' | 'overdraw'; readonly side: Side; readonly pick: number }
  | { readonly kind: 'snapshot'; readonly yes: Level[]; readonly no: Level[] };

/** Prices crowd near the middle so that levels collide, empty out and the best bid moves often. */
const priceArbitrary = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 38, max: 46 }));
/** Sizes in hundredths, often fractional contracts. */
const sizeArbitrary = fc.oneof(
  fc.integer({ min: 1, max: 99 }),
  fc.integer({ min: 1, max: 50 }).map((contracts) => contracts * 100),
  fc.integer({ min: 1, max: 1_000_000 }),
);
const levelsArbitrary = fc.array(fc.tuple(priceArbitrary, sizeArbitrary), { maxLength: 12 }) as fc.Arbitrary<Level[]>;
const sideArbitrary = fc.constantFrom<Side>('yes', 'no');
function randomDelta(change: fc.Arbitrary<number>): fc.Arbitrary<Operation> {
  return fc.record({ kind: fc.constant('delta' as const), side: sideArbitrary, price: priceArbitrary, change });
}

function aimedDelta(kind: 'drain' | 'trim' | 'overdraw'): fc.Arbitrary<Operation> {
  return fc.record({ kind: fc.constant(kind), side: sideArbitrary, pick: fc.nat() });
}

const snapshotArbitrary: fc.Arbitrary<Operation> = fc.record({
  kind: fc.constant('snapshot' as const),
  yes: levelsArbitrary,
  no: levelsArbitrary,
});

const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 40, arbitrary: randomDelta(sizeArbitrary) },
  { weight: 10, arbitrary: randomDelta(sizeArbitrary.map((size) => -size)) },
  { weight: 20, arbitrary: aimedDelta('drain') },
  { weight: 20, arbitrary: aimedDelta('trim') },
  { weight: 2, arbitrary: aimedDelta('overdraw') },
  { weight: 1, arbitrary: snapshotArbitrary },
);

const operationsArbitrary = fc.array(operationArbitrary, { minLength: 200, maxLength: 600 });

type DeltaOperation = Exclude<Operation, { kind: 'snapshot' }>;

function deltaFor(operation: DeltaOperation, model: ReferenceBook): { price: number; change: number } {
  if (operation.kind === 'delta') return { price: operation.price, change: operation.change };
  const level = model.pickLevel(operation.side, operation.pick);
  if (level === undefined) return { price: 50, change: 1 + (operation.pick % 300) };
  const [price, size] = level;
  if (operation.kind === 'drain') return { price, change: -size };
  if (operation.kind === 'overdraw') return { price, change: -size - 1 };
  return { price, change: -(1 + (operation.pick % size)) };
}

function expectSameBook(book: OrderBook, model: ReferenceBook, context: string): void {
  for (const side of ['yes', 'no'] as const) {
    const expected = model.descending(side);
    const best = expected[0];
    const expectedBest = best === undefined ? undefined : { price: best[0], size: best[1] };
    expect(book.bestBid(side), `${context} best ${side}`).to.deep.equal(expectedBest);
    expect(book.topLevels(side, 3), `${context} top ${side}`).to.deep.equal(expected.slice(0, 3));
    expect(book.toSnapshot()[side], `${context} all ${side}`).to.deep.equal([...expected].reverse());
  }
  const yes = model.descending('yes')[0];
  const no = model.descending('no')[0];
  expect(book.spread(), `${context} spread`).to.equal(yes && no ? 100 - yes[0] - no[0] : undefined);
}

describe('OrderBook against a reference model', () => {
  it('matches a Map-based model over thousands of random deltas, refusals included', () => {
    let deltasChecked = 0;
    fc.assert(
      fc.property(levelsArbitrary, levelsArbitrary, operationsArbitrary, (yes, no, operations) => {
        const book = new OrderBook(TICKER);
        const model = new ReferenceBook();
        let seq = 1;
        book.applySnapshot({ ticker: TICKER, yes, no }, seq);
        model.load({ yes, no });
        expectSameBook(book, model, 'after the first snapshot');
        operations.forEach((operation, index) => {
          seq += 1 + (index % 3); // seqs of one market skip numbers
          if (operation.kind === 'snapshot') {
            book.applySnapshot({ ticker: TICKER, yes: operation.yes, no: operation.no }, seq);
            model.load(operation);
          } else {
            const { price, change } = deltaFor(operation, model);
            const bookDelta = { ticker: TICKER, side: operation.side, price, delta: change };
            const applied = book.applyDelta(bookDelta, seq);
            const modelApplied = model.apply(operation.side, price, change);
            expect(applied, `delta ${index}`).to.equal(modelApplied);
            expect(book.stale).to.equal(!modelApplied);
            deltasChecked += 1;
            if (!applied) {
              expect(book.staleReason).to.match(/^level negative: /);
              // recover the way the gateway does: a fresh snapshot of the true book
              const ascending = (side: Side): Level[] => [...model.descending(side)].reverse();
              book.applySnapshot({ ticker: TICKER, yes: ascending('yes'), no: ascending('no') }, seq);
            }
          }
          expectSameBook(book, model, `after operation ${index}`);
        });
      }),
      { numRuns: 25, seed: 20261125 },
    );
    expect(deltasChecked).to.be.greaterThan(5000);
  });
});
