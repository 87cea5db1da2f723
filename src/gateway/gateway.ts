/**
 * The gateway's routing core, independent of sockets and threads: it sees raw frames,
 * connection ups and downs, and actor ups and downs, and decides what every actor gets.
 *
 * Per ticker the gateway keeps one feed state: `awaiting` (no trustworthy book: initial,
 * after a gap, a disconnect, an overloaded or restarted actor) or `live`. Deltas reach an
 * actor only for live tickers; a snapshot makes a ticker live. Every transition to
 * awaiting tells the owning actor first (MarkStale on the data port, ordered with the
 * frames), so no book is used past the point where it became untrustworthy.
 *
 * Routing reads type/sid/seq/market_ticker with a substring scan and forwards the raw
 * text; control replies (rare) are parsed in full here.
 *
 * Connections: each ticker is carried by one connection slot. Without a per-connection limit
 * every ticker is on slot 0; with `marketsPerConnection` a slot takes that many and the next
 * ticker opens the next slot (`openSlot`: the engine starts a connection for it). Sequence
 * numbers, sids and subscriptions are per connection; the account-wide channels (market
 * lifecycle, order groups) are subscribed on slot 0 only, so none of their frames arrives
 * twice. A connection that drops makes only its own tickers stale.
 */
import type { TimeSource } from '../clock/clock.js';
import type { StaleReason } from '../actors/messages.js';
import { ERROR_CODES, type ClientCommand } from '../protocol/wire.js';
import { AnomalyLog } from './anomaly-log.js';
import type { ActorOutbox } from '../actors/actor-outbox.js';
import { scanFrame, SEQUENCED_TYPES, type FrameHeader } from '../protocol/frame-scan.js';
import { truncateFrame, type EventSink } from '../log/runtime-event.js';
import { SequenceTracker, type SequenceVerdict } from '../adapters/kalshi/sequence-tracker.js';
import { BOOK_CHANNEL, SUBSCRIBE_BATCH_SIZE, Subscriptions } from '../adapters/kalshi/subscriptions.js';
import { isJsonObject } from '../protocol/json-object.js';

export interface ActorDirectory {
  /** the data-port outbox of a running actor, undefined while it is down */
  outbox(shardId: number): ActorOutbox | undefined;
}

export interface GatewayOptions {
  readonly withPrivate: boolean;
  /** tickers per subscribe / get_snapshot command */
  readonly batchSize: number;
  /** a requested snapshot that has not arrived after this long is requested again */
  readonly resnapshotAfterMs: number;
  /**
   * Where the account's private frames go when intents become orders (fill, market_position,
   * user_order): to the execution actor, which owns orders and positions, instead of the
   * shard actors. Subscribes to user_orders as well.
   */
  readonly privateRoute?: (text: string) => void;
  /**
   * Sandbox mode: a copy of every book and trade frame of an owned market also goes here (the
   * local matching engine's feed), after the frame went to its actor.
   */
  readonly feedRoute?: (text: string) => void;
  /** most markets one connection carries; 0 or absent: no limit (one connection) */
  readonly marketsPerConnection?: number;
  /** a connection slot beyond the first is needed while running (markets added past the limit) */
  readonly openSlot?: (slot: number) => void;
}

/** Frame types of the account's private channels. */
const PRIVATE_TYPES = new Set(['fill', 'market_position', 'user_order', 'order_group_updates']);

export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = { withPrivate: false, batchSize: SUBSCRIBE_BATCH_SIZE, resnapshotAfterMs: 5_000 };

