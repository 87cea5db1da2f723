/**
 * Position and PnL accounting per market and in total. Pure: no I/O, no clock; every amount is an
 * exact integer (positions and volumes in hundredths of a contract, prices in ticks of one cent,
 * money in micro-dollars, µ$).
 *
 * Units: one hundredth of a contract at one tick costs $0.0001 = 100 µ$; one contract paying $1
 * is 10^6 µ$, so one hundredth paying $1 is 10^4 µ$.
 *
 * Position: signed hundredths, + YES / − NO (Kalshi nets the legs, see fill.ts). A fill that adds
 * to the leg held (or to a flat market) opens contracts at its leg price. A fill that adds to the
 * other leg closes held contracts first: buying NO at q against a YES holding sells that YES at
 * 100 − q, so each closed contract realizes (100 − q) minus its share of the cost basis. Any
 * excess opens the other leg at q.
 *
 * Cost basis: average cost, kept as one exact integer total in µ$ (`costMicros`). Closing k of
 * the N hundredths held takes floor(cost · k / N) of it; a close of everything held takes the
 * whole remainder. Rounding never leaks: a full round trip realizes exactly proceeds − cost.
 *
 * Realized PnL excludes fees; fees are summed apart and subtracted in `netMicros`.
 *
 * Marks (`mark`): the latest best bids on each leg, in ticks; a missing bid means that leg has
 * none. Two valuations of the open position:
 * - mid: a YES position at (yesBid + 100 − noBid) / 2 per contract, a NO position at
 *   (noBid + 100 − yesBid) / 2 (half ticks are exact in µ$). A book without both bids has no
 *   mid; the position is then valued as with the bid mark below.
 * - bid: what it could be sold into now: YES at the YES bid, NO at the NO bid; no bid, no value.
 * A market never marked has no bids. Unrealized = value − cost basis.
 *
 * Settlement: `yes` pays $1 per YES contract, `no` pays $1 per NO contract, the other leg pays 0;
 * the payout minus the cost basis is realized. `void` returns the positions at cost: realized
 * unchanged, position and cost 0. A settled market takes no further fills.
 */

import { FillError, acquisition, validateFill } from './fill.js';
import type { Fill, Leg } from './fill.js';

export type { Fill, Leg, Action, Acquisition } from './fill.js';
export { FillError, acquisition, validateFill } from './fill.js';

export type SettlementResult = 'yes' | 'no' | 'void';

export interface TopOfBook {
  /** best YES bid in ticks, 1..99; absent: no YES bid */
  readonly yesBid?: number;
  /** best NO bid in ticks, 1..99; absent: no NO bid */
  readonly noBid?: number;
}

export interface OrdersSent {
  readonly total: number;
  readonly byKind: Readonly<Record<string, number>>;
}

/** Accounting fields shared by a market and the total. */
export interface PnlFigures {
  /** cost basis of the open position, µ$ */
  readonly costMicros: number;
  /** realized PnL, fees excluded, µ$ */
  readonly realizedMicros: number;
  /** open position marked to the mid minus its cost, µ$ */
  readonly unrealizedMidMicros: number;
  /** open position marked to the bid it could be sold into minus its cost, µ$ */
  readonly unrealizedBidMicros: number;
  readonly feesMicros: number;
  /** realizedMicros + unrealizedMidMicros − feesMicros */
  readonly netMicros: number;
  /** hundredths traded */
  readonly volume: number;
  readonly fills: number;
  readonly ordersSent: OrdersSent;
  readonly tokensSpent: number;
  readonly rateLimited: number;
}

export interface MarketPnl extends PnlFigures {
  readonly ticker: string;
  /** signed hundredths, + YES / − NO */
  readonly position: number;
  /** the largest |position| this market has held, hundredths */
  readonly maxAbsPosition: number;
  readonly yesBid: number | null;
  readonly noBid: number | null;
  readonly settlement: SettlementResult | null;
}

export interface TotalPnl extends PnlFigures {
  /** markets known (traded, seeded, marked or counted) */
  readonly markets: number;
  /** markets with a non-zero position */
  readonly openMarkets: number;
  /** sum of |position| over the markets, hundredths */
  readonly absPosition: number;
  /** the largest maxAbsPosition of any market, hundredths */
  readonly maxAbsPosition: number;
  /** rate-limit events in total, including those not attributed to a market */
  readonly rateLimited: number;
}

/** µ$ for `hundredths` of a contract at `ticks` per contract. */
const MICROS_PER_HUNDREDTH_TICK = 100;
/** µ$ paid per hundredth of a contract on the winning leg ($1 per contract). */
const MICROS_PER_HUNDREDTH_AT_PAR = 10_000;

