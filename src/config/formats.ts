/**
 * The value checks behind the config schema, registered as named convict formats.
 *
 * Named formats (rather than convict's built-in constructors) matter: convict coerces a
 * string from a file into a number or boolean when the format is a built-in, so `"3"` would
 * silently become 3. With named formats a wrong type is an error. The same checks validate
 * per-market strategy overrides (./markets.ts) and describe each key in the README table.
 */
import convict from 'convict';

/**
 * Format names. None of them may be one convict coerces strings for (int, integer, nat,
 * port, number, boolean, array, object, regexp): that would turn "3" in a file into 3.
 */
export type FormatName =
  | 'integer-in-range'
  | 'positive-seconds'
  | 'true-or-false'
  | 'one-of'
  | 'text'
  | 'file-path'
  | 'ws-url'
  | 'http-url'
  | 'market-list'
  | 'selection-rules'
  | 'limit-or-off';

/** One key of the schema: convict's fields plus the bounds and flag our formats read. */
export interface SchemaNode {
  readonly doc: string;
  readonly format: FormatName;
  readonly default: unknown;
  /** integer-in-range: inclusive bounds; positive-seconds: inclusive upper bound */
  readonly min?: number;
  readonly max?: number;
  /** one-of: the allowed values */
  readonly choices?: readonly string[];
  /** environment variable that fills the key */
  readonly env?: string;
  /** never printed as is (`config print` shows it redacted) */
  readonly sensitive?: boolean;
  /** `mm start` flag name without dashes (booleans also get `--no-<flag>`) */
  readonly flag?: string;
}

function isUrlWithProtocol(value: unknown, protocols: readonly string[]): boolean {
  if (value === '') return true;
  if (typeof value !== 'string') return false;
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** A positive amount (a number, or a decimal string such as "50.00"), or "off". */
function isLimitOrOff(value: unknown): boolean {
  if (value === 'off') return true;
  if (typeof value === 'number') return Number.isFinite(value) && value > 0;
  return typeof value === 'string' && /^\$?\d+(\.\d+)?$/.test(value) && Number(value.replace('$', '')) > 0;
}

const CHECKS: Record<FormatName, (value: unknown, node: SchemaNode) => string | undefined> = {
  'limit-or-off': (value) => (isLimitOrOff(value) ? undefined : 'must be a positive amount (a number or a decimal string) or "off"'),
  'integer-in-range': (value, node) =>
    Number.isInteger(value) && (value as number) >= (node.min ?? -Infinity) && (value as number) <= (node.max ?? Infinity)
      ? undefined
      : `must be an integer from ${node.min} to ${node.max}`,
  'positive-seconds': (value, node) =>
    typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= (node.max ?? Infinity)
      ? undefined
      : `must be a number of seconds above 0 and at most ${node.max}`,
  'true-or-false': (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'),
  'one-of': (value, node) =>
    typeof value === 'string' && (node.choices ?? []).includes(value)
      ? undefined
      : `must be one of ${(node.choices ?? []).map((choice) => (choice === '' ? '""' : choice)).join(', ')}`,
  text: (value) => (typeof value === 'string' ? undefined : 'must be a string'),
  'file-path': (value) => (typeof value === 'string' && value.trim() !== '' ? undefined : 'must be a non-empty file path'),
  'ws-url': (value) => (isUrlWithProtocol(value, ['ws:', 'wss:']) ? undefined : "must be a ws:// or wss:// URL, or '' for the env's default"),
  'http-url': (value) => (isUrlWithProtocol(value, ['http:', 'https:']) ? undefined : "must be an http:// or https:// URL, or '' for the env's default"),
  'market-list': (value) => (Array.isArray(value) ? undefined : 'must be an array of {"ticker": ...} objects'),
  // each rule's keys are checked by ./selection-rules.ts, which reports them one by one
  'selection-rules': (value) => (Array.isArray(value) ? undefined : 'must be an array of rule objects like {"series": ["KXHIGH*"], "min_volume_24h": 100}'),
};

/** What is wrong with `value` for this key, or undefined when it is valid. */
export function formatProblem(node: SchemaNode, value: unknown): string | undefined {
  return CHECKS[node.format](value, node);
}

/** The allowed values of a key, in words, for the README table. */
export function describeFormat(node: SchemaNode): string {
  switch (node.format) {
    case 'integer-in-range':
      return `integer ${node.min}..${node.max}`;
    case 'positive-seconds':
      return `seconds, > 0 and <= ${node.max}`;
    case 'true-or-false':
      return 'true, false';
    case 'one-of':
      return (node.choices ?? []).map((choice) => (choice === '' ? '"" (empty)' : choice)).join(', ');
    case 'text':
      return 'string';
    case 'file-path':
      return 'file path';
    case 'ws-url':
      return "ws:// or wss:// URL, or ''";
    case 'http-url':
      return "http:// or https:// URL, or ''";
    case 'market-list':
      return 'array of objects';
    case 'selection-rules':
      return 'array of rule objects';
    case 'limit-or-off':
      return 'positive amount, or "off"';
  }
}

for (const name of Object.keys(CHECKS) as FormatName[]) {
  convict.addFormat({
    name,
    validate(value: unknown, node: convict.SchemaObj) {
      const problem = CHECKS[name](value, node as unknown as SchemaNode);
      if (problem !== undefined) throw new Error(problem);
    },
  });
}
