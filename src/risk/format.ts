/**
 * Readable amounts for the risk engine's reasons and status: the engine decides in integers
 * (hundredths, ticks, micro-dollars) and explains itself in contracts, cents and dollars.
 */
import { hundredthsToCount, microsToDollars } from '../protocol/fixed.js';

/** 250_000 µ$ -> "$0.25"; 3639 -> "$0.003639"; -1_500_000 -> "-$1.50". Cents always shown, further digits when not zero. */
export function formatDollars(micros: number): string {
  const plain = microsToDollars(micros); // "-1.500000"
  const negative = plain.startsWith('-');
  const unsigned = negative ? plain.slice(1) : plain;
  const dot = unsigned.indexOf('.');
  let fraction = unsigned.slice(dot + 1);
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${negative ? '-' : ''}$${unsigned.slice(0, dot)}.${fraction}`;
}

/** 10_000 -> "100 contracts"; 250 -> "2.50 contracts"; 100 -> "1 contract"; -500 -> "-5 contracts". */
export function formatContracts(hundredths: number): string {
  const count = hundredthsToCount(hundredths);
  const whole = count.endsWith('.00') ? count.slice(0, -3) : count;
  return `${whole} ${whole === '1' || whole === '-1' ? 'contract' : 'contracts'}`;
}

/** 42 -> "42¢". */
export function formatTicks(ticks: number): string {
  return `${ticks}¢`;
}

/** 1 -> "1 order"; 8 -> "8 orders". */
export function formatOrders(n: number): string {
  return `${n} ${n === 1 ? 'order' : 'orders'}`;
}
