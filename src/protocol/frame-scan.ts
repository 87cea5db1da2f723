/**
 * The hand-written JSON scanning of raw server frames, in one place: the routing fields
 * (type, sid, seq, market_ticker) read with one substring pass instead of JSON.parse, and
 * the text of a frame's `msg` object cut from the frame. The main thread only needs these four fields to
 * check sequence numbers and pick the actor; the actor parses the full frame in its own
 * thread. the README (runtime section) has the measurement behind this choice.
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

/** Index of the first character of the value of the key whose closing quote is at `keyEnd`, or -2 when unreadable. */
function valueStart(text: string, keyEnd: number): number {
  let index = keyEnd + 1;
  while (index < text.length && isSpace(text.charCodeAt(index))) index++;
  if (text.charCodeAt(index) !== COLON) return -2;
  index++;
  while (index < text.length && isSpace(text.charCodeAt(index))) index++;
  return index < text.length ? index : -2;
}

type Scanned<T> = T | undefined | null; // undefined = absent, null = unreadable

/** The string value of the key whose closing quote is at `keyEnd` (-1: key absent). */
function readString(text: string, keyEnd: number): Scanned<string> {
  if (keyEnd === -1) return undefined;
  const start = valueStart(text, keyEnd);
  if (start < 0 || text.charCodeAt(start) !== QUOTE) return null;
  for (let index = start + 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) return text.slice(start + 1, index);
    if (code === BACKSLASH) return null;
  }
  return null;
}

/** The integer value of the key whose closing quote is at `keyEnd` (-1: key absent). */
function readInteger(text: string, keyEnd: number): Scanned<number> {
  if (keyEnd === -1) return undefined;
  const start = valueStart(text, keyEnd);
  if (start < 0) return null;
  let index = start;
  const negative = text.charCodeAt(index) === MINUS;
  if (negative) index++;
  const digitsStart = index;
  let value = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code < DIGIT_ZERO || code > DIGIT_NINE) break;
    value = value * 10 + (code - DIGIT_ZERO);
    index++;
  }
  if (index === digitsStart || index - digitsStart > 15) return null;
  const next = text.charCodeAt(index);
  if (next === 0x2e || next === 0x65 || next === 0x45) return null; // fraction or exponent: not an integer
  return negative ? -value : value;
}

/** Frame types by how often they arrive; a known type is returned as this very string (no copy, hash already computed). */
const KNOWN_TYPES: readonly string[] = [
  'orderbook_delta',
  'ticker',
  'trade',
  'orderbook_snapshot',
  'market_position',
  'fill',
  'market_lifecycle_v2',
  'ok',
  'subscribed',
  'unsubscribed',
  'error',
  'event_lifecycle',
  'event_fee_update',
];

/** The type's value: one of KNOWN_TYPES when it is one, else a copy. */
function readType(text: string, keyEnd: number): Scanned<string> {
  const start = valueStart(text, keyEnd);
  if (start < 0 || text.charCodeAt(start) !== QUOTE) return null;
  const end = text.indexOf('"', start + 1);
  if (end < 0) return null;
  const length = end - start - 1;
  for (const known of KNOWN_TYPES) {
    if (known.length === length && text.startsWith(known, start + 1)) return known;
  }
  return readString(text, keyEnd);
}

/** Data frames whose seq the gateway checks (the sequenced channels' frame types): they must carry sid and seq. */
export const SEQUENCED_TYPES: ReadonlySet<string> = new Set([
  'orderbook_snapshot',
  'orderbook_delta',
  'trade',
  'market_lifecycle_v2',
  'event_lifecycle',
  'event_fee_update',
]);
/** Data frames without a seq the gateway checks. */
const UNSEQUENCED_TYPES: ReadonlySet<string> = new Set(['ticker', 'fill', 'market_position', 'user_order']);

/** Whether a frame of this type needs its seq read: sequenced types, control replies, unknown types. */
function needsSeq(type: string): boolean {
  return !UNSEQUENCED_TYPES.has(type);
}

/** Whether a frame of this type needs its id read: snapshots (a get_snapshot reply names its command), control replies, unknown types. */
function needsId(type: string): boolean {
  return type === 'orderbook_snapshot' || !(SEQUENCED_TYPES.has(type) || UNSEQUENCED_TYPES.has(type));
}

/**
 * The type's value, whether that type needs its id and seq read, and the closing-quote
 * position of the first occurrence of every other routing key (-1: not found).
 */
interface LocatedKeys {
  type: Scanned<string>;
  idNeeded: boolean;
  seqNeeded: boolean;
  id: number;
  sid: number;
  seq: number;
  ticker: number;
}

