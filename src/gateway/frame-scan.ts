/**
 * Reads the routing fields of a raw server frame (type, sid, seq, market_ticker) with a
 * substring scan instead of JSON.parse. The main thread only needs these four fields to
 * check sequence numbers and pick the actor; the actor parses the full frame in its own
 * thread. docs/readme/runtime.md has the measurement behind this choice.
 *
 * The scan tolerates whitespace around the colon and any key order. It gives up (returns
 * undefined) on anything it cannot read with certainty: a frame that is not an object, a
 * key whose value has an unexpected shape, or a string value with escape sequences. The
 * caller then falls back to JSON.parse, so the scan is an optimisation, never a filter.
 */

export interface FrameHeader {
  readonly type: string;
  readonly id: number | undefined;
  readonly sid: number | undefined;
  readonly seq: number | undefined;
  readonly ticker: string | undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const DIGIT_ZERO = 0x30;
const DIGIT_NINE = 0x39;
const MINUS = 0x2d;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Index of the first character of the value of `"key"`, or -1 when the key is absent, or -2 when unreadable. */
function valueStart(text: string, quotedKey: string): number {
  const at = text.indexOf(quotedKey);
  if (at < 0) return -1;
  let index = at + quotedKey.length;
  while (index < text.length && isSpace(text.charCodeAt(index))) index++;
  if (text.charCodeAt(index) !== COLON) return -2;
  index++;
  while (index < text.length && isSpace(text.charCodeAt(index))) index++;
  return index < text.length ? index : -2;
}

type Scanned<T> = T | undefined | null; // undefined = absent, null = unreadable

function scanString(text: string, quotedKey: string): Scanned<string> {
  const start = valueStart(text, quotedKey);
  if (start === -1) return undefined;
  if (start < 0 || text.charCodeAt(start) !== QUOTE) return null;
  for (let index = start + 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) return text.slice(start + 1, index);
    if (code === BACKSLASH) return null;
  }
  return null;
}

function scanInteger(text: string, quotedKey: string): Scanned<number> {
  const start = valueStart(text, quotedKey);
  if (start === -1) return undefined;
  if (start < 0) return null;
  let index = start;
  if (text.charCodeAt(index) === MINUS) index++;
  const digitsStart = index;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code < DIGIT_ZERO || code > DIGIT_NINE) break;
    index++;
  }
  if (index === digitsStart || index - digitsStart > 15) return null;
  const next = text.charCodeAt(index);
  if (next === 0x2e || next === 0x65 || next === 0x45) return null; // fraction or exponent: not an integer
  return Number(text.slice(start, index));
}

/**
 * The routing fields of one frame, or undefined when the frame cannot be read by the scan
 * (the caller must then parse it to decide). `market_ticker` is the one inside `msg`;
 * frames carrying `ticker` instead (user_order) report no ticker.
 */
export function scanFrame(text: string): FrameHeader | undefined {
  let first = 0;
  while (first < text.length && isSpace(text.charCodeAt(first))) first++;
  let last = text.length - 1;
  while (last > first && isSpace(text.charCodeAt(last))) last--;
  if (text[first] !== '{' || text[last] !== '}') return undefined;
  const type = scanString(text, '"type"');
  if (typeof type !== 'string' || type.length === 0) return undefined;
  const id = scanInteger(text, '"id"');
  const sid = scanInteger(text, '"sid"');
  const seq = scanInteger(text, '"seq"');
  const ticker = scanString(text, '"market_ticker"');
  if (id === null || sid === null || seq === null || ticker === null) return undefined;
  return { type, id, sid, seq, ticker };
}
