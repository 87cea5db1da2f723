/**
 * Sizes of the simulated participants' orders, in hundredths of a contract: whole
 * contracts, now and then with a fractional part (never for legacy integer-cent feeds).
 */
import type { Random } from '../random.js';

export interface SizeContext {
  readonly random: Random;
  /** legacy integer-cent feeds carry whole contracts only */
  readonly wholeContracts: boolean;
}

const FRACTIONAL_SHARE = 0.15;

/** About `contracts` contracts (at least one), in hundredths. */
export function orderSize(context: SizeContext, contracts: number): number {
  const whole = Math.max(1, Math.round(contracts)) * 100;
  if (context.wholeContracts || !context.random.chance(FRACTIONAL_SHARE)) return whole;
  return whole + context.random.integer(1, 99);
}

/** A taker's size: mostly tens of contracts, sometimes hundreds, rarely thousands. */
export function takerSize(context: SizeContext): number {
  const { random } = context;
  const roll = random.next();
  const contracts = roll < 0.7 ? random.integer(1, 40) : roll < 0.95 ? random.integer(40, 400) : random.integer(400, 2500);
  return orderSize(context, contracts);
}

/** Part of an order to cancel: all of it, or (sometimes) a part that keeps it alive. */
export function cancelAmount(context: SizeContext, remaining: number, partial: number): number {
  const amount = Math.min(remaining, partial);
  if (amount >= remaining) return remaining;
  if (!context.wholeContracts) return Math.max(1, amount);
  const wholeContracts = Math.floor(amount / 100);
  return wholeContracts >= 1 && wholeContracts * 100 < remaining ? wholeContracts * 100 : remaining;
}
