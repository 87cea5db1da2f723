/**
 * The risk engine: the gate every order passes before it is sent, and the kill switch.
 *
 * It lives in the execution actor, which tells it everything that changes risk:
 *   check(order, nowMs)        before an order (or an amend) is sent: allowed, or why not
 *   orderSent(order, nowMs)    the order went out; it counts as resting from now on (it may fill
 *                              before the venue acknowledges it) and in the orders-per-second window
 *   orderAccepted(cid, id)     the venue's order id, so fills that carry only it find the order
 *   orderResting(order)        what the venue says rests now (reconciliation, or after a decrease)
 *   orderClosed(cid)           canceled, rejected, expired or done: it no longer rests
 *   fill(fill, nowMs)          position and cost basis move; the order's remainder shrinks
 *   pnl(netMicros, nowMs)      total net PnL (realized + marked − fees) after each mark or fill;
 *                              the hard limits are judged here and may trip the kill switch
 *   setPosition / settled      the venue's position (reconciliation), a settled market
 * Cancels and decreases never pass the gate: they only take risk away, and they go out in
 * every state, halted included.
 *
 * States, per market and for the account (the stricter wins; halted is account-wide):
 *   active     orders within the limits are sent
 *   reducing   only reducing orders are sent (flatten())
 *   paused     nothing is sent but cancels (pause())
 *   halted     the kill switch is tripped: nothing is sent but cancels, in every market, until
 *              a person calls resume(). It latches: recovering PnL, a new day, activate() or
 *              anything else never clears it.
 * pause, flatten and activate set a mode on one market or, without a ticker, on the account;
 * the two layers are kept apart, so activate() clears the account's mode and leaves markets
 * paused one by one as they were.
 *
 * Limits (limits.ts). Each is the largest value allowed: reaching it passes, one unit past it
 * does not.
 *   soft (block the order; nothing latches): position_contracts, position_dollars and
 *     exposure_dollars on the worst case of resting orders (worst-case.ts), open_orders,
 *     orders_per_second.
 *   hard (trip the kill switch): max_drawdown_dollars (net PnL below its peak; a marked loss
 *     counts before it is realized) and daily_loss_dollars (net PnL below its level when the
 *     UTC day began, or at start if that was later).
 * A soft limit blocks only an order that would make it worse: the worst case after the order
 * is above the limit and above what it was. A reducing order passes every soft limit (the
 * flow limits too: it still counts in them) and the reducing mode. An order is reducing when
 * it acquires the leg opposite to the position and, with every other resting order on that
 * leg, cannot take the position past flat.
 *
 * Reduce-only orders are judged the same way, with the venue's rule that they never pass flat:
 * one is reducing, and passes, unless plain orders rest on its leg. Then it is not waved
 * through: closing the other leg would let those orders open further, so it passes only where
 * that worst case stays within the limits (cancel the plain orders to flatten in full).
 *
 * Time is an argument. A nowMs earlier than one already seen is read as the latest seen, so a
 * clock that steps back never lets orders out of the 1 s window early or reopens a day.
 *
 * Bad input: check() never throws (a malformed order is refused as `invalid_order`); the other
 * inputs throw a RiskInputError (or, for a malformed fill, the FillError of validateFill) that
 * names what is wrong, and change nothing.
 */
import type { Action, Fill, Leg } from '../portfolio/fill.js';
import { acquisition, validateFill } from '../portfolio/fill.js';
import { formatContracts, formatDollars, formatOrders, formatTicks } from './format.js';
import { LIMIT_KEY, describeLimit, describeRiskLimits, validateRiskLimits } from './limits.js';
import type { RiskLimitKey, RiskLimits } from './limits.js';
import { MICROS_PER_HUNDREDTH_TICK, worstCase } from './worst-case.js';
import type { RestingLeg, WorstCase } from './worst-case.js';

export type RiskState = 'active' | 'reducing' | 'paused' | 'halted';
/** A mode set by hand on a market or the account. */
export type RiskMode = 'active' | 'reducing' | 'paused';

/** An order about to be sent (an OrderIntent of src/execution fits). */
export interface RiskOrder {
  readonly ticker: string;
  readonly leg: Leg;
  readonly action: Action;
  /** ticks on the leg, 1..99 */
  readonly price: number;
  /** hundredths of a contract, >= 1; for an amend, the hundredths that rest after it */
  readonly size: number;
  readonly reduceOnly: boolean;
  /**
   * An amend: the client order id of the resting order it replaces (same ticker, leg and
   * action). From an AmendIntent: size = resting, replaces = clientOrderId, and the sent
   * order's clientOrderId = updatedClientOrderId. An id not resting here is read as a new order.
   */
  readonly replaces?: string;
}

/** An order that went out, under its client order id (for an amend, the updated one). */
export interface RiskOrderSent extends RiskOrder {
  readonly clientOrderId: string;
}

/** What blocked an order: a limit (config key) or a state. */
export type RiskBlockCause = RiskLimitKey | 'halted' | 'paused' | 'reducing' | 'invalid_order';

