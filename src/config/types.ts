/**
 * The shape of a validated configuration. The convict schema in ./schema.ts is the single
 * source of truth for keys, defaults and ranges; this type mirrors it for the rest of the code.
 * Key names are a contract: add keys freely, never rename these.
 */
export type ExchangeEnv = 'sim' | 'demo' | 'prod';
export type ConsoleMode = 'pretty' | 'json' | 'off';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
/** The time shard actors decide in: the wall clock (live) or the time the frames carry (replays). */
export type RuntimeClock = 'wall' | 'exchange';

/** What becomes of intents (README, "Modes"). */
export type ExecutionMode = 'announce' | 'paper' | 'sandbox' | 'live';
export type WriteTier = 'basic' | 'advanced' | 'expert' | 'premier' | 'paragon' | 'prime' | 'prestige';

export interface ExecutionConfig {
  /** resolved by loadConfig: never '' in a loaded config */
  mode: ExecutionMode;
  write_tier: WriteTier;
  /** 0 = the tier's rate */
  write_tokens_per_s: number;
  min_order_life_ms: number;
  request_timeout_ms: number;
  /** at start: cancel or adopt what rests from before; optional for configs built by hand (then cancel) */
  on_start?: 'cancel' | 'adopt';
}

export interface ControlConfig {
  enabled: boolean;
  host: string;
  port: number;
  token: string;
  token_file: string;
}

/** Risk limits as the config gives them: an amount, or "off". */
export interface RiskConfig {
  position_contracts: number | string;
  position_dollars: number | string;
  exposure_dollars: number | string;
  open_orders: number | string;
  orders_per_second: number | string;
  max_drawdown_dollars: number | string;
  daily_loss_dollars: number | string;
  order_group_contracts: number | string;
  /** '' = kill-switch.json beside log.intents_file; 'off' = none */
  kill_switch_file: string;
}

/** Strategy parameters, same names and defaults as the seed bot. Sizes in whole contracts. */
export interface StrategyParams {
  min_spread: number;
  bid_size: number;
  exit_size: number;
  sum_cushion: number;
  take_profit: number;
  quote_ttl_s: number;
  exit_ttl_s: number;
  max_inventory: number;
  reduce_step: number;
  improve: boolean;
  thin_queue: number;
}

/** One configured market; any strategy key may be overridden per market. */
export interface MarketConfig extends Partial<StrategyParams> {
  ticker: string;
}

/**
 * One market-selection rule (src/selection/rules.ts applies it). Every condition given must
 * hold; an absent one does not filter. Patterns match whole tickers, `*` standing for any run
 * of characters.
 */
export interface SelectionRule {
  /** shown by `mm markets` and in the selection's reports; default `rules[i]` */
  name?: string;
  /** series ticker patterns (`KXHIGH*`); the market's series must match one */
  series?: string[];
  /** event ticker patterns (`KXFED-26DEC*`); the market's event must match one */
  events?: string[];
  /** only open markets are ever selected; the key may say so */
  status?: 'open';
  /** contracts traded over the last 24 h, at least (up to 2 decimals) */
  min_volume_24h?: number;
  /** open interest in contracts, at least (up to 2 decimals) */
  min_open_interest?: number;
  /** YES ask minus YES bid, ticks; a missing bid counts as 0 and a missing ask as 100 */
  min_spread?: number;
  max_spread?: number;
  /** seconds from now to the market's close_time, at least */
  min_time_to_close_s?: number;
  /** most markets this rule selects */
  max_markets?: number;
  /** strategy keys overridden in the markets this rule selects */
  strategy?: Partial<StrategyParams>;
}

/** What becomes of a market that leaves the selection: flatten it now, or stop bidding and keep exiting until flat. */
export type SelectionOnRemove = 'flatten' | 'keep_until_flat';

export interface SelectionConfig {
  rules: SelectionRule[];
  /** seconds between two resolutions of the rules */
  refresh_s: number;
  /** most markets quoted at once, the explicit `markets` included */
  max_markets: number;
  on_remove: SelectionOnRemove;
}

export interface AppConfig {
  exchange: {
    env: ExchangeEnv;
    /** '' = use the env's default host (for `sim`: the embedded simulator) */
    ws_url: string;
    rest_url: string;
    /** most markets per WebSocket connection, 0 = no limit; always set in a loaded config, optional for configs built by hand (then 0) */
    markets_per_connection?: number;
  };
  credentials: {
    key_id: string;
    private_key_path: string;
  };
  markets: MarketConfig[];
  /** markets chosen by rules, beside `markets`; always set in a loaded config, optional for configs built by hand (then none) */
  selection?: SelectionConfig;
  strategy: StrategyParams;
  runtime: {
    workers: number;
    with_private: boolean;
    status_interval_s: number;
    /** an actor that dies this often within crash_window_s stays down (its markets halted); optional for configs built by hand (5 in 600 s) */
    max_actor_crashes?: number;
    crash_window_s?: number;
    /**
     * wall: intents stamped and TTLs timed by the wall clock (live trading); exchange: by the
     * time the frames carry, so a replay gives the same intents file byte for byte. Always set
     * in a loaded config; optional for configs built by hand, where wall applies.
     */
    clock?: RuntimeClock;
  };
  execution: ExecutionConfig;
  /** the control server (src/control/); optional for configs built by hand (then off) */
  control?: ControlConfig;
  /** src/risk/limits.ts reads these; optional for configs built by hand (then the engine's defaults) */
  risk?: Partial<RiskConfig>;
  log: {
    level: LogLevel;
    intents_file: string;
    events_file: string;
    /** always set in a loaded config; optional for configs built by hand (then no fills journal is written) */
    fills_file?: string;
    summary_file?: string;
    console: ConsoleMode;
    /**
     * Rotation of the intents, events and fills files (src/log/rotation.ts). Always set in a
     * loaded config; optional for configs built by hand, where nothing is rotated.
     */
    rotate_max_bytes?: number;
    rotate_daily?: boolean;
    rotate_keep?: number;
  };
  /** options of the embedded simulator (exchange.env = sim) */
  sim: {
    seed: number;
    /**
     * Market events per second in a normal market, and the cap over all markets. Always set
     * in a loaded config (the schema has defaults); optional for configs built by hand, where
     * the simulator's own defaults apply.
     */
    rate_per_market?: number;
    max_rate_total?: number;
  };
}

/**
 * Values given on the command line (`mm start` flags). They win over the file and the
 * environment: `tickers` replaces the markets list, and a strategy value applies to every
 * market (a per-market override of the same key in the file is dropped).
 */
export interface ConfigOverrides {
  tickers?: readonly string[];
  strategy?: Partial<StrategyParams>;
  with_private?: boolean;
}
