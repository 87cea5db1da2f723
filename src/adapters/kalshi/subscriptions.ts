/**
 * The subscriptions of one connection: builds the subscribe and resnapshot commands, and
 * learns from the replies which sid carries which channel and which tickers.
 *
 * Tickers are subscribed in batches of `batchSize` per command (ws-v2.md section 2.4: per
 * subscription market caps, error 26). A later batch on a channel already subscribed is
 * either merged into the existing sid (documented: an `ok` on that sid) or answered with a
 * new sid (reported by one client); both are recorded, so the ticker set per sid is right
 * either way. Command ids are unique per connection; a new connection gets a new instance.
 */
import type { Channel, ClientCommand } from '../../protocol/wire.js';

/** Tickers per subscribe command unless told otherwise. */
export const SUBSCRIBE_BATCH_SIZE = 200;

export const MARKET_CHANNELS: readonly Channel[] = ['orderbook_delta', 'ticker', 'trade'];
export const PRIVATE_CHANNELS: readonly Channel[] = ['fill', 'market_positions'];
export const LIFECYCLE_CHANNEL: Channel = 'market_lifecycle_v2';
export const ORDERS_CHANNEL: Channel = 'user_orders';
/** order group triggers and resets (account-wide, like the lifecycle channel) */
export const GROUPS_CHANNEL: Channel = 'order_group_updates';
export const BOOK_CHANNEL: Channel = 'orderbook_delta';

export interface SubscriptionOptions {
  readonly tickers: readonly string[];
  readonly withPrivate: boolean;
  /** also the user_orders channel (what happens to the account's orders) */
  readonly withOrders?: boolean;
  /** tickers per subscribe or get_snapshot command */
  readonly batchSize: number;
  /**
   * the channels not filtered by market (lifecycle, order groups); default true. With more
   * than one connection only the first subscribes them, so no frame of theirs arrives twice.
   */
  readonly accountChannels?: boolean;
}

type PendingCommand =
  | { readonly purpose: 'subscribe'; readonly channels: readonly string[]; readonly tickers: readonly string[] }
  | { readonly purpose: 'get_snapshot'; readonly sid: number; readonly tickers: readonly string[] };

export type CommandPurpose = PendingCommand['purpose'];

export interface FailedCommand {
  readonly id: number;
  readonly purpose: CommandPurpose;
  readonly tickers: readonly string[];
}

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

export class Subscriptions {
  private nextId = 1;
  private readonly pending = new Map<number, PendingCommand>();
  private readonly channelBySid = new Map<number, string>();
  private readonly tickersBySid = new Map<number, Set<string>>();
  private readonly bookSidByTicker = new Map<string, number>();
  /** subscribe command id -> channels that have answered so far */
  private readonly answers = new Map<number, number>();

