/**
 * A gateway wired to in-memory outboxes and a recording command sink, for the gateway
 * tests: two shards (A-1, A-2 on shard 0; B-1 on shard 1), a clock moved by hand, and
 * frame builders in the simulator's wire format.
 */
import type { ActorCommand } from '../../src/actors/messages.js';
import { ActorOutbox } from '../../src/actors/actor-outbox.js';
import { Gateway, type ActorDirectory } from '../../src/gateway/gateway.js';
import type { RuntimeEvent } from '../../src/log/runtime-event.js';
import type { ClientCommand } from '../../src/protocol/wire.js';

export const snapshot = (sid: number, seq: number, ticker: string, id?: number): string =>
  JSON.stringify({
    type: 'orderbook_snapshot',
    ...(id ? { id } : {}),
    sid,
    seq,
    msg: { market_ticker: ticker, yes_dollars_fp: [['0.4000', '10.00']], no_dollars_fp: [['0.5500', '10.00']] },
  });
export const delta = (sid: number, seq: number, ticker: string): string =>
  JSON.stringify({ type: 'orderbook_delta', sid, seq, msg: { market_ticker: ticker, price_dollars: '0.4000', delta_fp: '1.00', side: 'yes' } });
export const subscribed = (id: number, channel: string, sid: number): string => JSON.stringify({ id, type: 'subscribed', msg: { channel, sid } });

/** Two shards: on shard 0; B-1 on shard 1. Outboxes flush synchronously at the end of each `frame` call. */
export function harness(options: { maxOutstanding?: number; resumeBelow?: number; directory?: (inner: ActorDirectory) => ActorDirectory } = {}) {
  const posted = new Map<number, ActorCommand[]>([
    [0, []],
    [1, []],
  ]);
  const pendingFlushes: Array<() => void> = [];
  const makeOutbox = (shard: number): ActorOutbox =>
    new ActorOutbox(
      { postMessage: (message) => posted.get(shard)!.push(message) },
      { maxBatch: 100, maxOutstanding: options.maxOutstanding ?? 1000, resumeBelow: options.resumeBelow ?? 10, defer: (flush) => pendingFlushes.push(flush) },
    );
  const outboxes = new Map<number, ActorOutbox | undefined>([
    [0, makeOutbox(0)],
    [1, makeOutbox(1)],
  ]);
  const sent: ClientCommand[] = [];
  const events: RuntimeEvent[] = [];
  let now = 1_000;
  const owners = new Map([
    ['A-1', 0],
    ['A-2', 0],
    ['B-1', 1],
  ]);
  const gateway = new Gateway(
    owners,
    (options.directory ?? ((inner) => inner))({ outbox: (shard) => outboxes.get(shard) }),
    (command) => {
      sent.push(command);
      return true;
    },
    (event) => events.push(event),
    { now: () => now },
    { withPrivate: true, batchSize: 100, resnapshotAfterMs: 5_000 },
  );
  const flush = (): void => {
    for (const run of pendingFlushes.splice(0)) run();
  };
  const feed = (...frames: string[]): void => {
    for (const text of frames) gateway.frame(text);
    flush();
  };
  const framesTo = (shard: number): string[] => posted.get(shard)!.flatMap((message) => (message.kind === 'DeliverFrames' ? [...message.frames] : []));
  const commandsTo = (shard: number): ActorCommand[] => posted.get(shard)!.filter((message) => message.kind !== 'DeliverFrames');
  /** connects and subscribes: book sid 1 holds all three tickers */
  const connect = (): void => {
    gateway.connectionOpened(1);
    feed(
      subscribed(1, 'orderbook_delta', 1),
      subscribed(1, 'ticker', 2),
      subscribed(1, 'trade', 3),
      subscribed(1, 'fill', 4),
      subscribed(1, 'market_positions', 5),
      subscribed(2, 'market_lifecycle_v2', 6),
    );
  };
  return {
    gateway,
    posted,
    outboxes,
    sent,
    events,
    feed,
    flush,
    framesTo,
    commandsTo,
    connect,
    makeOutbox,
    advance: (ms: number) => {
      now += ms;
    },
  };
}
