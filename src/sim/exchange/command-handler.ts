/**
 * The client commands of the v2 socket (ws-v2.md section 4): subscribe, unsubscribe,
 * update_subscription, list_subscriptions, with the documented replies and error codes.
 *
 * Choices where the spec is silent: an unknown market ticker is error 11 (Invalid
 * parameter) naming the tickers in `market_tickers`; errors found after the target
 * subscription is known (13, 14, 11 in update_subscription) are scoped to its sid and
 * consume a seq on sequenced channels; every other error is unscoped.
 */
import { ERROR_CODES, KNOWN_CHANNELS, type Channel } from '../../protocol/wire.js';
import { errorBody } from './frame-encoder.js';
import type { Subscription, SubscriptionSet } from './subscriptions.js';

export interface CommandOutput {
  /** a frame without sid: `subscribed`, the list reply, unscoped errors */
  reply(type: string, id: number | undefined, msg?: string): void;
  /** a control frame on a subscription (consumes a seq on sequenced channels) */
  replyOnSid(type: string, id: number | undefined, subscription: Subscription, msg?: string): void;
  sendSnapshot(subscription: Subscription, ticker: string, id?: number): void;
  sendTickerNow(subscription: Subscription, ticker: string): void;
}

export interface MarketDirectory {
  hasMarket(ticker: string): boolean;
  allTickers(): readonly string[];
}

class CommandError extends Error {
  constructor(
    readonly code: number,
    readonly subscription?: Subscription,
    readonly marketTickers?: readonly string[],
  ) {
    super(`command error ${code}`);
  }
}

type Params = Record<string, unknown>;

/** Channels whose subscriptions take no market filter (always every market). */
const UNFILTERED_CHANNELS: ReadonlySet<Channel> = new Set<Channel>(['market_lifecycle_v2', 'order_group_updates']);

export class CommandHandler {
  constructor(
    private readonly output: CommandOutput,
    private readonly subscriptions: SubscriptionSet,
    private readonly markets: MarketDirectory,
  ) {}

  handle(text: string): void {
    let id: number | undefined;
    try {
      const command = parseCommand(text);
      id = command.id;
      switch (command.cmd) {
        case 'subscribe':
          this.subscribe(requireParams(command.params), id);
          break;
        case 'unsubscribe':
          this.unsubscribe(requireParams(command.params), id);
          break;
        case 'update_subscription':
          this.updateSubscription(requireParams(command.params), id);
          break;
        case 'list_subscriptions':
          this.listSubscriptions(id);
          break;
        default:
          throw new CommandError(ERROR_CODES.UNKNOWN_COMMAND);
      }
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      const body = errorBody(err.code, err.marketTickers);
      if (err.subscription) this.output.replyOnSid('error', id, err.subscription, body);
      else this.output.reply('error', id, body);
    }
  }

  private subscribe(params: Params, id: number | undefined): void {
    const channels = parseChannels(params.channels);
    const tickers = this.parseTickers(params, undefined);
    if (params.use_yes_price === true) throw new CommandError(ERROR_CODES.INVALID_PARAMETER);
    if (channels.includes('orderbook_delta') && tickers === null) throw new CommandError(ERROR_CODES.MARKET_TICKER_REQUIRED);
    const skipTickerAck = params.skip_ticker_ack === true;
    const initialTicker = params.send_initial_snapshot === true;
    const followUps: Array<() => void> = [];
    for (const channel of channels) {
      const filter = UNFILTERED_CHANNELS.has(channel) ? null : tickers;
      const existing = this.subscriptions.forChannel(channel);
      if (existing) {
        const added = addTickers(existing, filter);
        this.output.replyOnSid('ok', id, existing, this.tickerAck(existing));
        followUps.push(() => this.sendInitial(existing, added, initialTicker));
      } else {
        const created = this.subscriptions.create(channel, filter === null ? null : new Set(filter), skipTickerAck);
        this.output.reply('subscribed', id, JSON.stringify({ channel, sid: created.sid }));
        followUps.push(() => this.sendInitial(created, filter ?? this.markets.allTickers(), initialTicker));
      }
    }
    for (const followUp of followUps) followUp();
  }