export interface GatewayStatistics {
  /** sessions opened so far (each one subscribes again) */
  readonly connectionsOpened: number;
  readonly framesReceived: number;
  readonly framesRouted: number;
  readonly tickersLive: number;
  readonly tickersAwaiting: number;
  readonly sequenceGaps: number;
  readonly deltasDroppedWhileStale: number;
  readonly slowConsumerEvents: number;
  /** tickers told their book is stale (one MarkStale entry each), by reason */
  readonly staleNotices: Readonly<Record<string, number>>;
  readonly anomalies: Readonly<Record<string, number>>;
  /** frames by type: received, and routed (to an actor or the execution actor) */
  readonly receivedByType: Readonly<Record<string, number>>;
  readonly routedByType: Readonly<Record<string, number>>;
  /** frames that arrived for a market after it was removed (dropped quietly) */
  readonly framesAfterRemoval: number;
  /** connections open now, and slots (connections wanted) */
  readonly connectionsOpen: number;
  readonly connectionSlots: number;
}

/** How many removed tickers are remembered, to drop their late frames without an anomaly. */
const REMOVED_REMEMBERED = 10_000;

/** One owned ticker: its owner, and its feed phase (changed in place). */
interface FeedState {
  readonly shard: number;
  /** the connection slot that carries it */
  readonly slot: number;
  phase: 'awaiting' | 'live';
  /** while awaiting: when its snapshot was last requested (undefined: not since it became awaiting) */
  requestedAtMs: number | undefined;
}

function markAwaiting(state: FeedState): void {
  state.phase = 'awaiting';
  state.requestedAtMs = undefined;
}

interface Connection {
  readonly slot: number;
  readonly generation: number;
  readonly subscriptions: Subscriptions;
  readonly sequences: SequenceTracker;
  readonly openedAtMs: number;
}

interface ControlFrame {
  readonly type: string;
  readonly id?: number;
  readonly sid?: number;
  readonly seq?: number;
  readonly msg?: unknown;
}

/** Lifecycle-channel frames without a market: known, not needed by any actor. */
const EVENT_LEVEL_TYPES = new Set(['event_lifecycle', 'event_fee_update']);
const TERMINAL_ERROR_CODES = new Set<number>([ERROR_CODES.CHANNEL_ERROR, ERROR_CODES.BUFFER_OVERFLOW]);

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isJsonObject(value) ? value : undefined;
}

function optionalInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** The routing fields from a parsed frame, for frames the scan could not read. */
function headerFromParsed(parsed: Record<string, unknown>): FrameHeader | undefined {
  if (typeof parsed.type !== 'string' || parsed.type.length === 0) return undefined;
  const ticker = asRecord(parsed.msg)?.market_ticker;
  return {
    type: parsed.type,
    id: optionalInteger(parsed.id),
    sid: optionalInteger(parsed.sid),
    seq: optionalInteger(parsed.seq),
    ticker: typeof ticker === 'string' && ticker.length > 0 ? ticker : undefined,
  };
}

export class Gateway {
  /** ticker -> owning shard (markets join and leave while running) */
  private readonly owners = new Map<string, number>();
  /** tickers removed while running: their late frames are expected, not anomalies */
  private readonly removed = new Set<string>();
  private framesAfterRemoval = 0;
  private readonly feed = new Map<string, FeedState>();
  /** tickers carried per connection slot (slot 0 always exists) */
  private readonly slotCounts = new Map<number, number>([[0, 0]]);
  private readonly tickersByShard = new Map<number, string[]>();
  private readonly lastPositionFrame = new Map<string, string>();
  private readonly anomalies: AnomalyLog;
  private readonly connections = new Map<number, Connection>();
  private connectionsOpened = 0;
  private framesReceived = 0;
  private framesRouted = 0;
  /** frames received and routed, by frame type */
  private readonly receivedByType = new Map<string, number>();
  private readonly routedByType = new Map<string, number>();
  /** the type of the frame being handled, for counting what is routed */
  private currentType = '';
  private sequenceGaps = 0;
  private deltasDroppedWhileStale = 0;
  private slowConsumerEvents = 0;
  private readonly staleNotices = new Map<StaleReason, number>();

