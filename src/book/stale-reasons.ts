/**
 * Why an order book is stale. Reasons that come with details are written as
 * `<reason>: <details>` (for example `seq went backwards: 17 after 20`), so a reader can
 * match on the prefix.
 */
export const BOOK_STALE_REASONS = {
  noSnapshot: 'no snapshot yet',
  deltaBeforeSnapshot: 'delta before snapshot',
  seqBackwards: 'seq went backwards',
  levelNegative: 'level negative',
  otherTicker: 'message for another ticker',
  badSnapshot: 'bad snapshot',
  badDelta: 'bad delta',
} as const;
