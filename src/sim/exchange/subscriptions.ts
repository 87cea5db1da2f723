/**
 * A connection's channel subscriptions: one sid per channel (repeat subscribes merge),
 * sids from 1 per connection, and a seq counter per sid for the sequenced channels.
 */
import { SEQUENCED_CHANNELS, type Channel } from '../../protocol/wire.js';

export class Subscription {
  private lastSeq = 0;
  readonly sequenced: boolean;

  constructor(
    readonly sid: number,
    readonly channel: Channel,
    /** null = every market */
    public tickers: Set<string> | null,
    readonly skipTickerAck: boolean,
  ) {
    this.sequenced = SEQUENCED_CHANNELS.has(channel);
  }

  includes(ticker: string): boolean {
    return this.tickers === null || this.tickers.has(ticker);
  }

  /** The next seq for a frame on this sid; undefined on unsequenced channels. */
  nextSeq(skipOne: boolean): number | undefined {
    if (!this.sequenced) return undefined;
    this.lastSeq += skipOne ? 2 : 1;
    return this.lastSeq;
  }

  tickerList(): string[] {
    return this.tickers === null ? [] : [...this.tickers];
  }
}

export class SubscriptionSet {
  private nextSid = 1;
  private readonly bySid = new Map<number, Subscription>();
  private readonly byChannel = new Map<Channel, Subscription>();

  create(channel: Channel, tickers: Set<string> | null, skipTickerAck: boolean): Subscription {
    const subscription = new Subscription(this.nextSid++, channel, tickers, skipTickerAck);
    this.bySid.set(subscription.sid, subscription);
    this.byChannel.set(channel, subscription);
    return subscription;
  }

  get(sid: number): Subscription | undefined {
    return this.bySid.get(sid);
  }

  forChannel(channel: Channel): Subscription | undefined {
    return this.byChannel.get(channel);
  }

  remove(subscription: Subscription): void {
    this.bySid.delete(subscription.sid);
    if (this.byChannel.get(subscription.channel) === subscription) this.byChannel.delete(subscription.channel);
  }

  list(): Subscription[] {
    return [...this.bySid.values()].sort((a, b) => a.sid - b.sid);
  }
}