  constructor(
    /** ticker -> owning shard at the start */
    owners: ReadonlyMap<string, number>,
    private readonly actors: ActorDirectory,
    /** sends a command on the connection of a slot */
    private readonly send: (command: ClientCommand, slot: number) => boolean,
    private readonly sink: EventSink,
    private readonly clock: TimeSource,
    private readonly options: GatewayOptions = DEFAULT_GATEWAY_OPTIONS,
  ) {
    this.anomalies = new AnomalyLog(sink);
    for (const [ticker, shard] of owners) this.own(ticker, shard);
  }

  /** The slot a new ticker goes on: the first with room (a new one past the last). */
  private slotWithRoom(): number {
    const limit = this.options.marketsPerConnection ?? 0;
    if (limit <= 0) return 0;
    for (let slot = 0; ; slot++) if ((this.slotCounts.get(slot) ?? 0) < limit) return slot;
  }

  private own(ticker: string, shard: number): void {
    this.owners.set(ticker, shard);
    this.removed.delete(ticker);
    const slot = this.slotWithRoom();
    this.slotCounts.set(slot, (this.slotCounts.get(slot) ?? 0) + 1);
    this.feed.set(ticker, { shard, slot, phase: 'awaiting', requestedAtMs: undefined });
    const group = this.tickersByShard.get(shard);
    if (group) group.push(ticker);
    else this.tickersByShard.set(shard, [ticker]);
  }

  /** The tickers routed now. */
  tickers(): string[] {
    return [...this.owners.keys()];
  }

  /** The connection slots wanted now (0 first); the engine keeps one connection open per slot. */
  slots(): number[] {
    return [...this.slotCounts.keys()].sort((a, b) => a - b);
  }

  private tickersOfSlot(slot: number): string[] {
    const tickers: string[] = [];
    for (const [ticker, state] of this.feed) if (state.slot === slot) tickers.push(ticker);
    return tickers;
  }

  /** The tickers grouped by their slot. */
  private bySlot(tickers: Iterable<string>): Map<number, string[]> {
    const groups = new Map<number, string[]>();
    for (const ticker of tickers) {
      const state = this.feed.get(ticker);
      if (!state) continue;
      const group = groups.get(state.slot);
      if (group) group.push(ticker);
      else groups.set(state.slot, [ticker]);
    }
    return groups;
  }

  // ---- markets that join and leave ------------------------------------------------------

  /**
   * Markets that join while running (ticker -> owning shard): they start awaiting, and an
   * open connection subscribes them at once (their snapshots make them live). Tickers
   * already owned are left as they are. Returns how many were added.
   */
  addTickers(owners: ReadonlyMap<string, number>): number {
    const added: string[] = [];
    const slotsBefore = new Set(this.slotCounts.keys());
    for (const [ticker, shard] of owners) {
      if (this.owners.has(ticker)) continue;
      this.own(ticker, shard);
      added.push(ticker);
    }
    if (added.length === 0) return 0;
    const now = this.clock.now();
    for (const [slot, group] of this.bySlot(added)) {
      const connection = this.connections.get(slot);
      if (!connection) continue; // subscribed when its connection opens
      for (const ticker of group) this.feed.get(ticker)!.requestedAtMs = now;
      for (const command of connection.subscriptions.addCommands(group)) this.send(command, slot);
    }
    for (const slot of this.slotCounts.keys()) if (!slotsBefore.has(slot)) this.options.openSlot?.(slot);
    this.sink({ level: 'info', kind: 'markets_added', message: `${added.length} markets added`, data: { tickers: added.slice(0, 20) } });
    return added.length;
  }

