/**
 * Which shard actor owns a ticker: FNV-1a (32 bit) of the ticker's UTF-8 bytes, modulo the
 * number of shards. The rule depends on nothing but the ticker and the shard count, so it
 * is stable across restarts, reconnects and config reordering, and a restarted shard gets
 * back exactly the tickers it had.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function tickerHash(ticker: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of Buffer.from(ticker, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash;
}

export function shardForTicker(ticker: string, shardCount: number): number {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new RangeError(`shard count must be a positive integer, got ${shardCount}`);
  return tickerHash(ticker) % shardCount;
}

/** Tickers grouped by shard id, each group in the order given; shards without tickers are absent. */
export function assignTickers(tickers: readonly string[], shardCount: number): Map<number, string[]> {
  const byShard = new Map<number, string[]>();
  for (const ticker of tickers) {
    const shard = shardForTicker(ticker, shardCount);
    const group = byShard.get(shard);
    if (group) group.push(ticker);
    else byShard.set(shard, [ticker]);
  }
  return byShard;
}