export interface RiskBlock {
  readonly allowed: false;
  readonly limit: RiskBlockCause;
  /** one line for the log: the order, the value it would reach, the threshold */
  readonly reason: string;
  /** true when the kill switch is what blocks */
  readonly hard: boolean;
  /** the value the order would reach, readable ("101 contracts", "$50.01", "9 orders") */
  readonly value?: string;
  /** the limit it would pass, readable */
  readonly threshold?: string;
}

export type RiskDecision = { readonly allowed: true } | RiskBlock;

export type TripCause = 'max_drawdown_dollars' | 'daily_loss_dollars' | 'manual';

/** Why the kill switch tripped. */
export interface TripRecord {
  readonly limit: TripCause;
  readonly reason: string;
  readonly atMs: number;
  readonly value?: string;
  readonly threshold?: string;
}

export interface ResumeRecord {
  readonly who: string;
  readonly atMs: number;
  /** the trip this resume cleared */
  readonly cleared: TripRecord;
  /** whether the drawdown peak and the day's start were moved to the PnL at resume */
  readonly rebased: boolean;
}

export type ResumeResult = ({ readonly resumed: true } & ResumeRecord) | { readonly resumed: false; readonly reason: string };

export interface RiskStart {
  /** epoch ms at start; the first day of the daily loss is its UTC day */
  readonly nowMs: number;
  /** net PnL at start, µ$ (the peak and the day's start begin here); default 0 */
  readonly netMicros?: number;
}

export interface MarketRiskSnapshot {
  readonly ticker: string;
  readonly state: RiskState;
  readonly mode: RiskMode;
  /** signed hundredths, + YES / − NO */
  readonly position: number;
  readonly costMicros: number;
  readonly openOrders: number;
  readonly yesReach: number;
  readonly noReach: number;
  /** worst-case cost of the position, µ$ */
  readonly exposureMicros: number;
}

export interface RiskSnapshot {
  readonly state: RiskState;
  /** the account's own mode (markets may be stricter) */
  readonly mode: RiskMode;
  readonly trippedBecause: TripRecord | null;
  readonly lastResume: ResumeRecord | null;
  /** the time the figures are for */
  readonly atMs: number;
  readonly netMicros: number;
  readonly peakMicros: number;
  readonly drawdownMicros: number;
  /** start of the day of the daily loss (UTC midnight, or the start time on the first day) */
  readonly dayStartMs: number;
  readonly dayStartNetMicros: number;
  readonly dayLossMicros: number;
  readonly exposureMicros: number;
  readonly openOrders: number;
  readonly ordersInLastSecond: number;
  /** the limits, readable, keyed by config key */
  readonly limits: Readonly<Record<RiskLimitKey, string>>;
  /** the current value against each limit, readable ("$12.50 of $250.00"); per-market limits show the largest market */
  readonly usage: Readonly<Record<RiskLimitKey, string>>;
  /** markets with a position, an order or a mode of their own, by ticker */
  readonly markets: readonly MarketRiskSnapshot[];
}

export class RiskInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RiskInputError';
  }
}

const WINDOW_MS = 1_000;
const DAY_MS = 86_400_000;
/** Largest order size accepted, hundredths (1,000,000 contracts, the config's cap on sizes). */
const MAX_ORDER_HUNDREDTHS = 100_000_000;
const MODE_RANK: Readonly<Record<RiskMode, number>> = { active: 0, reducing: 1, paused: 2 };

interface Resting {
  readonly clientOrderId: string;
  readonly ticker: string;
  /** the leg it acquires and the price on that leg */
  readonly acquires: Leg;
  readonly acquirePrice: number;
  readonly reduceOnly: boolean;
  remaining: number;
  orderId: string | undefined;
}

interface Market {
  readonly ticker: string;
  position: number;
  costMicros: number;
  readonly orders: Map<string, Resting>;
  mode: RiskMode;
  worst: WorstCase;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).slice(0, 60);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return Array.isArray(value) ? 'an array' : typeof value;
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.trim() === value;
}

function safe(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`risk: ${what} left the safe integer range`);
  return value;
}

/** floor(a · b / c) for non-negative safe integers, exact past 2^53 in the product. */
function mulDivFloor(a: number, b: number, c: number): number {
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** What is wrong with an order, or undefined. */
function orderProblem(order: unknown): string | undefined {
  if (order === null || typeof order !== 'object') return `an order must be an object, got ${show(order)}`;
  const o = order as Record<string, unknown>;
  if (!isName(o['ticker'])) return `ticker must be a non-empty string without surrounding spaces, got ${show(o['ticker'])}`;
  if (o['leg'] !== 'yes' && o['leg'] !== 'no') return `leg must be "yes" or "no", got ${show(o['leg'])}`;
  if (o['action'] !== 'buy' && o['action'] !== 'sell') return `action must be "buy" or "sell", got ${show(o['action'])}`;
  const price = o['price'];
  if (typeof price !== 'number' || !Number.isInteger(price) || price < 1 || price > 99)
    return `price must be an integer number of ticks in 1..99, got ${show(price)}`;
  const size = o['size'];
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1 || size > MAX_ORDER_HUNDREDTHS) {
    return `size must be a whole number of hundredths from 1 to ${MAX_ORDER_HUNDREDTHS}, got ${show(size)}`;
  }
  if (typeof o['reduceOnly'] !== 'boolean') return `reduceOnly must be a boolean, got ${show(o['reduceOnly'])}`;
  if (o['replaces'] !== undefined && !isName(o['replaces'])) return `replaces must be a client order id when present, got ${show(o['replaces'])}`;
  return undefined;
}