/**
 * One left-to-right pass, quote to quote, that notes where each routing key first occurs:
 * the same occurrences a separate search per key finds. It stops as soon as the type and
 * the keys that type needs are found, which for data frames in the exchange's key order is
 * before the payload.
 */
function locateKeys(text: string): LocatedKeys {
  const keys: LocatedKeys = { type: undefined, idNeeded: true, seqNeeded: true, id: -1, sid: -1, seq: -1, ticker: -1 };
  for (let quote = text.indexOf('"'); quote >= 0; quote = text.indexOf('"', quote + 1)) {
    const at = quote + 1;
    switch (text.charCodeAt(at)) {
      case 0x74: // t
        if (keys.type !== undefined || !text.startsWith('type"', at)) continue;
        keys.type = readType(text, at + 4);
        if (typeof keys.type !== 'string') return keys; // unreadable: the caller parses the frame
        keys.seqNeeded = needsSeq(keys.type);
        keys.idNeeded = needsId(keys.type);
        break;
      case 0x69: // i
        if (keys.id >= 0 || !text.startsWith('id"', at)) continue;
        keys.id = at + 2;
        break;
      case 0x73: // s
        if (keys.sid < 0 && text.startsWith('sid"', at)) keys.sid = at + 3;
        else if (keys.seq < 0 && text.startsWith('seq"', at)) keys.seq = at + 3;
        else continue;
        break;
      case 0x6d: // m
        if (keys.ticker >= 0 || !text.startsWith('market_ticker"', at)) continue;
        keys.ticker = at + 13;
        break;
      default:
        continue;
    }
    if (keys.type !== undefined && keys.sid >= 0 && keys.ticker >= 0 && (!keys.seqNeeded || keys.seq >= 0) && (!keys.idNeeded || keys.id >= 0)) break;
  }
  return keys;
}

/**
 * The routing fields of one frame, or undefined when the frame cannot be read by the scan
 * (the caller must then parse it to decide). `market_ticker` is the one inside `msg`;
 * frames carrying `ticker` instead (user_order) report no ticker. What is read depends on
 * the type: `seq` for sequenced frame types, control replies and unknown types (ticker,
 * fill and market_position carry none the gateway checks); `id` for control replies,
 * snapshots (a get_snapshot reply names its command) and unknown types. A field not read
 * is reported undefined.
 */
export function scanFrame(text: string): FrameHeader | undefined {
  let first = 0;
  while (first < text.length && isSpace(text.charCodeAt(first))) first++;
  let last = text.length - 1;
  while (last > first && isSpace(text.charCodeAt(last))) last--;
  if (text.charCodeAt(first) !== 0x7b || text.charCodeAt(last) !== 0x7d) return undefined; // { ... }
  const keys = locateKeys(text);
  const type = keys.type;
  if (typeof type !== 'string' || type.length === 0) return undefined;
  const id = keys.idNeeded ? readInteger(text, keys.id) : undefined;
  const sid = readInteger(text, keys.sid);
  const seq = keys.seqNeeded ? readInteger(text, keys.seq) : undefined;
  const ticker = readString(text, keys.ticker);
  if (id === null || sid === null || seq === null || ticker === null) return undefined;
  return { type, id, sid, seq, ticker };
}

const MESSAGE_KEY = '"msg":';
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;

/**
 * The text of a parsed frame's object `msg` when it is the frame's last key, written
 * compactly (as the exchange sends it): the same object as `JSON.parse(text).msg`, with no
 * second serialization. Undefined when the frame has another shape.
 */
export function messageJson(text: string): string | undefined {
  const keyAt = text.indexOf(MESSAGE_KEY);
  const end = text.length - 1;
  // a top-level key: the frame's own brace is the only one before it, and it follows `{` or `,`
  if (keyAt < 1 || text.lastIndexOf('{', keyAt) !== 0 || text.charCodeAt(end) !== CLOSE_BRACE) return undefined;
  const before = text.charCodeAt(keyAt - 1);
  if (before !== OPEN_BRACE && before !== COMMA) return undefined;
  const start = keyAt + MESSAGE_KEY.length;
  if (text.charCodeAt(start) !== OPEN_BRACE) return undefined;
  // the object must close right before the frame does: nothing follows it
  let depth = 0;
  let inString = false;
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) inString = true;
    else if (code === OPEN_BRACE) depth++;
    else if (code === CLOSE_BRACE && --depth === 0) return index === end - 1 ? text.slice(start, end) : undefined;
  }
  return undefined;
}