  /**
   * Markets that leave: unsubscribed from every sid that carries them (delete_markets) and
   * forgotten; frames that still arrive for them are counted and dropped. Returns how many
   * were removed.
   */
  removeTickers(tickers: readonly string[]): number {
    const leaving = tickers.filter((ticker) => this.owners.has(ticker));
    if (leaving.length === 0) return 0;
    for (const [slot, group] of this.bySlot(leaving)) {
      const connection = this.connections.get(slot);
      if (connection) for (const command of connection.subscriptions.removeCommands(group)) this.send(command, slot);
    }
    for (const ticker of leaving) {
      const shard = this.owners.get(ticker)!;
      const slot = this.feed.get(ticker)!.slot;
      this.slotCounts.set(slot, (this.slotCounts.get(slot) ?? 1) - 1);
      this.owners.delete(ticker);
      this.feed.delete(ticker);
      this.lastPositionFrame.delete(ticker);
      const group = this.tickersByShard.get(shard);
      if (group) {
        const index = group.indexOf(ticker);
        if (index >= 0) group.splice(index, 1);
      }
      this.removed.add(ticker);
      if (this.removed.size > REMOVED_REMEMBERED) this.removed.delete(this.removed.values().next().value as string);
    }
    this.sink({ level: 'info', kind: 'markets_removed', message: `${leaving.length} markets removed`, data: { tickers: leaving.slice(0, 20) } });
    return leaving.length;
  }

  /** A frame for a ticker no actor owns: quiet when the market was removed, an anomaly otherwise. */
  private unowned(ticker: string, message: string, text: string): void {
    if (this.removed.has(ticker)) {
      this.framesAfterRemoval++;
      return;
    }
    this.anomalies.record('unowned_ticker', message, text, ticker);
  }

  // ---- connection ---------------------------------------------------------------------

  /** A session of the slot's connection is up: its tickers are subscribed (the account-wide channels on slot 0). */
  connectionOpened(generation: number, slot = 0): void {
    this.connectionsOpened++;
    const tickers = this.tickersOfSlot(slot);
    const subscriptions = new Subscriptions({
      tickers,
      withPrivate: this.options.withPrivate || this.options.privateRoute !== undefined,
      withOrders: this.options.privateRoute !== undefined,
      batchSize: this.options.batchSize,
      accountChannels: slot === 0,
    });
    const now = this.clock.now();
    this.connections.set(slot, { slot, generation, subscriptions, sequences: new SequenceTracker(), openedAtMs: now });
    for (const ticker of tickers) {
      const state = this.feed.get(ticker)!;
      if (state.phase === 'awaiting') state.requestedAtMs = now;
    }
    for (const command of subscriptions.initialCommands()) this.send(command, slot);
    const where = slot === 0 ? '' : ` (connection ${slot})`;
    this.sink({
      level: 'info',
      kind: 'connection_opened',
      message: `connected${where} (generation ${generation}); subscribing ${tickers.length} tickers`,
      data: { generation, slot },
    });
  }

  connectionClosed(generation: number, reason: string, slot = 0): void {
    if (this.connections.get(slot)?.generation === generation) this.connections.delete(slot);
    const booksMarkedStale = this.invalidate(this.tickersOfSlot(slot), 'disconnected');
    const several = this.slotCounts.size > 1;
    this.sink({
      level: 'warn',
      kind: 'connection_closed',
      message: `disconnected${slot === 0 && !several ? '' : ` (connection ${slot})`} (generation ${generation}): ${reason}; ${several ? "that connection's books are stale" : 'every book is stale'}`,
      data: { generation, reason, booksMarkedStale, slot },
    });
  }

  // ---- frames -------------------------------------------------------------------------

  /**
   * One frame from the socket. Bad input is logged, counted and recovered from inside;
   * should handling it still throw (a bug), the frame is logged and every book is
   * resynchronised, since what the failure left half done is unknown: it never reaches
   * the socket's listener, where it would end the process.
   */
  frame(text: string, slot = 0): void {
    this.framesReceived++;
    try {
      this.dispatch(text, slot);
    } catch (error) {
      this.anomalies.record('handler_failed', `handling a frame failed (${(error as Error).message}); resynchronising every book`, text);
      const tickers = [...this.owners.keys()];
      this.invalidate(tickers, 'handler_failed');
      this.requestSnapshots(tickers.filter((ticker) => this.feed.get(ticker)?.phase === 'awaiting'));
    }
  }