function timeProblem(nowMs: unknown): string | undefined {
  if (typeof nowMs !== 'number' || !Number.isSafeInteger(nowMs) || nowMs < 0)
    return `nowMs must be a non-negative integer of epoch milliseconds, got ${show(nowMs)}`;
  return undefined;
}

function describeOrder(order: RiskOrder): string {
  return `${order.action} ${order.leg.toUpperCase()} ${formatContracts(order.size)} @ ${formatTicks(order.price)}${order.reduceOnly ? ' reduce-only' : ''} on ${order.ticker}`;
}

function describePosition(position: number): string {
  if (position === 0) return 'flat';
  return `${formatContracts(Math.abs(position))} ${position > 0 ? 'YES' : 'NO'}`;
}

function restingLegs(orders: Iterable<Resting>): RestingLeg[] {
  const out: RestingLeg[] = [];
  for (const order of orders) out.push({ leg: order.acquires, price: order.acquirePrice, size: order.remaining, reduceOnly: order.reduceOnly });
  return out;
}

function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

export class RiskEngine {
  private limitsValue: RiskLimits;
  private readonly marketStates = new Map<string, Market>();
  private readonly orders = new Map<string, Resting>();
  /** venue order id -> client order id */
  private readonly byOrderId = new Map<string, string>();
  /** send times within the last window, oldest first, from `sentHead` on */
  private sentTimes: number[] = [];
  private sentHead = 0;
  private clockMs: number;
  private accountMode: RiskMode = 'active';
  private trip_: TripRecord | null = null;
  private lastResume: ResumeRecord | null = null;
  private exposureTotal = 0;
  private netMicros: number;
  private peakMicros: number;
  private day: number;
  private dayStartMs: number;
  private dayStartNetMicros: number;

  constructor(limits: RiskLimits, start: RiskStart) {
    this.limitsValue = validateRiskLimits(limits);
    if (start === null || typeof start !== 'object') throw new RiskInputError(`risk: start must be { nowMs, netMicros? }, got ${show(start)}`);
    const bad = timeProblem(start.nowMs);
    if (bad) throw new RiskInputError(`risk: start ${bad}`);
    const net = start.netMicros ?? 0;
    if (!Number.isSafeInteger(net)) throw new RiskInputError(`risk: start netMicros must be an integer of micro-dollars, got ${show(start.netMicros)}`);
    this.clockMs = start.nowMs;
    this.netMicros = net;
    this.peakMicros = net;
    this.day = dayOf(start.nowMs);
    this.dayStartMs = start.nowMs;
    this.dayStartNetMicros = net;
  }

  // ---- reading ------------------------------------------------------------------------

  get limits(): RiskLimits {
    return this.limitsValue;
  }

  /** The account's state: halted when the kill switch is tripped, else the account's mode. */
  get state(): RiskState {
    return this.trip_ !== null ? 'halted' : this.accountMode;
  }

  /** One market's state: halted, or the stricter of the account's mode and the market's. */
  stateOf(ticker: string): RiskState {
    this.checkTicker(ticker);
    if (this.trip_ !== null) return 'halted';
    return this.effectiveMode(this.marketStates.get(ticker));
  }

  /** Why the kill switch is tripped, or null when it is not. */
  get trippedBecause(): TripRecord | null {
    return this.trip_;
  }

  /** Orders resting or in flight in a market. */
  openOrders(ticker: string): number {
    this.checkTicker(ticker);
    return this.marketStates.get(ticker)?.orders.size ?? 0;
  }

  /** Signed position of a market as the engine has it, hundredths. */
  position(ticker: string): number {
    this.checkTicker(ticker);
    return this.marketStates.get(ticker)?.position ?? 0;
  }

  /** The worst case of a market (worst-case.ts). */
  worstCaseOf(ticker: string): WorstCase {
    this.checkTicker(ticker);
    return this.marketStates.get(ticker)?.worst ?? worstCase(0, 0, []);
  }

  /** The sum over markets of their worst-case cost, µ$. */
  get exposureMicros(): number {
    return this.exposureTotal;
  }

  // ---- the gate -------------------------------------------------------------------------

  /**
   * Whether an order may be sent now. Changes nothing that matters to later decisions, and never
   * throws: anything it cannot judge is refused (the gate fails closed).
   */
  check(order: RiskOrder, nowMs: number): RiskDecision {
    try {
      return this.decide(order, nowMs);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { allowed: false, limit: 'invalid_order', hard: false, reason: `invalid_order: the order could not be judged (${message}); refused` };
    }
  }