interface MarketState {
  readonly ticker: string;
  position: number;
  costMicros: number;
  realizedMicros: number;
  feesMicros: number;
  volume: number;
  fills: number;
  readonly ordersByKind: Map<string, number>;
  ordersTotal: number;
  tokensSpent: number;
  rateLimited: number;
  maxAbsPosition: number;
  yesBid: number | null;
  noBid: number | null;
  settlement: SettlementResult | null;
}

function safe(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`portfolio: ${what} left the safe integer range`);
  return value;
}

function checkTicker(ticker: unknown): string {
  if (typeof ticker !== 'string' || ticker === '') {
    throw new FillError(`portfolio: ticker must be a non-empty string, got ${typeof ticker === 'string' ? '""' : typeof ticker}`);
  }
  return ticker;
}

function checkBid(value: unknown, what: string): number | null {
  if (value === undefined) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 99) {
    throw new RangeError(`portfolio: ${what} must be an integer number of ticks in 1..99 or absent, got ${String(value)}`);
  }
  return value;
}

/** floor(a · b / c) for non-negative safe integers, exact past 2^53 in the product. */
function mulDivFloor(a: number, b: number, c: number): number {
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/**
 * Value of an open position in µ$ at the current marks, on the given valuation. Half ticks of the
 * mid are exact: hundredths · (sum of two tick prices) · 50.
 */
function positionValue(state: MarketState, kind: 'mid' | 'bid'): number {
  const held = Math.abs(state.position);
  if (held === 0) return 0;
  const leg: Leg = state.position > 0 ? 'yes' : 'no';
  const ownBid = leg === 'yes' ? state.yesBid : state.noBid;
  const otherBid = leg === 'yes' ? state.noBid : state.yesBid;
  if (kind === 'mid' && ownBid !== null && otherBid !== null) {
    return safe(held * (ownBid + 100 - otherBid) * (MICROS_PER_HUNDREDTH_TICK / 2), 'mid value');
  }
  return ownBid === null ? 0 : safe(held * ownBid * MICROS_PER_HUNDREDTH_TICK, 'bid value');
}

export class Portfolio {
  private readonly states = new Map<string, MarketState>();
  private unattributedRateLimited = 0;

  private state(ticker: string): MarketState {
    let state = this.states.get(ticker);
    if (state === undefined) {
      state = emptyState(ticker);
      this.states.set(ticker, state);
    }
    return state;
  }

  /** Books one fill: position, cost basis, realized PnL, fees, volume. */
  applyFill(fill: Fill): void {
    validateFill(fill);
    const existing = this.states.get(fill.ticker);
    if (existing?.settlement) {
      throw new FillError(`portfolio: ${fill.ticker} is settled (${existing.settlement}); fill of order ${fill.orderId} refused`);
    }
    const state = this.state(fill.ticker);
    const { leg, price } = acquisition(fill.side, fill.action, fill.price);
    const signed = leg === 'yes' ? fill.count : -fill.count;
    let opening = fill.count;
    let realized = state.realizedMicros;
    let cost = state.costMicros;
    let position = state.position;
    if (position !== 0 && Math.sign(position) !== Math.sign(signed)) {
      const held = Math.abs(position);
      const closed = Math.min(held, fill.count);
      const basis = closed === held ? cost : mulDivFloor(cost, closed, held);
      // the held leg is sold at 100 − price
      const proceeds = safe(closed * (100 - price) * MICROS_PER_HUNDREDTH_TICK, 'proceeds');
      realized = safe(realized + proceeds - basis, 'realized PnL');
      cost -= basis;
      position += Math.sign(signed) * closed;
      opening -= closed;
    }
    if (opening > 0) {
      cost = safe(cost + safe(opening * price * MICROS_PER_HUNDREDTH_TICK, 'cost'), 'cost basis');
      position = safe(position + Math.sign(signed) * opening, 'position');
    }
    const fees = safe(state.feesMicros + fill.feeMicros, 'fees');
    const volume = safe(state.volume + fill.count, 'volume');
    state.position = position;
    state.costMicros = cost;
    state.realizedMicros = realized;
    state.feesMicros = fees;
    state.volume = volume;
    state.fills += 1;
    state.maxAbsPosition = Math.max(state.maxAbsPosition, Math.abs(position));
  }

  /**
   * Starts a market from the venue's real inventory: a signed position in hundredths and its
   * cost basis in µ$. Only on a market that holds nothing (flat, not settled), so booked PnL is
   * never silently rewritten.
   */
  seedPosition(ticker: string, positionHundredths: number, costMicros: number): void {
    checkTicker(ticker);
    if (!Number.isSafeInteger(positionHundredths)) {
      throw new RangeError(`portfolio: seed position of ${ticker} must be a safe integer of hundredths, got ${positionHundredths}`);
    }
    if (!Number.isSafeInteger(costMicros) || costMicros < 0) {
      throw new RangeError(`portfolio: seed cost of ${ticker} must be a non-negative safe integer of micro-dollars, got ${costMicros}`);
    }
    if (positionHundredths === 0 && costMicros !== 0) {
      throw new RangeError(`portfolio: seed of ${ticker} has a cost (${costMicros} µ$) without a position`);
    }
    const existing = this.states.get(ticker);
    if (existing?.settlement) throw new FillError(`portfolio: ${ticker} is settled (${existing.settlement}); cannot seed it`);
    if (existing && existing.position !== 0) {
      throw new FillError(`portfolio: ${ticker} already holds ${existing.position} hundredths; seed only a flat market`);
    }
    const state = this.state(ticker);
    state.position = positionHundredths;
    state.costMicros = costMicros;
    state.maxAbsPosition = Math.max(state.maxAbsPosition, Math.abs(positionHundredths));
  }

  /** Settles a market: the position becomes realized PnL at $1 or $0 per contract, or (void) goes back at cost. */
  settle(ticker: string, result: SettlementResult): void {
    checkTicker(ticker);
    if (result !== 'yes' && result !== 'no' && result !== 'void') {
      throw new RangeError(`portfolio: settlement result of ${ticker} must be "yes", "no" or "void", got ${String(result)}`);
    }
    const existing = this.states.get(ticker);
    if (existing?.settlement) throw new FillError(`portfolio: ${ticker} is already settled (${existing.settlement})`);
    const state = this.state(ticker);
    if (result !== 'void' && state.position !== 0) {
      const leg: Leg = state.position > 0 ? 'yes' : 'no';
      const payout = leg === result ? safe(Math.abs(state.position) * MICROS_PER_HUNDREDTH_AT_PAR, 'payout') : 0;
      state.realizedMicros = safe(state.realizedMicros + payout - state.costMicros, 'realized PnL');
    }
    state.position = 0;
    state.costMicros = 0;
    state.settlement = result;
  }

  /** Records the latest best bids of a market (ticks); an absent bid means none on that leg. */
  mark(ticker: string, top: TopOfBook): void {
    checkTicker(ticker);
    if (top === null || typeof top !== 'object') throw new RangeError(`portfolio: mark of ${ticker} needs a top of book object`);
    const yesBid = checkBid(top.yesBid, `YES bid of ${ticker}`);
    const noBid = checkBid(top.noBid, `NO bid of ${ticker}`);
    const state = this.state(ticker);
    state.yesBid = yesBid;
    state.noBid = noBid;
  }

  /** Counts one order request sent for a market, by kind (e.g. "create", "cancel", "amend"). */
  orderSent(ticker: string, kind: string): void {
    checkTicker(ticker);
    if (typeof kind !== 'string' || kind === '') throw new RangeError(`portfolio: order kind for ${ticker} must be a non-empty string`);
    const state = this.state(ticker);
    state.ordersByKind.set(kind, (state.ordersByKind.get(kind) ?? 0) + 1);
    state.ordersTotal += 1;
  }

  /** Counts rate-limit tokens spent on a market's requests. */
  tokensSpent(ticker: string, tokens: number): void {
    checkTicker(ticker);
    if (!Number.isSafeInteger(tokens) || tokens < 0) {
      throw new RangeError(`portfolio: tokens spent on ${ticker} must be a non-negative safe integer, got ${tokens}`);
    }
    const state = this.state(ticker);
    state.tokensSpent = safe(state.tokensSpent + tokens, 'tokens spent');
  }

  /** Counts one rate-limit rejection (429), for a market or, without a ticker, for the account. */
  rateLimited(ticker?: string): void {
    if (ticker === undefined) {
      this.unattributedRateLimited += 1;
      return;
    }
    checkTicker(ticker);
    this.state(ticker).rateLimited += 1;
  }

  /** One market's figures; a market never seen reads as flat and empty. */
  market(ticker: string): MarketPnl {
    checkTicker(ticker);
    const state = this.states.get(ticker);
    return state ? snapshot(state) : snapshot(emptyState(ticker));
  }

  /**
   * The figures of `market()` a sampler reads, without building the whole snapshot (the same
   * values, the same checks).
   */
  marketFigures(ticker: string): Pick<MarketPnl, 'position' | 'netMicros' | 'realizedMicros' | 'yesBid' | 'noBid'> {
    checkTicker(ticker);
    const state = this.states.get(ticker) ?? emptyState(ticker);
    const unrealizedMidMicros = safe(positionValue(state, 'mid') - state.costMicros, 'unrealized');
    safe(positionValue(state, 'bid') - state.costMicros, 'unrealized');
    return {
      position: state.position,
      netMicros: safe(state.realizedMicros + unrealizedMidMicros - state.feesMicros, 'net'),
      realizedMicros: state.realizedMicros,
      yesBid: state.yesBid,
      noBid: state.noBid,
    };
  }

  /** Every known market's figures, ordered by ticker. */
  markets(): MarketPnl[] {
    return [...this.states.keys()].sort().map((ticker) => snapshot(this.states.get(ticker)!));
  }

  /** The markets summed. */
  total(): TotalPnl {
    const markets = this.markets();
    const byKind = new Map<string, number>();
    let ordersTotal = 0;
    let costMicros = 0;
    let realizedMicros = 0;
    let unrealizedMidMicros = 0;
    let unrealizedBidMicros = 0;
    let feesMicros = 0;
    let volume = 0;
    let fills = 0;
    let tokensSpent = 0;
    let rateLimited = this.unattributedRateLimited;
    let openMarkets = 0;
    let absPosition = 0;
    let maxAbsPosition = 0;
    for (const m of markets) {
      costMicros = safe(costMicros + m.costMicros, 'total cost');
      realizedMicros = safe(realizedMicros + m.realizedMicros, 'total realized');
      unrealizedMidMicros = safe(unrealizedMidMicros + m.unrealizedMidMicros, 'total unrealized');
      unrealizedBidMicros = safe(unrealizedBidMicros + m.unrealizedBidMicros, 'total unrealized');
      feesMicros = safe(feesMicros + m.feesMicros, 'total fees');
      volume = safe(volume + m.volume, 'total volume');
      fills += m.fills;
      tokensSpent = safe(tokensSpent + m.tokensSpent, 'total tokens');
      rateLimited += m.rateLimited;
      ordersTotal += m.ordersSent.total;
      for (const [kind, n] of Object.entries(m.ordersSent.byKind)) byKind.set(kind, (byKind.get(kind) ?? 0) + n);
      if (m.position !== 0) openMarkets += 1;
      absPosition = safe(absPosition + Math.abs(m.position), 'total position');
      maxAbsPosition = Math.max(maxAbsPosition, m.maxAbsPosition);
    }
    return {
      markets: markets.length,
      openMarkets,
      absPosition,
      maxAbsPosition,
      costMicros,
      realizedMicros,
      unrealizedMidMicros,
      unrealizedBidMicros,
      feesMicros,
      netMicros: safe(realizedMicros + unrealizedMidMicros - feesMicros, 'total net'),
      volume,
      fills,
      ordersSent: { total: ordersTotal, byKind: sortedRecord(byKind) },
      tokensSpent,
      rateLimited,
    };
  }
}

function emptyState(ticker: string): MarketState {
  return {
    ticker,
    position: 0,
    costMicros: 0,
    realizedMicros: 0,
    feesMicros: 0,
    volume: 0,
    fills: 0,
    ordersByKind: new Map(),
    ordersTotal: 0,
    tokensSpent: 0,
    rateLimited: 0,
    maxAbsPosition: 0,
    yesBid: null,
    noBid: null,
    settlement: null,
  };
}

/** A plain record sorted by key (Object.fromEntries defines keys, so "__proto__" stays a key). */
function sortedRecord(counts: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function snapshot(state: MarketState): MarketPnl {
  const unrealizedMidMicros = safe(positionValue(state, 'mid') - state.costMicros, 'unrealized');
  const unrealizedBidMicros = safe(positionValue(state, 'bid') - state.costMicros, 'unrealized');
  return {
    ticker: state.ticker,
    position: state.position,
    maxAbsPosition: state.maxAbsPosition,
    costMicros: state.costMicros,
    realizedMicros: state.realizedMicros,
    unrealizedMidMicros,
    unrealizedBidMicros,
    feesMicros: state.feesMicros,
    netMicros: safe(state.realizedMicros + unrealizedMidMicros - state.feesMicros, 'net'),
    volume: state.volume,
    fills: state.fills,
    ordersSent: { total: state.ordersTotal, byKind: sortedRecord(state.ordersByKind) },
    tokensSpent: state.tokensSpent,
    rateLimited: state.rateLimited,
    yesBid: state.yesBid,
    noBid: state.noBid,
    settlement: state.settlement,
  };
}