  constructor(private readonly options: SubscriptionOptions) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  }

  /** Everything to send right after the handshake. */
  initialCommands(): ClientCommand[] {
    const commands = this.addCommands(this.options.tickers);
    if (this.options.accountChannels !== false)
      commands.push(this.subscribe(this.options.withOrders ? [LIFECYCLE_CHANNEL, GROUPS_CHANNEL] : [LIFECYCLE_CHANNEL], []));
    return commands;
  }

  /** The channels filtered by market: every ticker is subscribed to each of them. */
  private tickerChannels(): string[] {
    return this.options.withPrivate ? [...MARKET_CHANNELS, ...PRIVATE_CHANNELS, ...(this.options.withOrders ? [ORDERS_CHANNEL] : [])] : [...MARKET_CHANNELS];
  }

  /**
   * Subscribe commands for tickers that join a running connection (the same channels as at
   * the start, in batches); the replies merge them into the existing sids or open new ones.
   */
  addCommands(tickers: readonly string[]): ClientCommand[] {
    const channels = this.tickerChannels();
    return batches(tickers, this.options.batchSize).map((batch) => this.subscribe(channels, batch));
  }

  /**
   * `delete_markets` on every sid that carries one of the tickers, in batches; the tickers
   * are forgotten at once (their late frames are the caller's to drop).
   */
  removeCommands(tickers: readonly string[]): ClientCommand[] {
    const leaving = new Set(tickers);
    const commands: ClientCommand[] = [];
    for (const [sid, carried] of this.tickersBySid) {
      const group = [...carried].filter((ticker) => leaving.has(ticker));
      if (group.length === 0) continue;
      for (const ticker of group) carried.delete(ticker);
      for (const batch of batches(group, this.options.batchSize)) {
        const id = this.nextId++;
        commands.push({ id, cmd: 'update_subscription', params: { sid, action: 'delete_markets', market_tickers: batch } });
      }
    }
    for (const ticker of leaving) this.bookSidByTicker.delete(ticker);
    return commands;
  }

  /** `get_snapshot` on the book sid of each ticker, in batches. Tickers without a known book sid are skipped (their subscription is not answered yet). */
  snapshotCommands(tickers: Iterable<string>): ClientCommand[] {
    const bySid = new Map<number, string[]>();
    for (const ticker of tickers) {
      const sid = this.bookSidByTicker.get(ticker);
      if (sid === undefined) continue;
      const group = bySid.get(sid);
      if (group) group.push(ticker);
      else bySid.set(sid, [ticker]);
    }
    const commands: ClientCommand[] = [];
    for (const [sid, group] of bySid) {
      for (const batch of batches(group, this.options.batchSize)) {
        const id = this.nextId++;
        this.pending.set(id, { purpose: 'get_snapshot', sid, tickers: batch });
        commands.push({ id, cmd: 'update_subscription', params: { sid, action: 'get_snapshot', market_tickers: batch } });
      }
    }
    return commands;
  }

  /** A fresh subscription of one channel for the given tickers (after a terminal error killed a sid). */
  resubscribeCommands(channel: string, tickers: readonly string[]): ClientCommand[] {
    if (channel === LIFECYCLE_CHANNEL) return [this.subscribe([channel], [])];
    return batches(tickers, this.options.batchSize).map((batch) => this.subscribe([channel], batch));
  }

  /** A `subscribed` ack: `msg.channel` got `msg.sid` for command `id`. */
  subscribed(id: number | undefined, channel: string, sid: number): void {
    this.channelBySid.set(sid, channel);
    const command = id === undefined ? undefined : this.pending.get(id);
    if (command?.purpose === 'subscribe') this.addTickers(sid, channel, command.tickers);
    this.settleIfAnswered(id);
  }

  /** An `ok` reply on a sid: a merged subscribe adds its tickers to that sid. */
  acknowledged(id: number | undefined, sid: number | undefined): void {
    const command = id === undefined ? undefined : this.pending.get(id);
    if (command?.purpose === 'subscribe' && sid !== undefined) {
      const channel = this.channelBySid.get(sid);
      if (channel !== undefined) this.addTickers(sid, channel, command.tickers);
    }
    this.settleIfAnswered(id);
  }

  /** A snapshot carrying a command id answers (part of) a get_snapshot. */
  snapshotArrived(id: number | undefined, ticker: string): void {
    if (id === undefined) return;
    const command = this.pending.get(id);
    if (command?.purpose !== 'get_snapshot') return;
    const remaining = command.tickers.filter((t) => t !== ticker);
    if (remaining.length === 0) this.pending.delete(id);
    else this.pending.set(id, { ...command, tickers: remaining });
  }

  /** An error reply to a command: forgets the command and says what it was for. */
  failed(id: number | undefined): FailedCommand | undefined {
    if (id === undefined) return undefined;
    const command = this.pending.get(id);
    if (!command) return undefined;
    this.pending.delete(id);
    return { id, purpose: command.purpose, tickers: command.tickers };
  }

  /** The sid is gone (unsubscribed or a terminal error); returns its channel and tickers. */
  dropSid(sid: number): { channel: string | undefined; tickers: string[] } {
    const channel = this.channelBySid.get(sid);
    const tickers = [...(this.tickersBySid.get(sid) ?? [])];
    this.channelBySid.delete(sid);
    this.tickersBySid.delete(sid);
    for (const ticker of tickers) if (this.bookSidByTicker.get(ticker) === sid) this.bookSidByTicker.delete(ticker);
    return { channel, tickers };
  }

  channelOf(sid: number): string | undefined {
    return this.channelBySid.get(sid);
  }

  tickersOf(sid: number): ReadonlySet<string> {
    return this.tickersBySid.get(sid) ?? new Set<string>();
  }

  bookSidOf(ticker: string): number | undefined {
    return this.bookSidByTicker.get(ticker);
  }

  /** The book sid learns a ticker from its first snapshot too (covers a server that names no tickers in acks). */
  bookFrameSeen(sid: number, ticker: string): void {
    if (this.bookSidByTicker.get(ticker) === sid) return;
    this.channelBySid.set(sid, BOOK_CHANNEL);
    this.addTickers(sid, BOOK_CHANNEL, [ticker]);
  }

  private subscribe(channels: string[], tickers: readonly string[]): ClientCommand {
    const id = this.nextId++;
    this.pending.set(id, { purpose: 'subscribe', channels, tickers });
    return tickers.length > 0 ? { id, cmd: 'subscribe', params: { channels, market_tickers: [...tickers] } } : { id, cmd: 'subscribe', params: { channels } };
  }

  private addTickers(sid: number, channel: string, tickers: readonly string[]): void {
    let set = this.tickersBySid.get(sid);
    if (!set) this.tickersBySid.set(sid, (set = new Set()));
    for (const ticker of tickers) {
      set.add(ticker);
      if (channel === BOOK_CHANNEL) this.bookSidByTicker.set(ticker, sid);
    }
  }

  /** A subscribe is answered once per channel; forget it when every channel has answered. */
  private settleIfAnswered(id: number | undefined): void {
    if (id === undefined) return;
    const command = this.pending.get(id);
    if (command?.purpose !== 'subscribe') return;
    const answered = (this.answers.get(id) ?? 0) + 1;
    if (answered >= command.channels.length) {
      this.pending.delete(id);
      this.answers.delete(id);
    } else {
      this.answers.set(id, answered);
    }
  }
}