  private decide(order: RiskOrder, nowMs: number): RiskDecision {
    const problem = orderProblem(order) ?? timeProblem(nowMs);
    if (problem !== undefined) return { allowed: false, limit: 'invalid_order', reason: `invalid_order: ${problem}`, hard: false };
    const replaced = order.replaces !== undefined ? this.orders.get(order.replaces) : undefined;
    if (replaced !== undefined && replaced.ticker !== order.ticker) {
      return {
        allowed: false,
        limit: 'invalid_order',
        reason: `invalid_order: ${describeOrder(order)} replaces ${order.replaces}, an order on ${replaced.ticker}`,
        hard: false,
      };
    }
    const now = this.advance(nowMs);
    if (this.trip_ !== null) {
      return {
        allowed: false,
        limit: 'halted',
        hard: true,
        reason: `halted: the kill switch is tripped (${this.trip_.reason}); only cancels are sent until someone resumes; ${describeOrder(order)} refused`,
      };
    }
    const market = this.marketStates.get(order.ticker);
    const mode = this.effectiveMode(market);
    if (mode === 'paused') {
      return {
        allowed: false,
        limit: 'paused',
        hard: false,
        reason: `paused: ${this.pausedBy(market)}; only cancels are sent; ${describeOrder(order)} refused`,
      };
    }
    const after = this.worstWith(market, order, replaced);
    const before = market?.worst ?? worstCase(0, 0, []);
    const leg = acquisition(order.leg, order.action, order.price).leg;
    const reachAfter = leg === 'yes' ? after.yesReach : after.noReach;
    const reducing = reachAfter <= 0;
    if (reducing) return { allowed: true };
    if (mode === 'reducing') {
      return {
        allowed: false,
        limit: 'reducing',
        hard: false,
        reason: `reducing: ${this.reducingBy(market)}; only orders that reduce the position are sent (now ${describePosition(market?.position ?? 0)}); ${describeOrder(order)} could take it to ${formatContracts(reachAfter)} ${leg.toUpperCase()}`,
      };
    }
    return this.softLimits(order, market, replaced, before, after, leg, now);
  }

  private softLimits(
    order: RiskOrder,
    market: Market | undefined,
    replaced: Resting | undefined,
    before: WorstCase,
    after: WorstCase,
    leg: Leg,
    now: number,
  ): RiskDecision {
    const limits = this.limitsValue;
    const LEG = leg.toUpperCase();
    const position = market?.position ?? 0;
    const what = describeOrder(order);

    const reachBefore = leg === 'yes' ? before.yesReach : before.noReach;
    const reachAfter = leg === 'yes' ? after.yesReach : after.noReach;
    if (limits.positionHundredths !== undefined && reachAfter > limits.positionHundredths && reachAfter > reachBefore) {
      return this.block(
        'positionHundredths',
        formatContracts(reachAfter),
        `${what} could take the position to ${formatContracts(reachAfter)} ${LEG} if every order adding to it filled (position now ${describePosition(position)})`,
      );
    }

    const costBefore = leg === 'yes' ? before.yesCostMicros : before.noCostMicros;
    const costAfter = leg === 'yes' ? after.yesCostMicros : after.noCostMicros;
    if (limits.positionCostMicros !== undefined && costAfter > limits.positionCostMicros && costAfter > costBefore) {
      return this.block(
        'positionCostMicros',
        formatDollars(costAfter),
        `${what} could bring the cost of the ${LEG} position to ${formatDollars(costAfter)} if every order adding to it filled (position now ${describePosition(position)} at ${formatDollars(market?.costMicros ?? 0)})`,
      );
    }

    const exposureAfter = this.exposureTotal - before.exposureMicros + after.exposureMicros;
    if (limits.exposureMicros !== undefined && exposureAfter > limits.exposureMicros && exposureAfter > this.exposureTotal) {
      return this.block(
        'exposureMicros',
        formatDollars(exposureAfter),
        `${what} could bring the worst-case cost over all markets to ${formatDollars(exposureAfter)} (now ${formatDollars(this.exposureTotal)})`,
      );
    }

    const openAfter = (market?.orders.size ?? 0) + (replaced === undefined ? 1 : 0);
    if (limits.openOrdersPerMarket !== undefined && openAfter > limits.openOrdersPerMarket && replaced === undefined) {
      return this.block('openOrdersPerMarket', formatOrders(openAfter), `${what} would be order ${openAfter} open on ${order.ticker}`);
    }

    const sentAfter = this.sentInWindow(now) + 1;
    if (limits.ordersPerSecond !== undefined && sentAfter > limits.ordersPerSecond) {
      const oldest = this.sentTimes[this.sentHead]!;
      return this.block(
        'ordersPerSecond',
        formatOrders(sentAfter),
        `${what} would be order ${sentAfter} sent in the last second`,
        `; the next slot frees in ${oldest + WINDOW_MS - now} ms`,
      );
    }
    return { allowed: true };
  }