  private dispatch(text: string, slot: number): void {
    let header = scanFrame(text);
    let parsed: Record<string, unknown> | undefined;
    if (!header) {
      try {
        parsed = asRecord(JSON.parse(text));
      } catch {
        this.anomalies.record('malformed_frame', 'frame is not JSON', text);
        return;
      }
      header = parsed ? headerFromParsed(parsed) : undefined;
      if (!header) {
        this.anomalies.record('malformed_frame', 'frame is not an object with a type', text);
        return;
      }
    }
    this.currentType = header.type;
    this.receivedByType.set(header.type, (this.receivedByType.get(header.type) ?? 0) + 1);
    switch (header.type) {
      case 'subscribed':
      case 'ok':
      case 'unsubscribed':
      case 'error':
        this.control(text, parsed, slot);
        return;
      default:
        this.data(text, header, slot);
    }
  }

  private data(text: string, header: FrameHeader, slot: number): void {
    const connection = this.connections.get(slot);
    if (SEQUENCED_TYPES.has(header.type)) {
      if (header.sid === undefined || header.seq === undefined) {
        this.anomalies.record('missing_sequence', `${header.type} without sid/seq`, text, header.ticker);
        return;
      }
      if (connection && !this.sequenced(connection, header.sid, header.seq, header.type, text)) return;
    }
    if (EVENT_LEVEL_TYPES.has(header.type)) return;
    const privateRoute = this.options.privateRoute;
    if (privateRoute !== undefined && PRIVATE_TYPES.has(header.type)) {
      this.framesRouted++;
      this.routedByType.set(header.type, (this.routedByType.get(header.type) ?? 0) + 1);
      privateRoute(text);
      return;
    }
    switch (header.type) {
      case 'orderbook_snapshot':
        this.snapshot(text, header, connection);
        return;
      case 'orderbook_delta':
        this.delta(text, header);
        return;
      case 'market_lifecycle_v2': {
        // the lifecycle channel carries every market; only owned ones matter
        if (header.ticker === undefined) return;
        const state = this.feed.get(header.ticker);
        if (state) this.route(state.shard, header.ticker, text);
        // settlement books the position: the execution actor hears of it too
        if (state && this.options.privateRoute !== undefined) this.options.privateRoute(text);
        return;
      }
      case 'market_position':
        if (header.ticker === undefined) break;
        this.lastPositionFrame.set(header.ticker, text);
        this.routeOwned(header.ticker, text);
        return;
      case 'trade':
        if (header.ticker === undefined) break;
        this.routeOwned(header.ticker, text);
        if (this.feed.has(header.ticker)) this.options.feedRoute?.(text);
        return;
      case 'ticker':
      case 'fill':
        if (header.ticker === undefined) break;
        this.routeOwned(header.ticker, text);
        return;
      default:
        this.anomalies.record('unknown_type', `unknown frame type ${JSON.stringify(header.type)}`, text);
        return;
    }
    this.anomalies.record('malformed_frame', `${header.type} without market_ticker`, text);
  }

  private snapshot(text: string, header: FrameHeader, connection: Connection | undefined): void {
    const ticker = header.ticker;
    if (ticker === undefined) {
      this.anomalies.record('malformed_frame', 'orderbook_snapshot without market_ticker', text);
      return;
    }
    if (connection && header.sid !== undefined) {
      connection.subscriptions.bookFrameSeen(header.sid, ticker);
      connection.subscriptions.snapshotArrived(header.id, ticker);
    }
    const state = this.feed.get(ticker);
    if (!state) {
      this.unowned(ticker, `snapshot for ${ticker}, which no actor owns`, text);
      return;
    }
    if (this.route(state.shard, ticker, text)) state.phase = 'live';
    this.options.feedRoute?.(text);
  }

  private delta(text: string, header: FrameHeader): void {
    const ticker = header.ticker;
    if (ticker === undefined) {
      this.anomalies.record('malformed_frame', 'orderbook_delta without market_ticker', text);
      return;
    }
    const state = this.feed.get(ticker);
    if (!state) {
      this.unowned(ticker, `delta for ${ticker}, which no actor owns`, text);
      return;
    }
    if (state.phase !== 'live') {
      this.deltasDroppedWhileStale++;
      return;
    }
    this.route(state.shard, ticker, text);
    this.options.feedRoute?.(text);
  }

