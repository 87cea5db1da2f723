/**
 * Everything a maker remembers, as plain JSON: what an actor reports so that a restarted
 * actor can carry on (first cancelling what rests, since its book is gone).
 * `null` stands for "none" so that the state survives JSON and structured clone unchanged.
 */
import type { LegPair } from './legs.js';
import { isOrderPrice, MAX_ORDER_PRICE, MIN_ORDER_PRICE } from './order-prices.js';
import type { RestingOrder } from './resting-order.js';
import { isJsonObject } from '../protocol/json-object.js';

/** active: deciding; closed: market closed until `activated`; stopped: shut down for good. */
export type MakerMode = 'active' | 'closed' | 'stopped';

export interface MakerState {
  readonly mode: MakerMode;
  /** resting entry bids */
  readonly bids: LegPair<RestingOrder | null>;
  /** resting exit asks */
  readonly exits: LegPair<RestingOrder | null>;
  /** signed hundredths of a contract: + YES held, - NO held */
  readonly position: number;
  /** cost of the position in ten-thousandths of a dollar, when known */
  readonly costE4: number | null;
  /** price (ticks, on that leg) of the last fill that added to each leg */
  readonly lastFillPrices: LegPair<number | null>;
  /** when the last reduce-only prompt went out on each leg, while the cap holds */
  readonly lastReduceOnlyMs: LegPair<number | null>;
  /** the market's announced close time (ms), when one is known and still ahead */
  readonly closeAtMs: number | null;
}

export class MakerStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MakerStateError';
  }
}

const MODES: readonly MakerMode[] = ['active', 'closed', 'stopped'];

function integerOrNull(value: unknown, path: string): number | null {
  if (value === null) return null;
  if (Number.isSafeInteger(value)) return value as number;
  throw new MakerStateError(`maker state: ${path} must be an integer or null, got ${JSON.stringify(value)}`);
}

function orderOrNull(value: unknown, path: string): RestingOrder | null {
  if (value === null) return null;
  if (!isJsonObject(value)) throw new MakerStateError(`maker state: ${path} must be an order or null`);
  const { price, size, postedMs, clientOrderId } = value;
  if (!isOrderPrice(price as number)) {
    throw new MakerStateError(`maker state: ${path}.price must be ${MIN_ORDER_PRICE}..${MAX_ORDER_PRICE} ticks, got ${JSON.stringify(price)}`);
  }
  if (!Number.isSafeInteger(size) || (size as number) <= 0) {
    throw new MakerStateError(`maker state: ${path}.size must be positive hundredths, got ${JSON.stringify(size)}`);
  }
  if (!Number.isSafeInteger(postedMs)) {
    throw new MakerStateError(`maker state: ${path}.postedMs must be an integer, got ${JSON.stringify(postedMs)}`);
  }
  if (clientOrderId !== undefined && typeof clientOrderId !== 'string') {
    throw new MakerStateError(`maker state: ${path}.clientOrderId must be a string when present, got ${JSON.stringify(clientOrderId)}`);
  }
  const order = { price: price as number, size: size as number, postedMs: postedMs as number };
  return clientOrderId === undefined ? order : { ...order, clientOrderId };
}

function pair<T>(value: unknown, path: string, read: (item: unknown, itemPath: string) => T): LegPair<T> {
  if (!isJsonObject(value)) throw new MakerStateError(`maker state: ${path} must be {"yes": ..., "no": ...}`);
  return { yes: read(value['yes'], `${path}.yes`), no: read(value['no'], `${path}.no`) };
}

/** Checks a state that crossed a thread or a file; throws MakerStateError naming the bad field. */
export function parseMakerState(value: unknown): MakerState {
  if (!isJsonObject(value)) throw new MakerStateError('maker state: must be an object');
  const mode = value['mode'];
  if (!MODES.includes(mode as MakerMode)) {
    throw new MakerStateError(`maker state: mode must be one of ${MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  }
  const position = integerOrNull(value['position'], 'position');
  if (position === null) throw new MakerStateError('maker state: position must be an integer');
  return {
    mode: mode as MakerMode,
    bids: pair(value['bids'], 'bids', orderOrNull),
    exits: pair(value['exits'], 'exits', orderOrNull),
    position,
    costE4: integerOrNull(value['costE4'], 'costE4'),
    lastFillPrices: pair(value['lastFillPrices'], 'lastFillPrices', integerOrNull),
    lastReduceOnlyMs: pair(value['lastReduceOnlyMs'], 'lastReduceOnlyMs', integerOrNull),
    closeAtMs: value['closeAtMs'] === undefined ? null : integerOrNull(value['closeAtMs'], 'closeAtMs'),
  };
}