  private block(field: keyof RiskLimits, value: string, story: string, tail = ''): RiskBlock {
    const key = LIMIT_KEY[field];
    const threshold = describeLimit(this.limitsValue, field);
    return { allowed: false, limit: key, hard: false, value, threshold, reason: `${key}: ${story}, above the limit of ${threshold}${tail}` };
  }

  /** The market's worst case with the order resting (and the order it replaces gone). */
  private worstWith(market: Market | undefined, order: RiskOrder, replaced: Resting | undefined): WorstCase {
    const others = market === undefined ? [] : [...market.orders.values()].filter((resting) => resting !== replaced);
    const legs = restingLegs(others);
    const { leg, price } = acquisition(order.leg, order.action, order.price);
    legs.push({ leg, price, size: order.size, reduceOnly: order.reduceOnly });
    return worstCase(market?.position ?? 0, market?.costMicros ?? 0, legs);
  }

  // ---- orders ---------------------------------------------------------------------------

  /**
   * An order (or an amend) went out: it rests from now on, in place of the order it amends
   * (keeping that order's venue id, which an amend does not change), and counts in the 1 s window.
   */
  orderSent(order: RiskOrderSent, nowMs: number): void {
    const resting = this.restingFrom(order, 'orderSent');
    const problem = timeProblem(nowMs);
    if (problem) throw new RiskInputError(`risk: orderSent: ${problem}`);
    const replaced = order.replaces !== undefined ? this.orders.get(order.replaces) : undefined;
    if (replaced !== undefined && replaced.ticker !== order.ticker) {
      throw new RiskInputError(`risk: orderSent: ${order.clientOrderId} on ${order.ticker} replaces ${order.replaces}, an order on ${replaced.ticker}`);
    }
    const existing = this.orders.get(order.clientOrderId);
    if (existing !== undefined && existing !== replaced) {
      throw new RiskInputError(`risk: orderSent: client order id ${order.clientOrderId} already rests on ${existing.ticker}; each order needs its own`);
    }
    const now = this.advance(nowMs);
    this.sentTimes.push(now);
    if (replaced !== undefined) {
      resting.orderId = replaced.orderId;
      this.removeOrder(replaced, false);
    }
    this.addOrder(resting);
  }

  /**
   * What the venue says rests now, for an order the engine may not know (reconciliation on
   * start or reconnect) or knows with a different remainder (after a decrease or a partial
   * fill it missed). Not counted as sent.
   */
  orderResting(order: RiskOrderSent): void {
    const resting = this.restingFrom(order, 'orderResting');
    const existing = this.orders.get(order.clientOrderId);
    if (existing !== undefined) {
      if (existing.ticker !== order.ticker) {
        throw new RiskInputError(`risk: orderResting: client order id ${order.clientOrderId} rests on ${existing.ticker}, not ${order.ticker}`);
      }
      resting.orderId = existing.orderId;
      this.removeOrder(existing, false);
    }
    this.addOrder(resting);
  }

  /** The venue's order id of an order sent, so fills that carry only it find the order. */
  orderAccepted(clientOrderId: string, orderId: string): void {
    if (!isName(clientOrderId)) throw new RiskInputError(`risk: orderAccepted: client order id must be a non-empty string, got ${show(clientOrderId)}`);
    if (!isName(orderId)) throw new RiskInputError(`risk: orderAccepted: order id must be a non-empty string, got ${show(orderId)}`);
    const resting = this.orders.get(clientOrderId);
    if (resting === undefined) return;
    if (resting.orderId !== undefined) this.byOrderId.delete(resting.orderId);
    resting.orderId = orderId;
    this.byOrderId.set(orderId, clientOrderId);
  }

  /** An order no longer rests (canceled, rejected, expired, filled). True if it was known. */
  orderClosed(clientOrderId: string): boolean {
    if (!isName(clientOrderId)) throw new RiskInputError(`risk: orderClosed: client order id must be a non-empty string, got ${show(clientOrderId)}`);
    const resting = this.orders.get(clientOrderId);
    if (resting === undefined) return false;
    this.removeOrder(resting, true);
    return true;
  }

  private restingFrom(order: RiskOrderSent, where: string): Resting {
    const problem = orderProblem(order);
    if (problem) throw new RiskInputError(`risk: ${where}: ${problem}`);
    if (!isName(order.clientOrderId)) throw new RiskInputError(`risk: ${where}: client order id must be a non-empty string, got ${show(order.clientOrderId)}`);
    const { leg, price } = acquisition(order.leg, order.action, order.price);
    return {
      clientOrderId: order.clientOrderId,
      ticker: order.ticker,
      acquires: leg,
      acquirePrice: price,
      reduceOnly: order.reduceOnly,
      remaining: order.size,
      orderId: undefined,
    };
  }

  private addOrder(resting: Resting): void {
    const market = this.market(resting.ticker);
    this.orders.set(resting.clientOrderId, resting);
    market.orders.set(resting.clientOrderId, resting);
    if (resting.orderId !== undefined) this.byOrderId.set(resting.orderId, resting.clientOrderId);
    this.refresh(market);
  }