  /** Sequence check; false when the frame must be dropped. */
  private sequenced(connection: Connection, sid: number, seq: number, type: string, text: string): boolean {
    const verdict = connection.sequences.observe(sid, seq);
    if (verdict.kind === 'duplicate') {
      this.anomalies.record('duplicate_sequence', `sid ${sid}: seq ${seq} after ${verdict.last}, ignored`, text);
      return false;
    }
    if (verdict.kind === 'gap') this.gap(connection, sid, type, verdict, text);
    return true;
  }

  private gap(connection: Connection, sid: number, type: string, verdict: Extract<SequenceVerdict, { kind: 'gap' }>, text: string): void {
    this.sequenceGaps++;
    const channel = connection.subscriptions.channelOf(sid) ?? (type.startsWith('orderbook_') ? BOOK_CHANNEL : type);
    const detail = `sid ${sid} (${channel}): expected seq ${verdict.expected}, got ${verdict.received}`;
    const frame = truncateFrame(text);
    if (channel !== BOOK_CHANNEL) {
      this.sink({
        level: 'warn',
        kind: 'sequence_gap',
        message: `${detail}; nothing to resynchronise on this channel`,
        data: { sid, channel, ...verdict, frame },
      });
      return;
    }
    const tickers = [...connection.subscriptions.tickersOf(sid)];
    const booksMarkedStale = this.invalidate(tickers, 'sequence_gap');
    this.sink({
      level: 'warn',
      kind: 'sequence_gap',
      message: `${detail}; ${tickers.length} books stale, requesting snapshots`,
      data: { sid, channel, ...verdict, booksMarkedStale, frame },
    });
    this.requestSnapshots(tickers);
  }

  // ---- control replies ----------------------------------------------------------------

  private control(text: string, alreadyParsed: Record<string, unknown> | undefined, slot: number): void {
    let parsed = alreadyParsed;
    if (!parsed) {
      try {
        parsed = asRecord(JSON.parse(text));
      } catch {
        parsed = undefined;
      }
    }
    if (!parsed) {
      this.anomalies.record('malformed_frame', 'control frame is not JSON', text);
      return;
    }
    const frame: ControlFrame = {
      type: String(parsed.type),
      id: optionalInteger(parsed.id),
      sid: optionalInteger(parsed.sid),
      seq: optionalInteger(parsed.seq),
      msg: parsed.msg,
    };
    const connection = this.connections.get(slot);
    if (!connection) return;
    if (frame.sid !== undefined && frame.seq !== undefined && !this.sequenced(connection, frame.sid, frame.seq, frame.type, text)) return;
    const msg = asRecord(frame.msg);
    switch (frame.type) {
      case 'subscribed': {
        const sid = optionalInteger(msg?.sid);
        if (sid === undefined || typeof msg?.channel !== 'string') {
          this.anomalies.record('malformed_frame', 'subscribed without channel/sid', text);
          return;
        }
        connection.subscriptions.subscribed(frame.id, msg.channel, sid);
        this.sink({ level: 'info', kind: 'subscribed', message: `${msg.channel} subscribed as sid ${sid}`, data: { sid, channel: msg.channel } });
        return;
      }
      case 'ok':
        connection.subscriptions.acknowledged(frame.id, frame.sid);
        return;
      case 'unsubscribed':
        if (frame.sid !== undefined) {
          connection.subscriptions.dropSid(frame.sid);
          connection.sequences.forget(frame.sid);
        }
        return;
      default:
        this.errorReply(connection, frame, msg, text);
    }
  }

