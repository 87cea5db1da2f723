/**
 * `mm markets --config FILE [--json]`: what the config's market selection holds now, the
 * explicit `markets` first, then what `selection.rules` select on the venue, as a table (or
 * JSON). Nothing is traded.
 *
 * The venue: `exchange.rest_url` when set; else for exchange.env sim the embedded simulator
 * (started as `mm start` would start it, closed at the end); else Kalshi's REST host of the
 * env. GET /markets and GET /series are public: the requests go unsigned.
 * Exit codes: 0 done, 1 the venue failed (REST error, timeout, 429), 2 a bad config.
 */
import type { Command } from 'commander';
import { KalshiRestClient } from '../adapters/kalshi/rest-client.js';
import { wallClock } from '../clock/clock.js';
import { defaultRestUrl } from '../config/endpoints.js';
import { loadConfig } from '../config/load.js';
import type { AppConfig } from '../config/types.js';
import { resolveExchangeEndpoint } from '../engine/exchange-endpoint.js';
import { hundredthsToCount } from '../protocol/fixed.js';
import { resolveSelection, selectionSettings, spreadOf, type ResolvedSelection, type SelectedMarket } from '../selection/index.js';
import { configFileOption } from './config-option.js';
import { writeOut } from './output.js';

interface MarketsFlags {
  config: string;
  json?: boolean;
}

interface Venue {
  readonly restUrl: string;
  readonly label: string;
  close(): Promise<void>;
}

async function openVenue(config: AppConfig): Promise<Venue> {
  if (config.exchange.rest_url !== '') return { restUrl: config.exchange.rest_url, label: config.exchange.rest_url, close: async () => undefined };
  if (config.exchange.env === 'sim') {
    const endpoint = await resolveExchangeEndpoint(config);
    const simulator = endpoint.simulator;
    if (endpoint.restUrl === undefined) {
      await simulator?.close();
      throw new Error('the exchange has no REST URL: set exchange.rest_url');
    }
    return { restUrl: endpoint.restUrl, label: `embedded simulator ${endpoint.restUrl}`, close: async () => simulator?.close() };
  }
  const restUrl = defaultRestUrl(config.exchange.env)!;
  return { restUrl, label: restUrl, close: async () => undefined };
}

/** Resolves the config's selection once against its venue. */
export async function selectNow(config: AppConfig): Promise<{ selection: ResolvedSelection; venue: string }> {
  const venue = await openVenue(config);
  const client = new KalshiRestClient({ baseUrl: venue.restUrl, clock: wallClock, timeoutMs: config.execution.request_timeout_ms });
  try {
    const selection = await resolveSelection(client, selectionSettings(config), wallClock);
    return { selection, venue: venue.label };
  } finally {
    await client.close();
    await venue.close();
  }
}

/** Hundredths of a contract as contracts: whole numbers without decimals. */
function contracts(hundredths: number): string {
  return hundredths % 100 === 0 ? String(hundredths / 100) : hundredthsToCount(hundredths);
}

function closeTime(ms: number | undefined): string {
  return ms === undefined ? '-' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

function quote(entry: SelectedMarket): string {
  const market = entry.market;
  if (market === undefined) return '-';
  return `${market.yesBid === 0 ? '-' : market.yesBid}/${market.yesAsk === 100 ? '-' : market.yesAsk}`;
}

const COLUMNS: ReadonlyArray<{ readonly title: string; readonly right: boolean; readonly cell: (entry: SelectedMarket) => string }> = [
  { title: 'TICKER', right: false, cell: (entry) => entry.ticker },
  { title: 'RULE', right: false, cell: (entry) => entry.rule },
  { title: 'VOLUME 24H', right: true, cell: (entry) => (entry.market ? contracts(entry.market.volume24h) : '-') },
  { title: 'OPEN INT', right: true, cell: (entry) => (entry.market ? contracts(entry.market.openInterest) : '-') },
  { title: 'BID/ASK', right: true, cell: quote },
  { title: 'SPREAD', right: true, cell: (entry) => (entry.market ? String(spreadOf(entry.market)) : '-') },
  { title: 'CLOSES', right: false, cell: (entry) => closeTime(entry.market?.closeTimeMs) },
];

/** The selection as an aligned text table with a one-line summary above it. */
export function selectionTable(selection: ResolvedSelection, venue: string): string {
  const explicit = selection.markets.filter((entry) => entry.ruleIndex < 0).length;
  const summary =
    `${selection.markets.length} markets selected (${explicit} from markets, ${selection.markets.length - explicit} by rules) ` +
    `of ${selection.listed} listed by ${venue} at ${new Date(selection.resolvedAtMs).toISOString()}; bid/ask and spread in cents\n`;
  if (selection.markets.length === 0) return summary;
  const rows = [COLUMNS.map((column) => column.title), ...selection.markets.map((entry) => COLUMNS.map((column) => column.cell(entry)))];
  const widths = COLUMNS.map((_, index) => Math.max(...rows.map((row) => row[index]!.length)));
  const lines = rows.map((row) =>
    row
      .map((text, index) => (COLUMNS[index]!.right ? text.padStart(widths[index]!) : text.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd(),
  );
  return `${summary}${lines.join('\n')}\n`;
}

/** The selection as JSON: prices in cents, counts as fixed-point strings. */
export function selectionJson(selection: ResolvedSelection, venue: string): unknown {
  return {
    resolved_at: new Date(selection.resolvedAtMs).toISOString(),
    venue,
    listed: selection.listed,
    markets: selection.markets.map((entry) => {
      const market = entry.market;
      return {
        ticker: entry.ticker,
        rule: entry.rule,
        rule_index: entry.ruleIndex,
        strategy: entry.overrides,
        listed: market !== undefined,
        ...(market !== undefined
          ? {
              series_ticker: market.seriesTicker,
              event_ticker: market.eventTicker,
              status: market.status,
              yes_bid: market.yesBid,
              yes_ask: market.yesAsk,
              spread: spreadOf(market),
              volume_24h_fp: hundredthsToCount(market.volume24h),
              open_interest_fp: hundredthsToCount(market.openInterest),
              close_time: market.closeTimeMs === undefined ? null : new Date(market.closeTimeMs).toISOString(),
              fee_type: market.fees?.feeType ?? null,
              fee_multiplier: market.fees === undefined ? null : market.fees.multiplierMilli / 1000,
            }
          : {}),
      };
    }),
    warnings: selection.warnings,
  };
}

export function registerMarketsCommand(program: Command): void {
  program
    .command('markets')
    .description('print the markets the config selects now (explicit markets, then selection.rules on the venue); trades nothing')
    .addOption(configFileOption())
    .option('--json', 'print JSON instead of a table')
    .action(async (flags: MarketsFlags, command: Command) => {
      const config = loadConfig({ file: flags.config });
      const { selection, venue } = await selectNow(config);
      if (flags.json === true) {
        writeOut(command, `${JSON.stringify(selectionJson(selection, venue), null, 2)}\n`);
        return;
      }
      writeOut(command, selectionTable(selection, venue));
      const { writeErr = (text: string) => process.stderr.write(text) } = command.configureOutput();
      for (const warning of selection.warnings) writeErr(`warning: ${warning}\n`);
    });
}
