/**
 * Names for generated markets, shaped like real Kalshi tickers:
 * SERIES-DATE-STRIKE, e.g. KXSIMA-26JAN01-T42.
 */
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function seriesLetters(index: number): string {
  let rest = index;
  let letters = '';
  do {
    letters = LETTERS[rest % LETTERS.length]! + letters;
    rest = Math.floor(rest / LETTERS.length) - 1;
  } while (rest >= 0);
  return letters;
}

/** The index-th generated ticker; distinct for distinct indexes. */
export function generatedTicker(index: number): string {
  const series = seriesLetters(Math.floor(index / 12));
  const month = MONTHS[index % 12]!;
  const day = String((index % 28) + 1).padStart(2, '0');
  const strike = 10 + ((index * 7) % 80);
  return `KXSIM${series}-26${month}${day}-T${strike}`;
}

export function generatedTickers(count: number, taken: ReadonlySet<string>): string[] {
  const tickers: string[] = [];
  for (let index = 0; tickers.length < count; index += 1) {
    const ticker = generatedTicker(index);
    if (!taken.has(ticker)) tickers.push(ticker);
  }
  return tickers;
}
