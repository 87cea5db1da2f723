/**
 * One client connection as the exchange sees it: its subscriptions and seq counters,
 * routing of exchange events to it, command replies, and the fault switches.
 */
import type { Connection } from '../server/connection.js';
import type { FaultController, FaultTarget } from '../faults.js';
import { CommandHandler, type CommandOutput, type MarketDirectory } from './command-handler.js';
import { envelope, errorBody, type EncodedEvent } from './frame-encoder.js';
import { ERROR_CODES } from '../../protocol/wire.js';
import { SubscriptionSet, type Subscription } from './subscriptions.js';

export interface SubscriberExchange extends MarketDirectory {
  snapshotBody(ticker: string): string;
  tickerBody(ticker: string): string;
  unknownMarketDeltaBody(): string;
}

/** What a malformed-frame fault sends: a frame cut off in the middle. */
export const MALFORMED_FRAME = '{"type":"orderbook_delta","sid":1,"seq":';

export class Subscriber implements CommandOutput, FaultTarget {
  private readonly subscriptions = new SubscriptionSet();
  private readonly commands: CommandHandler;
  private skipSeqPending = false;

  constructor(
    readonly connection: Connection,
    private readonly exchange: SubscriberExchange,
    private readonly faults: FaultController,
  ) {
    this.commands = new CommandHandler(this, this.subscriptions, exchange);
    connection.onMessage((text) => this.handleCommand(text));
  }

  deliver(event: EncodedEvent): void {
    if (!this.connection.isOpen) return;
    if (event.accountKeyId !== undefined && event.accountKeyId !== this.connection.keyId) return;
    const subscription = this.subscriptions.forChannel(event.channel);
    if (!subscription || !subscription.includes(event.ticker)) return;
    const own = event.ownMsg !== undefined && event.causeKeyId === this.connection.keyId;
    this.send(envelope(event.type, { sid: subscription.sid, seq: this.nextSeq(subscription) }, own ? event.ownMsg : event.msg));
  }

  reply(type: string, id: number | undefined, msg?: string): void {
    this.send(envelope(type, { id }, msg));
  }

  replyOnSid(type: string, id: number | undefined, subscription: Subscription, msg?: string): void {
    this.send(envelope(type, { id, sid: subscription.sid, seq: this.nextSeq(subscription) }, msg));
  }

  sendSnapshot(subscription: Subscription, ticker: string, id?: number): void {
    const header = { id, sid: subscription.sid, seq: this.nextSeq(subscription) };
    this.send(envelope('orderbook_snapshot', header, this.exchange.snapshotBody(ticker)));
  }

  sendTickerNow(subscription: Subscription, ticker: string): void {
    this.send(envelope('ticker', { sid: subscription.sid }, this.exchange.tickerBody(ticker)));
  }

  drop(): void {
    this.connection.terminate();
  }

  skipSeq(): void {
    this.skipSeqPending = true;
  }

  sendMalformed(): void {
    this.send(MALFORMED_FRAME);
  }

  sendUnknownMarketDelta(): void {
    const subscription = this.subscriptions.forChannel('orderbook_delta');
    const header = subscription ? { sid: subscription.sid, seq: this.nextSeq(subscription) } : {};
    this.send(envelope('orderbook_delta', header, this.exchange.unknownMarketDeltaBody()));
  }

  stall(durationMs: number): void {
    this.connection.stall(durationMs);
  }

  private handleCommand(text: string): void {
    try {
      this.commands.handle(text);
    } catch {
      // a command that breaks the handler is answered like any unprocessable message
      this.reply('error', undefined, errorBody(ERROR_CODES.UNABLE_TO_PROCESS));
    }
  }

  private nextSeq(subscription: Subscription): number | undefined {
    if (!subscription.sequenced) return undefined;
    const seq = subscription.nextSeq(this.skipSeqPending);
    this.skipSeqPending = false;
    return seq;
  }

  private send(text: string): void {
    this.connection.send(text);
    this.faults.frameSent(this);
  }
}
