/**
 * Strategy parameters count whole contracts and seconds (like the seed's flags); inside
 * the maker sizes are hundredths of a contract and times are milliseconds.
 */
export function contractsToHundredths(contracts: number): number {
  return Math.round(contracts * 100);
}

export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}
