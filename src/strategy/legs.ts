/**
 * The two legs of a market and what the signed position means for each of them
 * (strategy-spec section 2). Positions and inventories are hundredths of a contract.
 */
import type { StrategyParams } from '../config/types.js';
import type { Side } from '../protocol/wire.js';
import { contractsToHundredths } from './units.js';

/** YES is always decided before NO. */
export const LEGS: readonly Side[] = ['yes', 'no'];

/** The other leg of the market. */
export function otherLeg(leg: Side): Side {
  return leg === 'yes' ? 'no' : 'yes';
}

export type LegPair<T> = { readonly [L in Side]: T };

/** inv_yes = max(position, 0), inv_no = max(-position, 0). */
export function inventoryOn(leg: Side, position: number): number {
  return Math.max(leg === 'yes' ? position : -position, 0);
}

/** How much more of leg L may be bought before its inventory reaches max_inventory (0 at or past it). */
export function roomUnderCap(leg: Side, position: number, params: StrategyParams): number {
  return Math.max(contractsToHundredths(params.max_inventory) - inventoryOn(leg, position), 0);
}

export function atInventoryCap(leg: Side, position: number, params: StrategyParams): boolean {
  return roomUnderCap(leg, position, params) === 0;
}