  private errorReply(connection: Connection, frame: ControlFrame, msg: Record<string, unknown> | undefined, text: string): void {
    const code = optionalInteger(msg?.code);
    this.anomalies.record('error_reply', `error reply ${code ?? '?'}: ${String(msg?.msg ?? '')}`, text);
    const failed = connection.subscriptions.failed(frame.id);
    if (failed?.purpose === 'subscribe') {
      this.sink({
        level: 'error',
        kind: 'subscribe_failed',
        message: `subscribe command ${failed.id} failed (code ${code ?? '?'}); ${failed.tickers.length} tickers get no data`,
        data: { tickers: failed.tickers.slice(0, 20) },
      });
    }
    if (code === undefined || !TERMINAL_ERROR_CODES.has(code) || frame.sid === undefined) return;
    // the subscription is dead: subscribe again (new sid), and the books it carried are stale
    const dropped = connection.subscriptions.dropSid(frame.sid);
    connection.sequences.forget(frame.sid);
    if (dropped.channel === undefined) return;
    this.sink({
      level: 'warn',
      kind: 'subscription_lost',
      message: `sid ${frame.sid} (${dropped.channel}) ended by error ${code}; subscribing again`,
      data: { sid: frame.sid, code },
    });
    if (dropped.channel === BOOK_CHANNEL) this.invalidate(dropped.tickers, 'subscription_lost');
    for (const command of connection.subscriptions.resubscribeCommands(dropped.channel, dropped.tickers)) this.send(command, connection.slot);
  }

  // ---- routing ------------------------------------------------------------------------

  private routeOwned(ticker: string, text: string): void {
    const state = this.feed.get(ticker);
    if (!state) {
      this.unowned(ticker, `frame for ${ticker}, which no actor owns`, text);
      return;
    }
    this.route(state.shard, ticker, text);
  }

  /** Queues the frame on the outbox of the ticker's owner; false when it could not be delivered. */
  private route(shard: number, ticker: string, text: string): boolean {
    const outbox = this.actors.outbox(shard);
    if (!outbox) {
      this.anomalies.record('actor_unavailable', `actor ${shard} is down; frame for ${ticker} dropped`, undefined, ticker);
      return false;
    }
    const wasOverloaded = outbox.overloaded;
    if (outbox.push(text) === 'queued') {
      this.framesRouted++;
      this.routedByType.set(this.currentType, (this.routedByType.get(this.currentType) ?? 0) + 1);
      return true;
    }
    if (!wasOverloaded && outbox.overloaded) this.slowConsumer(shard);
    return false;
  }

  private slowConsumer(shard: number): void {
    this.slowConsumerEvents++;
    const tickers = this.tickersByShard.get(shard) ?? [];
    this.sink({
      level: 'warn',
      kind: 'slow_consumer',
      message: `actor ${shard} fell behind; its ${tickers.length} books are stale until it catches up`,
      data: { shard },
    });
    this.invalidate(tickers, 'slow_consumer');
  }

  // ---- actors -------------------------------------------------------------------------

  /** The actor acknowledged frames; a drained overload resumes its tickers. */
  framesProcessed(shard: number, frames: number): void {
    const outbox = this.actors.outbox(shard);
    if (!outbox?.acknowledge(frames)) return;
    this.sink({ level: 'info', kind: 'slow_consumer_recovered', message: `actor ${shard} caught up; requesting snapshots`, data: { shard } });
    this.resume(shard);
  }

  /** The actor isolated tickers after a handler failure. */
  snapshotRequested(tickers: readonly string[], reason: string): void {
    const owned = tickers.filter((ticker) => this.owners.has(ticker));
    this.sink({
      level: 'warn',
      kind: 'snapshot_requested',
      message: `actor asked for fresh snapshots of ${owned.length} tickers (${reason})`,
      data: { tickers: owned.slice(0, 20) },
    });
    for (const ticker of owned) markAwaiting(this.feed.get(ticker)!);
    this.requestSnapshots(owned);
  }

  /** The actor thread died: its tickers wait for the restarted actor and fresh snapshots. */
  actorDown(shard: number): void {
    for (const ticker of this.tickersByShard.get(shard) ?? []) markAwaiting(this.feed.get(ticker)!);
  }