  private unsubscribe(params: Params, id: number | undefined): void {
    const sids = params.sids;
    if (sids === undefined) throw new CommandError(ERROR_CODES.SIDS_REQUIRED);
    if (!Array.isArray(sids) || !sids.every((sid) => Number.isInteger(sid))) throw new CommandError(ERROR_CODES.UNABLE_TO_PROCESS);
    if (sids.length === 0) throw new CommandError(ERROR_CODES.SIDS_REQUIRED);
    for (const sid of sids as number[]) {
      const subscription = this.subscriptions.get(sid);
      if (!subscription) {
        this.output.reply('error', id, errorBody(ERROR_CODES.UNKNOWN_SID));
        continue;
      }
      this.output.replyOnSid('unsubscribed', id, subscription);
      this.subscriptions.remove(subscription);
    }
  }

  private updateSubscription(params: Params, id: number | undefined): void {
    const subscription = this.targetSubscription(params);
    const action = params.action;
    if (action === undefined) throw new CommandError(ERROR_CODES.ACTION_REQUIRED);
    if (typeof action !== 'string') throw new CommandError(ERROR_CODES.UNABLE_TO_PROCESS);
    switch (action) {
      case 'add_markets':
      case 'delete_markets': {
        if (UNFILTERED_CHANNELS.has(subscription.channel)) throw new CommandError(ERROR_CODES.UNSUPPORTED_ACTION, subscription);
        const tickers = this.parseTickers(params, subscription);
        if (tickers === null) throw new CommandError(ERROR_CODES.MARKET_TICKER_REQUIRED, subscription);
        if (action === 'add_markets') {
          const added = addTickers(subscription, tickers);
          this.output.replyOnSid('ok', id, subscription, this.tickerAck(subscription));
          this.sendInitial(subscription, added, params.send_initial_snapshot === true);
        } else {
          if (subscription.tickers === null) throw new CommandError(ERROR_CODES.UNSUPPORTED_ACTION, subscription);
          for (const ticker of tickers) subscription.tickers.delete(ticker);
          this.output.replyOnSid('ok', id, subscription, this.tickerAck(subscription));
        }
        return;
      }
      case 'get_snapshot': {
        if (subscription.channel !== 'orderbook_delta') throw new CommandError(ERROR_CODES.UNSUPPORTED_ACTION, subscription);
        const tickers = params.market_tickers;
        if (tickers === undefined) throw new CommandError(ERROR_CODES.MARKET_TICKER_REQUIRED, subscription);
        if (!isStringArray(tickers)) throw new CommandError(ERROR_CODES.UNABLE_TO_PROCESS, subscription);
        if (tickers.length === 0) throw new CommandError(ERROR_CODES.MARKET_TICKER_REQUIRED, subscription);
        const outside = tickers.filter((ticker) => !subscription.includes(ticker));
        if (outside.length > 0) throw new CommandError(ERROR_CODES.INVALID_PARAMETER, subscription, outside);
        for (const ticker of unique(tickers)) this.output.sendSnapshot(subscription, ticker, id);
        return;
      }
      default:
        throw new CommandError(ERROR_CODES.UNSUPPORTED_ACTION, subscription);
    }
  }

  private listSubscriptions(id: number | undefined): void {
    const list = this.subscriptions.list().map((subscription) => ({ channel: subscription.channel, sid: subscription.sid }));
    this.output.reply('ok', id, JSON.stringify(list));
  }

  /** `sid` or a one-element `sids`, naming a live subscription. */
  private targetSubscription(params: Params): Subscription {
    const hasSid = params.sid !== undefined;
    const hasSids = params.sids !== undefined;
    if (hasSid === hasSids) throw new CommandError(ERROR_CODES.EXACTLY_ONE_SID);
    let sid: unknown = params.sid;
    if (hasSids) {
      if (!Array.isArray(params.sids)) throw new CommandError(ERROR_CODES.UNABLE_TO_PROCESS);
      if (params.sids.length !== 1) throw new CommandError(ERROR_CODES.EXACTLY_ONE_SID);
      sid = params.sids[0];
    }
    if (!Number.isInteger(sid)) throw new CommandError(ERROR_CODES.UNABLE_TO_PROCESS);
    const subscription = this.subscriptions.get(sid as number);
    if (!subscription) throw new CommandError(ERROR_CODES.UNKNOWN_SID);
    return subscription;
  }