  private removeOrder(resting: Resting, tidy: boolean): void {
    const market = this.marketStates.get(resting.ticker)!;
    this.orders.delete(resting.clientOrderId);
    market.orders.delete(resting.clientOrderId);
    if (resting.orderId !== undefined) this.byOrderId.delete(resting.orderId);
    this.refresh(market);
    if (tidy) this.tidy(market);
  }

  // ---- fills and positions --------------------------------------------------------------

  /**
   * A fill: the position and its cost basis move as in portfolio.ts (netting, average cost),
   * and the order it fills (by client order id, or the venue id of orderAccepted) rests that
   * much less; filled out, it no longer rests. Throws FillError for a malformed fill.
   */
  fill(fill: Fill, nowMs: number): void {
    validateFill(fill);
    const problem = timeProblem(nowMs);
    if (problem) throw new RiskInputError(`risk: fill: ${problem}`);
    this.advance(nowMs);
    const market = this.market(fill.ticker);
    const { leg, price } = acquisition(fill.side, fill.action, fill.price);
    const direction = leg === 'yes' ? 1 : -1;
    let position = market.position;
    let cost = market.costMicros;
    let opening = fill.count;
    if (position !== 0 && Math.sign(position) !== direction) {
      const held = Math.abs(position);
      const closed = Math.min(held, fill.count);
      cost -= closed === held ? cost : mulDivFloor(cost, closed, held);
      position += direction * closed;
      opening -= closed;
    }
    if (opening > 0) {
      cost = safe(cost + safe(opening * price * MICROS_PER_HUNDREDTH_TICK, 'fill cost'), 'cost basis');
      position = safe(position + direction * opening, 'position');
    }
    market.position = position;
    market.costMicros = cost;
    const clientOrderId = fill.clientOrderId !== undefined && this.orders.has(fill.clientOrderId) ? fill.clientOrderId : this.byOrderId.get(fill.orderId);
    const resting = clientOrderId !== undefined ? this.orders.get(clientOrderId) : undefined;
    if (resting !== undefined && resting.ticker === fill.ticker) {
      resting.remaining -= Math.min(resting.remaining, fill.count);
      if (resting.remaining === 0) {
        this.removeOrder(resting, false);
      }
    }
    this.refresh(market);
    this.tidy(market);
  }

  /** The venue's position of a market (reconciliation): signed hundredths and its cost basis, µ$. */
  setPosition(ticker: string, position: number, costMicros: number): void {
    this.checkTicker(ticker);
    if (!Number.isSafeInteger(position))
      throw new RiskInputError(`risk: setPosition: position of ${ticker} must be a safe integer of hundredths, got ${show(position)}`);
    if (!Number.isSafeInteger(costMicros) || costMicros < 0) {
      throw new RiskInputError(`risk: setPosition: cost of ${ticker} must be a non-negative integer of micro-dollars, got ${show(costMicros)}`);
    }
    if (position === 0 && costMicros !== 0)
      throw new RiskInputError(`risk: setPosition: ${ticker} has a cost (${formatDollars(costMicros)}) without a position`);
    const market = this.market(ticker);
    market.position = position;
    market.costMicros = costMicros;
    this.refresh(market);
    this.tidy(market);
  }

  /** A market settled (or closed for good): no position and no resting orders remain. */
  settled(ticker: string): void {
    this.checkTicker(ticker);
    const market = this.marketStates.get(ticker);
    if (market === undefined) return;
    for (const resting of [...market.orders.values()]) this.removeOrder(resting, false);
    market.position = 0;
    market.costMicros = 0;
    this.refresh(market);
    this.tidy(market);
  }

  // ---- PnL and the kill switch -----------------------------------------------------------

  /**
   * Total net PnL (realized + marked − fees, µ$) as of nowMs. Moves the peak, starts a new day
   * at UTC midnight (the day's start is the PnL carried across it), and trips the kill switch
   * when the drawdown from the peak or the day's loss passes its limit. Returns the trip when
   * this update tripped it, else null.
   */
  pnl(netMicros: number, nowMs: number): TripRecord | null {
    if (typeof netMicros !== 'number' || !Number.isSafeInteger(netMicros)) {
      throw new RiskInputError(`risk: pnl: net PnL must be an integer of micro-dollars, got ${show(netMicros)}`);
    }
    const problem = timeProblem(nowMs);
    if (problem) throw new RiskInputError(`risk: pnl: ${problem}`);
    const now = this.advance(nowMs);
    this.rollDay(now);
    this.netMicros = netMicros;
    if (netMicros > this.peakMicros) this.peakMicros = netMicros;
    if (this.trip_ !== null) return null;
    const breach = this.hardBreach();
    if (breach === undefined) return null;
    this.trip_ = Object.freeze({ ...breach, atMs: now });
    return this.trip_;
  }