  /** A (re)started actor is ready: replay the latest positions, then resnapshot its books. */
  actorUp(shard: number): void {
    this.resume(shard);
  }

  private resume(shard: number): void {
    const outbox = this.actors.outbox(shard);
    const tickers = this.tickersByShard.get(shard) ?? [];
    if (!outbox) return;
    for (const ticker of tickers) {
      const position = this.lastPositionFrame.get(ticker);
      if (position !== undefined) outbox.push(position);
    }
    this.requestSnapshots(tickers.filter((ticker) => this.feed.get(ticker)?.phase === 'awaiting'));
  }

  /** Re-requests snapshots that have not arrived in time (lost replies, refused requests). */
  sweep(): void {
    if (this.connections.size === 0) return;
    const now = this.clock.now();
    const overdue: string[] = [];
    for (const [ticker, state] of this.feed) {
      if (state.phase !== 'awaiting') continue;
      const connection = this.connections.get(state.slot);
      if (!connection) continue;
      const since = state.requestedAtMs ?? connection.openedAtMs;
      if (now - since < this.options.resnapshotAfterMs) continue;
      const outbox = this.actors.outbox(state.shard);
      if (!outbox || outbox.overloaded) continue;
      overdue.push(ticker);
    }
    if (overdue.length === 0) return;
    this.sink({ level: 'info', kind: 'resnapshot', message: `${overdue.length} snapshots overdue; requesting them again` });
    this.requestSnapshots(overdue);
  }

  // ---- shared steps -------------------------------------------------------------------

  /**
   * Marks live tickers awaiting and tells their actors (tickers already awaiting were told
   * when they became so). Returns how many were live.
   */
  private invalidate(tickers: readonly string[], reason: StaleReason): number {
    const byShard = new Map<number, string[]>();
    for (const ticker of tickers) {
      const state = this.feed.get(ticker);
      if (state?.phase !== 'live') continue;
      markAwaiting(state);
      const shard = state.shard;
      const group = byShard.get(shard);
      if (group) group.push(ticker);
      else byShard.set(shard, [ticker]);
    }
    let marked = 0;
    for (const [shard, group] of byShard) {
      marked += group.length;
      const outbox = this.actors.outbox(shard);
      if (!outbox) continue;
      outbox.command({ kind: 'MarkStale', tickers: group, reason });
      this.staleNotices.set(reason, (this.staleNotices.get(reason) ?? 0) + group.length);
    }
    return marked;
  }

  private requestSnapshots(tickers: readonly string[]): void {
    if (this.connections.size === 0 || tickers.length === 0) return;
    const now = this.clock.now();
    for (const [slot, group] of this.bySlot(tickers)) {
      const connection = this.connections.get(slot);
      if (!connection) continue;
      const commands = connection.subscriptions.snapshotCommands(group);
      for (const ticker of group) {
        const state = this.feed.get(ticker);
        if (state?.phase === 'awaiting') state.requestedAtMs = now;
      }
      for (const command of commands) this.send(command, slot);
    }
  }

  statistics(): GatewayStatistics {
    let live = 0;
    for (const state of this.feed.values()) if (state.phase === 'live') live++;
    return {
      connectionsOpened: this.connectionsOpened,
      framesReceived: this.framesReceived,
      framesRouted: this.framesRouted,
      tickersLive: live,
      tickersAwaiting: this.feed.size - live,
      sequenceGaps: this.sequenceGaps,
      deltasDroppedWhileStale: this.deltasDroppedWhileStale,
      slowConsumerEvents: this.slowConsumerEvents,
      staleNotices: Object.fromEntries(this.staleNotices),
      anomalies: this.anomalies.totals(),
      receivedByType: Object.fromEntries(this.receivedByType),
      routedByType: Object.fromEntries(this.routedByType),
      framesAfterRemoval: this.framesAfterRemoval,
      connectionsOpen: this.connections.size,
      connectionSlots: this.slotCounts.size,
    };
  }
}