  /** `market_ticker` or `market_tickers`; null when neither is given. Unknown markets -> 11. */
  private parseTickers(params: Params, scope: Subscription | undefined): string[] | null {
    const single = params.market_ticker;
    const many = params.market_tickers;
    if (single !== undefined && many !== undefined) throw new CommandError(ERROR_CODES.INVALID_PARAMETER, scope);
    let tickers: string[];
    if (single !== undefined) {
      if (typeof single !== 'string') throw new CommandError(ERROR_CODES.UNABLE_TO_PROCESS, scope);
      tickers = [single];
    } else if (many !== undefined) {
      if (!isStringArray(many)) throw new CommandError(ERROR_CODES.UNABLE_TO_PROCESS, scope);
      tickers = unique(many);
    } else {
      return null;
    }
    if (tickers.length === 0) return null;
    const unknown = tickers.filter((ticker) => !this.markets.hasMarket(ticker));
    if (unknown.length > 0) throw new CommandError(ERROR_CODES.INVALID_PARAMETER, scope, unknown);
    return tickers;
  }

  private tickerAck(subscription: Subscription): string | undefined {
    if (subscription.skipTickerAck || subscription.tickers === null) return undefined;
    return JSON.stringify({ market_tickers: subscription.tickerList() });
  }

  private sendInitial(subscription: Subscription, tickers: readonly string[], initialTicker: boolean): void {
    if (subscription.channel === 'orderbook_delta') {
      for (const ticker of tickers) this.output.sendSnapshot(subscription, ticker);
    } else if (subscription.channel === 'ticker' && initialTicker) {
      for (const ticker of tickers) this.output.sendTickerNow(subscription, ticker);
    }
  }
}

function parseCommand(text: string): { id: number | undefined; cmd: unknown; params: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CommandError(ERROR_CODES.UNABLE_TO_PROCESS);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CommandError(ERROR_CODES.UNABLE_TO_PROCESS);
  const record = parsed as Params;
  if (record.id !== undefined && !Number.isInteger(record.id)) throw new CommandError(ERROR_CODES.UNABLE_TO_PROCESS);
  if (record.cmd !== undefined && typeof record.cmd !== 'string') throw new CommandError(ERROR_CODES.UNABLE_TO_PROCESS);
  // id 0 means "no id"
  const id = record.id === undefined || record.id === 0 ? undefined : (record.id as number);
  return { id, cmd: record.cmd, params: record.params };
}

function requireParams(params: unknown): Params {
  if (params === undefined || params === null) throw new CommandError(ERROR_CODES.PARAMS_REQUIRED);
  if (typeof params !== 'object' || Array.isArray(params)) throw new CommandError(ERROR_CODES.UNABLE_TO_PROCESS);
  return params as Params;
}

function parseChannels(raw: unknown): Channel[] {
  if (raw === undefined) throw new CommandError(ERROR_CODES.CHANNELS_REQUIRED);
  if (!isStringArray(raw)) throw new CommandError(ERROR_CODES.UNABLE_TO_PROCESS);
  if (raw.length === 0) throw new CommandError(ERROR_CODES.CHANNELS_REQUIRED);
  const known = new Set<string>(KNOWN_CHANNELS);
  if (!raw.every((channel) => known.has(channel))) throw new CommandError(ERROR_CODES.UNKNOWN_CHANNEL);
  return unique(raw) as Channel[];
}

/** Merges tickers into a subscription; returns those that were new. */
function addTickers(subscription: Subscription, tickers: readonly string[] | null): string[] {
  if (subscription.tickers === null) return [];
  if (tickers === null) {
    subscription.tickers = null;
    return [];
  }
  const added = tickers.filter((ticker) => !subscription.tickers!.has(ticker));
  for (const ticker of added) subscription.tickers.add(ticker);
  return added;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
