/**
 * The one config schema: every key, its default, its allowed values, its environment
 * variable and its `mm start` flag. ./types.ts mirrors its shape; the README table is
 * generated from it (scripts/config-docs.ts).
 */
import convict from 'convict';
import type { AppConfig, StrategyParams } from './types.js';
import type { SchemaNode } from './formats.js';
import './formats.js';

/**
 * Defaults of the `sim.*` keys: the embedded simulator's own defaults (src/sim/defaults.ts;
 * test/config/load.test.ts holds the two equal). Written here because config/ sits below the
 * simulator and imports nothing of it.
 */
export const EMBEDDED_SIMULATOR_DEFAULTS = { seed: 1, ratePerMarket: 5, maxRateTotal: 5000 } as const;

/** A section of the schema: named keys or nested sections. */
export interface SchemaSection {
  readonly [name: string]: SchemaNode | SchemaSection;
}

/** Largest contract count accepted for sizes, caps and queue thresholds. */
const MAX_CONTRACTS = 1_000_000;
const ONE_DAY_S = 86_400;

export const STRATEGY_SCHEMA: { readonly [K in keyof StrategyParams]: SchemaNode } = {
  min_spread: {
    doc: 'minimum spread (ticks) before bidding; below it nothing is quoted',
    format: 'integer-in-range',
    min: 1,
    max: 98,
    default: 3,
    flag: 'min-spread',
  },
  bid_size: {
    doc: 'contracts per passive bid on each leg',
    format: 'integer-in-range',
    min: 1,
    max: MAX_CONTRACTS,
    default: 5,
    flag: 'bid-size',
  },
  exit_size: {
    doc: 'contracts per exit ask after fills',
    format: 'integer-in-range',
    min: 1,
    max: MAX_CONTRACTS,
    default: 5,
    flag: 'exit-size',
  },
  sum_cushion: {
    doc: 'keep bid_yes + bid_no <= 100 - sum_cushion (ticks)',
    format: 'integer-in-range',
    min: 0,
    max: 98,
    default: 3,
    flag: 'sum-cushion',
  },
  take_profit: {
    doc: 'ticks above the entry price for the exit ask',
    format: 'integer-in-range',
    min: 1,
    max: 98,
    default: 2,
    flag: 'take-profit',
  },
  quote_ttl_s: {
    doc: 'seconds before an entry bid is refreshed',
    format: 'positive-seconds',
    max: ONE_DAY_S,
    default: 6,
    flag: 'quote-ttl',
  },
  exit_ttl_s: {
    doc: 'seconds before an exit ask expires and is re-posted',
    format: 'positive-seconds',
    max: ONE_DAY_S,
    default: 20,
    flag: 'exit-ttl',
  },
  max_inventory: {
    doc: 'per-leg inventory cap (contracts); at the cap the leg stops bidding and a reduce-only sell is suggested',
    format: 'integer-in-range',
    min: 1,
    max: MAX_CONTRACTS,
    default: 100,
    flag: 'max-inventory',
  },
  reduce_step: {
    doc: 'size of the suggested reduce-only sell at the cap (contracts)',
    format: 'integer-in-range',
    min: 1,
    max: MAX_CONTRACTS,
    default: 10,
    flag: 'reduce-step',
  },
  improve: {
    doc: 'improve by one tick on a thin queue when the spread allows it',
    format: 'true-or-false',
    default: true,
    flag: 'improve',
  },
  thin_queue: {
    doc: 'a best level with fewer contracts than this is a thin queue',
    format: 'integer-in-range',
    min: 0,
    max: MAX_CONTRACTS,
    default: 50,
  },
};