  /** The first hard limit the current PnL is past, or undefined. */
  private hardBreach(): Omit<TripRecord, 'atMs'> | undefined {
    const limits = this.limitsValue;
    const drawdown = this.peakMicros - this.netMicros;
    if (limits.maxDrawdownMicros !== undefined && drawdown > limits.maxDrawdownMicros) {
      const threshold = describeLimit(limits, 'maxDrawdownMicros');
      return {
        limit: 'max_drawdown_dollars',
        value: formatDollars(drawdown),
        threshold,
        reason: `max_drawdown_dollars: net PnL ${formatDollars(this.netMicros)} is ${formatDollars(drawdown)} below its peak of ${formatDollars(this.peakMicros)}, past the limit of ${threshold}`,
      };
    }
    const loss = this.dayStartNetMicros - this.netMicros;
    if (limits.dailyLossMicros !== undefined && loss > limits.dailyLossMicros) {
      const threshold = describeLimit(limits, 'dailyLossMicros');
      return {
        limit: 'daily_loss_dollars',
        value: formatDollars(loss),
        threshold,
        reason: `daily_loss_dollars: net PnL ${formatDollars(this.netMicros)} is ${formatDollars(loss)} below ${formatDollars(this.dayStartNetMicros)} at the start of the day (${new Date(this.dayStartMs).toISOString()}), past the limit of ${threshold}`,
      };
    }
    return undefined;
  }

  /**
   * Trips the kill switch by hand (a person, or a part of the engine that saw something wrong).
   * Returns the trip, or null when it was already tripped: the first reason stays.
   */
  trip(reason: string, nowMs: number): TripRecord | null {
    if (typeof reason !== 'string' || reason.trim() === '') throw new RiskInputError(`risk: trip: give a reason, got ${show(reason)}`);
    const problem = timeProblem(nowMs);
    if (problem) throw new RiskInputError(`risk: trip: ${problem}`);
    const now = this.advance(nowMs);
    if (this.trip_ !== null) return null;
    this.trip_ = Object.freeze({ limit: 'manual', reason: `manual: ${reason.trim()}`, atMs: now });
    return this.trip_;
  }

  /**
   * Clears the kill switch; the one way out of halted. Refused while the last PnL is still past
   * a hard limit, since the next update would trip it again: `rebase: true` then moves the
   * drawdown peak and the day's start to the current PnL, so the limits count afresh from here
   * (a person accepting the loss so far).
   */
  resume(who: string, nowMs: number, options: { readonly rebase?: boolean } = {}): ResumeResult {
    if (!isName(who)) throw new RiskInputError(`risk: resume: say who resumes (a non-empty name), got ${show(who)}`);
    const problem = timeProblem(nowMs);
    if (problem) throw new RiskInputError(`risk: resume: ${problem}`);
    const now = this.advance(nowMs);
    if (this.trip_ === null) return { resumed: false, reason: 'the kill switch is not tripped' };
    this.rollDay(now);
    const rebase = options?.rebase === true;
    if (rebase) {
      this.peakMicros = this.netMicros;
      this.dayStartNetMicros = this.netMicros;
    }
    const breach = this.hardBreach();
    if (breach !== undefined) {
      return { resumed: false, reason: `${breach.reason}; resume with rebase to count the limits from the PnL now, or raise the limit` };
    }
    const record: ResumeRecord = Object.freeze({ who, atMs: now, cleared: this.trip_, rebased: rebase });
    this.trip_ = null;
    this.lastResume = record;
    return { resumed: true, ...record };
  }

  // ---- manual modes -----------------------------------------------------------------------

  /** Nothing but cancels for one market, or (no ticker) for the account. */
  pause(ticker?: string): void {
    this.setMode(ticker, 'paused');
  }

  /** Only reducing orders for one market, or for the account. */
  flatten(ticker?: string): void {
    this.setMode(ticker, 'reducing');
  }

  /** Clears the mode set on one market, or the account's own mode; never the kill switch. */
  activate(ticker?: string): void {
    this.setMode(ticker, 'active');
  }

  /** Replaces the limits (validated); soft limits apply from the next check, hard ones from the next pnl(). */
  setLimits(limits: RiskLimits): void {
    this.limitsValue = validateRiskLimits(limits);
  }

  private setMode(ticker: string | undefined, mode: RiskMode): void {
    if (ticker === undefined) {
      this.accountMode = mode;
      return;
    }
    this.checkTicker(ticker);
    const market = this.market(ticker);
    market.mode = mode;
    this.tidy(market);
  }

  // ---- status -------------------------------------------------------------------------------

  /** A plain object for status pages and logs; `nowMs` (default: the latest time seen) sets the 1 s window and the day. */
  snapshot(nowMs?: number): RiskSnapshot {
    const at = nowMs !== undefined && timeProblem(nowMs) === undefined ? Math.max(nowMs, this.clockMs) : this.clockMs;
    const newDay = dayOf(at) > this.day;
    const dayStartMs = newDay ? dayOf(at) * DAY_MS : this.dayStartMs;
    const dayStartNetMicros = newDay ? this.netMicros : this.dayStartNetMicros;
    const markets = [...this.marketStates.values()].sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
    const limits = this.limitsValue;
    const marketRows: MarketRiskSnapshot[] = markets.map((market) => ({
      ticker: market.ticker,
      state: this.trip_ !== null ? 'halted' : this.effectiveMode(market),
      mode: market.mode,
      position: market.position,
      costMicros: market.costMicros,
      openOrders: market.orders.size,
      yesReach: market.worst.yesReach,
      noReach: market.worst.noReach,
      exposureMicros: market.worst.exposureMicros,
    }));
    const largest = (f: (m: Market) => number): number => markets.reduce((max, m) => Math.max(max, f(m)), 0);
    const of = (field: keyof RiskLimits, value: string): string => `${value} of ${describeLimit(limits, field)}`;
    const drawdownMicros = this.peakMicros - this.netMicros;
    const dayLossMicros = dayStartNetMicros - this.netMicros;
    let openOrders = 0;
    for (const market of markets) openOrders += market.orders.size;
    const ordersInLastSecond = this.sentInWindow(at);
    return {
      state: this.state,
      mode: this.accountMode,
      trippedBecause: this.trip_,
      lastResume: this.lastResume,
      atMs: at,
      netMicros: this.netMicros,
      peakMicros: this.peakMicros,
      drawdownMicros,
      dayStartMs,
      dayStartNetMicros,
      dayLossMicros,
      exposureMicros: this.exposureTotal,
      openOrders,
      ordersInLastSecond,
      limits: describeRiskLimits(limits),
      usage: {
        position_contracts: of('positionHundredths', formatContracts(largest((m) => Math.max(m.worst.yesReach, m.worst.noReach, 0)))),
        position_dollars: of('positionCostMicros', formatDollars(largest((m) => m.worst.exposureMicros))),
        exposure_dollars: of('exposureMicros', formatDollars(this.exposureTotal)),
        open_orders: of('openOrdersPerMarket', formatOrders(largest((m) => m.orders.size))),
        orders_per_second: of('ordersPerSecond', formatOrders(ordersInLastSecond)),
        max_drawdown_dollars: of('maxDrawdownMicros', formatDollars(drawdownMicros)),
        daily_loss_dollars: of('dailyLossMicros', formatDollars(dayLossMicros)),
      },
      markets: marketRows,
    };
  }

  // ---- internals ------------------------------------------------------------------------------

  private checkTicker(ticker: unknown): void {
    if (!isName(ticker)) throw new RiskInputError(`risk: ticker must be a non-empty string without surrounding spaces, got ${show(ticker)}`);
  }

  private market(ticker: string): Market {
    let market = this.marketStates.get(ticker);
    if (market === undefined) {
      market = { ticker, position: 0, costMicros: 0, orders: new Map(), mode: 'active', worst: worstCase(0, 0, []) };
      this.marketStates.set(ticker, market);
    }
    return market;
  }

  /** Recomputes a market's worst case and the account's exposure. */
  private refresh(market: Market): void {
    const worst = worstCase(market.position, market.costMicros, restingLegs(market.orders.values()));
    this.exposureTotal = safe(this.exposureTotal - market.worst.exposureMicros + worst.exposureMicros, 'exposure');
    market.worst = worst;
  }

  /** Forgets a market that holds nothing, rests nothing and has no mode of its own. */
  private tidy(market: Market): void {
    if (market.position === 0 && market.orders.size === 0 && market.mode === 'active') this.marketStates.delete(market.ticker);
  }

  private effectiveMode(market: Market | undefined): RiskMode {
    const own = market?.mode ?? 'active';
    return MODE_RANK[own] > MODE_RANK[this.accountMode] ? own : this.accountMode;
  }

  private pausedBy(market: Market | undefined): string {
    return market?.mode === 'paused' ? `${market.ticker} is paused` : 'the account is paused';
  }

  private reducingBy(market: Market | undefined): string {
    return market?.mode === 'reducing' ? `${market.ticker} is flattening` : 'the account is flattening';
  }

  /** The time to use for nowMs: never earlier than a time already seen. */
  private advance(nowMs: number): number {
    if (nowMs > this.clockMs) this.clockMs = nowMs;
    return this.clockMs;
  }

  /**
   * Orders sent within (now − 1000 ms, now]. With `now` the latest time seen, older ones never
   * count again and are dropped; a look ahead (a snapshot for a later time) only counts.
   */
  private sentInWindow(now: number): number {
    const times = this.sentTimes;
    if (now > this.clockMs) {
      let head = this.sentHead;
      while (head < times.length && times[head]! <= now - WINDOW_MS) head++;
      return times.length - head;
    }
    while (this.sentHead < times.length && times[this.sentHead]! <= now - WINDOW_MS) this.sentHead++;
    if (this.sentHead > 1024 && this.sentHead * 2 > times.length) {
      this.sentTimes = times.slice(this.sentHead);
      this.sentHead = 0;
    }
    return this.sentTimes.length - this.sentHead;
  }

  /** Starts the day of `now` if it is a later UTC day: its start is the PnL carried across midnight. */
  private rollDay(now: number): void {
    const day = dayOf(now);
    if (day <= this.day) return;
    this.day = day;
    this.dayStartMs = day * DAY_MS;
    this.dayStartNetMicros = this.netMicros;
  }
}