export const CONFIG_SCHEMA = {
  exchange: {
    env: {
      doc: "where to connect: sim = start the embedded simulator on a free loopback port; demo and prod = Kalshi's hosts",
      format: 'one-of',
      choices: ['sim', 'demo', 'prod'],
      default: 'sim',
    },
    ws_url: {
      doc: "WebSocket URL overriding the env's host (for example a loopback server in tests)",
      format: 'ws-url',
      default: '',
    },
    rest_url: {
      doc: "REST base URL overriding the env's host",
      format: 'http-url',
      default: '',
    },
    markets_per_connection: {
      doc: 'most markets one WebSocket connection carries; past it another connection is opened (Kalshi documents no limit for the market channels); 0 = one connection for every market',
      format: 'integer-in-range',
      min: 0,
      max: 100_000,
      default: 0,
    },
  },
  credentials: {
    key_id: {
      doc: 'Kalshi API key id; required for demo and prod (sim mints an ephemeral key when empty)',
      format: 'text',
      default: '',
      env: 'KALSHI_API_KEY_ID',
      sensitive: true,
    },
    private_key_path: {
      doc: 'path of the RSA private key (PEM) that belongs to the key id; checked at start',
      format: 'text',
      default: '',
      env: 'KALSHI_PRIVATE_KEY_PATH',
    },
  },
  markets: {
    doc: 'markets to quote: [{"ticker": "KXFOO-26", ...}], each may override any strategy key',
    format: 'market-list',
    default: [],
    flag: 'ticker',
  },
  selection: {
    rules: {
      doc: 'markets chosen by rules, beside the explicit markets (which come first and keep their overrides): [{"series": ["KXHIGH*"], "min_volume_24h": 500, "max_spread": 6, "max_markets": 10, "strategy": {"bid_size": 2}}]; each rule\'s keys are listed below as selection.rules[i].<key>; a market two rules select belongs to the first',
      format: 'selection-rules',
      default: [],
    },
    refresh_s: {
      doc: 'seconds between two resolutions of the rules against the venue (GET /markets); a failed one keeps the previous selection',
      format: 'integer-in-range',
      min: 10,
      max: ONE_DAY_S,
      default: 300,
    },
    max_markets: {
      doc: 'most markets selected in all, the explicit markets included (rules fill what they leave, in rule order)',
      format: 'integer-in-range',
      min: 1,
      max: 10_000,
      default: 100,
    },
    on_remove: {
      doc: 'a market that leaves the selection: flatten = cancel its orders and sell its position now; keep_until_flat = stop bidding, keep the exit asks until flat',
      format: 'one-of',
      choices: ['flatten', 'keep_until_flat'],
      default: 'keep_until_flat',
    },
  },
  strategy: STRATEGY_SCHEMA,
  runtime: {
    workers: {
      doc: 'actor threads the tickers are spread over',
      format: 'integer-in-range',
      min: 1,
      max: 64,
      default: 2,
    },
    with_private: {
      doc: 'subscribe to the private fill and market_positions channels',
      format: 'true-or-false',
      default: true,
      flag: 'with-private',
    },
    status_interval_s: {
      doc: 'seconds between status lines',
      format: 'positive-seconds',
      max: 3_600,
      default: 5,
    },
    max_actor_crashes: {
      doc: 'an actor thread that dies this many times within runtime.crash_window_s is not restarted: its markets are halted and their orders cancelled; the others trade on',
      format: 'integer-in-range',
      min: 1,
      max: 1_000,
      default: 5,
    },
    crash_window_s: {
      doc: 'the window of runtime.max_actor_crashes, seconds',
      format: 'integer-in-range',
      min: 1,
      max: 86_400,
      default: 600,
    },
    clock: {
      doc: 'time the actors decide in: wall = the wall clock (live trading); exchange = the time the frames carry, so replaying a recording gives the same intents file byte for byte (use with mm replay)',
      format: 'one-of',
      choices: ['wall', 'exchange'],
      default: 'wall',
    },
  },
  execution: {
    mode: {
      doc: "what becomes of intents: announce = logged only, nothing sent; paper = orders to the simulator's REST API (the embedded one, or exchange.rest_url); live = real orders to the venue's REST API (Kalshi's for demo and prod, or exchange.rest_url), only with mm start --live; sandbox = orders to a local matching engine on the real feed (a queue-position model: nothing is sent, fills are an estimate); empty = paper with exchange.env sim, announce with demo and prod",
      format: 'one-of',
      choices: ['', 'announce', 'paper', 'sandbox', 'live'],
      default: '',
    },
    write_tier: {
      doc: "the account's Kalshi rate tier: its write tokens per second (basic 100, advanced 300, expert 600, premier 1000, paragon 2000, prime 4000, prestige 8000) bound every order sent, for all markets together",
      format: 'one-of',
      choices: ['basic', 'advanced', 'expert', 'premier', 'paragon', 'prime', 'prestige'],
      default: 'basic',
    },
    write_tokens_per_s: {
      doc: "write tokens per second, overriding the tier (0 = the tier's rate)",
      format: 'integer-in-range',
      min: 0,
      max: 1_000_000,
      default: 0,
    },
    min_order_life_ms: {
      doc: 'quote-refresh tolerance: a resting order younger than this is not replaced by a new price or size (a target that flips back within it sends nothing); cancels are never delayed',
      format: 'integer-in-range',
      min: 0,
      max: 600_000,
      default: 1_000,
    },
    on_start: {
      doc: "orders this account already has resting in the configured markets at start: cancel them (listed and cancelled one by one), or adopt them as the makers' orders",
      format: 'one-of',
      choices: ['cancel', 'adopt'],
      default: 'cancel',
    },
    request_timeout_ms: {
      doc: 'time after which an order request without an answer is taken as of unknown outcome (then looked up by client order id)',
      format: 'integer-in-range',
      min: 100,
      max: 60_000,
      default: 5_000,
    },
  },
  risk: {
    position_contracts: {
      doc: 'most contracts one market may hold, counting what resting orders could add (soft: an order that would pass it is not sent)',
      format: 'limit-or-off',
      default: 100,
    },
    position_dollars: {
      doc: 'most dollars at cost one market may hold, counting resting orders (soft)',
      format: 'limit-or-off',
      default: '50',
    },
    exposure_dollars: {
      doc: 'most dollars at cost over all markets, counting resting orders (soft)',
      format: 'limit-or-off',
      default: '250',
    },
    open_orders: {
      doc: 'most orders resting in one market (soft)',
      format: 'limit-or-off',
      default: 10,
    },
    orders_per_second: {
      doc: 'most orders (creates and amends) sent in any second, all markets together; past it orders wait',
      format: 'limit-or-off',
      default: 20,
    },
    max_drawdown_dollars: {
      doc: 'hard: total PnL (realized plus marked, net of fees) this far below its peak trips the kill switch (cancel everything, halt until resumed)',
      format: 'limit-or-off',
      default: '50',
    },
    order_group_contracts: {
      doc: 'live mode: each market\'s orders belong to a Kalshi order group that the exchange itself stops after this many matched contracts in a rolling 15 s (a triggered market pauses until its position is checked); "off" for none',
      format: 'limit-or-off',
      default: 50,
    },
    daily_loss_dollars: {
      doc: 'hard: total PnL this far below where the UTC day began trips the kill switch',
      format: 'limit-or-off',
      default: '20',
    },
    kill_switch_file: {
      doc: 'where a tripped kill switch is recorded until a person resumes it, so that a restart starts halted; empty: kill-switch.json beside log.intents_file; "off": not kept across restarts',
      format: 'text',
      default: '',
    },
  },
  control: {
    enabled: {
      doc: 'serve the status page, /metrics (Prometheus), /api/state and the control API (pause, resume, flatten, kill)',
      format: 'true-or-false',
      default: false,
    },
    host: {
      doc: 'address the control server listens on; anything but loopback needs control.token',
      format: 'text',
      default: '127.0.0.1',
    },
    port: {
      doc: 'port of the control server (0 = any free port; the URL is printed at start)',
      format: 'integer-in-range',
      min: 0,
      max: 65_535,
      default: 0,
    },
    token: {
      doc: 'bearer token the control actions require; empty = one is generated at start and written to control.token_file',
      format: 'text',
      default: '',
      env: 'KALSHI_MM_CONTROL_TOKEN',
      sensitive: true,
    },
    token_file: {
      doc: 'where a generated token is written (readable only by the user)',
      format: 'file-path',
      default: 'logs/control-token',
    },
  },
  log: {
    level: {
      doc: 'lowest level written to the events file and the console',
      format: 'one-of',
      choices: ['error', 'warn', 'info', 'debug'],
      default: 'info',
    },
    intents_file: {
      doc: 'JSON lines, one per intent (relative paths start at the working directory)',
      format: 'file-path',
      default: 'logs/intents.jsonl',
    },
    events_file: {
      doc: 'JSON lines, one per event: fills, positions, trades, tickers, status, errors',
      format: 'file-path',
      default: 'logs/events.jsonl',
    },
    fills_file: {
      doc: 'JSON lines, one per fill of our orders: {ts, ticker, order_id, client_order_id, side, action, price, count, fee, is_taker}',
      format: 'file-path',
      default: 'logs/fills.jsonl',
    },
    summary_file: {
      doc: 'the PnL summary written at shutdown (JSON: per market and total)',
      format: 'file-path',
      default: 'logs/summary.json',
    },
    console: {
      doc: 'console output: pretty = one readable line per record, json = the JSON line, off = nothing',
      format: 'one-of',
      choices: ['pretty', 'json', 'off'],
      default: 'pretty',
    },
    rotate_max_bytes: {
      doc: 'rotate the intents, events and fills files by size, at this many bytes (0 = never by size); a rotated file is renamed beside it with the UTC day and a number: intents.2026-11-25.1.jsonl',
      format: 'integer-in-range',
      min: 0,
      max: 1_099_511_627_776,
      default: 0,
    },
    rotate_daily: {
      doc: 'rotate the intents, events and fills files when a new UTC day begins (the rotated name carries the day of its lines); turn it and rotate_max_bytes off when an external logrotate renames the files, then send SIGUSR2',
      format: 'true-or-false',
      default: true,
    },
    rotate_keep: {
      doc: 'rotated files kept per log file, the newest; older ones are removed at each rotation (0 = keep every one)',
      format: 'integer-in-range',
      min: 0,
      max: 100_000,
      default: 0,
    },
  },
  sim: {
    seed: {
      doc: 'random seed of the embedded simulator',
      format: 'integer-in-range',
      min: 0,
      max: 2_147_483_647,
      default: EMBEDDED_SIMULATOR_DEFAULTS.seed,
    },
    rate_per_market: {
      doc: 'market events per second in a normal market of the embedded simulator (quiet markets have fewer, busy ones more); 0 freezes the books',
      format: 'integer-in-range',
      min: 0,
      max: 100_000,
      default: EMBEDDED_SIMULATOR_DEFAULTS.ratePerMarket,
    },
    max_rate_total: {
      doc: 'cap on the market events per second of the embedded simulator over all its markets',
      format: 'integer-in-range',
      min: 0,
      max: 10_000_000,
      default: EMBEDDED_SIMULATOR_DEFAULTS.maxRateTotal,
    },
  },
} as const satisfies SchemaSection;

export function isSchemaNode(entry: SchemaNode | SchemaSection): entry is SchemaNode {
  return 'default' in entry;
}

/** Every key of the schema with its dotted name, in schema order. */
export function schemaEntries(section: SchemaSection = CONFIG_SCHEMA, prefix = ''): Array<{ key: string; node: SchemaNode }> {
  return Object.entries(section).flatMap(([name, entry]) =>
    isSchemaNode(entry) ? [{ key: `${prefix}${name}`, node: entry }] : schemaEntries(entry, `${prefix}${name}.`),
  );
}

/** A convict instance on the schema, reading only the given environment (never argv). */
export function createConfig(env: Record<string, string | undefined>): convict.Config<AppConfig> {
  return convict<AppConfig>(CONFIG_SCHEMA as unknown as convict.Schema<AppConfig>, { env, args: [] });
}
