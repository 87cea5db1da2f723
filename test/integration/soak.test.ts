/**
 * Soak: 100 tickers on 3 actors against the simulator while it drops the connection every
 * few seconds, stalls it once past the liveness timeout (drops pause meanwhile), skips seq numbers and sends
 * garbage. Markets are stepped by the test, so at the end they can be frozen and every
 * actor's book compared with the simulator's. The intents file is then checked against
 * the actors' phase trace (book_stale / book_live with intent ordinals): after a stale
 * notice, nothing but cancels for that ticker until its fresh snapshot was applied.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { IntentRecord } from '../../src/log/intent-record.js';
import { startRuntime, type Runtime } from '../../src/engine/engine.js';
import { generateKeyPair, startSimulator, type Simulator } from '../../src/sim/index.js';
import { readJsonLines, restingAfterReplay, tempLogs, testConfig, tickerList, until, type TempLogs } from '../engine/engine-harness.js';

const TICKERS = 100;
const FAULT_PHASE_MS = 50_000;
const DROP_EVERY_MS = 3_000;
const STALL_AT_MS = 20_000;
const STEP_EVERY_MS = 25;
const LIVENESS_TIMEOUT_MS = 1_500;

interface EventLine {
  readonly ts: string;
  readonly kind: string;
  readonly ticker?: string;
  readonly data?: Record<string, unknown>;
}

/** What an intent may be while its ticker's book is not live: only taking orders down. */
const CANCELS = new Set(['cancel', 'exit_cancel']);

/**
 * Walks each ticker's intents against its phase trace; returns the intents that decided
 * something while the book was not live, and how many stale windows were checked.
 */
function decisionsOnStaleBooks(intents: readonly IntentRecord[], events: readonly EventLine[]): { violations: string[]; staleWindows: number } {
  const intentsByTicker = new Map<string, IntentRecord[]>();
  for (const intent of intents) intentsByTicker.set(intent.ticker, [...(intentsByTicker.get(intent.ticker) ?? []), intent]);
  const traceByTicker = new Map<string, EventLine[]>();
  for (const event of events) {
    if ((event.kind === 'book_stale' || event.kind === 'book_live') && event.ticker !== undefined) {
      traceByTicker.set(event.ticker, [...(traceByTicker.get(event.ticker) ?? []), event]);
    }
  }
  const violations: string[] = [];
  let staleWindows = 0;
  for (const [ticker, own] of intentsByTicker) {
    const trace = traceByTicker.get(ticker) ?? [];
    let live = false; // starting: nothing decided before the first snapshot
    let next = 0;
    for (let index = 0; index < own.length; index++) {
      while (next < trace.length && Number(trace[next]!.data?.intentsBefore) <= index) {
        const wasLive = live;
        live = trace[next]!.kind === 'book_live';
        if (wasLive && !live) staleWindows++;
        next++;
      }
      const intent = own[index]!;
      if (!live && !CANCELS.has(intent.kind))
        violations.push(`${ticker} #${index} ${intent.kind} ${intent.side} @ ${intent.price} (${intent.reason}) at ${intent.ts}`);
    }
  }
  return { violations, staleWindows };
}

/** Tickers whose actor book is not live or differs from the simulator's book. */
async function booksApart(runtime: Runtime, simulator: Simulator, tickers: readonly string[]): Promise<string[]> {
  const apart: string[] = [];
  for (const ticker of tickers) {
    const held = await runtime.supervisor.book(ticker);
    if (held?.phase !== 'live' || !isDeepStrictEqual(held.book, simulator.bookSnapshot(ticker))) apart.push(ticker);
  }
  return apart;
}

describe('soak under simulator faults', function () {
  this.timeout(120_000);
  let logs: TempLogs;

  beforeEach(() => {
    logs = tempLogs();
  });

  afterEach(() => logs.remove());

  it('100 tickers through drops, a stall, skipped seqs and garbage: books end equal to the exchange, nothing decided on a stale book, no restart', async () => {
    const tickers = tickerList(TICKERS);
    const key = generateKeyPair();
    const keyPath = join(logs.dir, 'key.pem');
    writeFileSync(keyPath, key.privateKeyPem, { mode: 0o600 });
    const simulator = await startSimulator({
      tickers,
      seed: 23,
      keys: { [key.keyId]: key.publicKeyPem },
      autoRun: false,
      pingIntervalMs: 300,
      faults: [
        { kind: 'skip_seq', everyMessages: 701 },
        { kind: 'malformed', everyMessages: 1_009 },
        { kind: 'unknown_market', everyMessages: 1_511 },
      ],
    });
    const timers: Array<ReturnType<typeof setInterval>> = [];
    const dropTimes: number[] = [];
    let runtime: Runtime | undefined;
    let report: Awaited<ReturnType<Runtime['stop']>> | undefined;
    try {
      runtime = await startRuntime(testConfig(logs, tickers, { workers: 3, wsUrl: simulator.url, keyId: key.keyId, keyPath }), {
        connection: { startingDelayMs: 50, maxDelayMs: 400, livenessTimeoutMs: LIVENESS_TIMEOUT_MS },
      });
      const active = runtime;
      let connectionFailure: unknown;
      active.connectionEnded.catch((error: unknown) => {
        connectionFailure = error;
      });
      const pid = process.pid;
      await until(() => active.gateway.statistics().tickersLive === TICKERS, 15_000, 'every book live');
      const threadsAtStart = (await active.supervisor.status()).map((actor) => actor.threadId).sort();

      // the fault phase: markets move, the connection drops every few seconds and stalls once
      const startedAt = Date.now();
      timers.push(setInterval(() => simulator.step(1), STEP_EVERY_MS));
      let stalling = false;
      timers.push(
        setInterval(() => {
          if (stalling) return; // the stall must end its session through the liveness timeout
          dropTimes.push(Date.now());
          simulator.faults.trigger('drop');
        }, DROP_EVERY_MS),
      );
      await until(() => Date.now() - startedAt >= STALL_AT_MS, STALL_AT_MS + 5_000, 'the stall time');
      stalling = true;
      await until(() => active.gateway.statistics().tickersLive > 0, 5_000, 'a session with live books');
      const sessionsBeforeStall = active.gateway.statistics().connectionsOpened;
      simulator.faults.trigger('stall', LIVENESS_TIMEOUT_MS * 2);
      await until(() => active.gateway.statistics().connectionsOpened > sessionsBeforeStall, 10_000, 'a new session after the stall');
      stalling = false;
      await until(() => Date.now() - startedAt >= FAULT_PHASE_MS, FAULT_PHASE_MS, 'the end of the fault phase');

      // freeze the exchange: every actor book must come to equal the simulator's
      for (const timer of timers.splice(0)) clearInterval(timer);
      simulator.faults.clear();
      let apart: string[] = [];
      try {
        await until(async () => (apart = await booksApart(active, simulator, tickers)).length === 0, 20_000, 'every actor book equal to the simulator');
      } catch (error) {
        throw new Error(`${(error as Error).message}; apart: ${apart.slice(0, 10).join(', ')} (${apart.length})`);
      }

      // the process never restarted: same pid, same actor threads, no relaunch, the connection never ended for good
      expect(process.pid).to.equal(pid);
      expect((await active.supervisor.status()).map((actor) => actor.threadId).sort()).to.deep.equal(threadsAtStart);
      expect(active.supervisor.restarts).to.equal(0);
      expect(connectionFailure).to.equal(undefined);
    } finally {
      for (const timer of timers) clearInterval(timer);
      report = await runtime?.stop();
      await simulator.close();
    }
    checkLogs(report!, dropTimes.length, simulator, logs);
  });
});

function checkLogs(report: Awaited<ReturnType<Runtime['stop']>>, dropsTriggered: number, simulator: Simulator, logs: TempLogs): void {
  const fired = simulator.stats().faultsFired;
  const statistics = report.gateway;
  expect(report.log?.dropped, 'log events dropped under load (the phase trace must be complete)').to.equal(0);

  // the faults did happen, and each was noticed
  expect(dropsTriggered).to.be.at.least(10);
  expect(fired.drop).to.be.at.least(10).and.at.most(dropsTriggered); // a drop while reconnecting finds no connection
  expect(fired.stall).to.equal(1);
  expect(fired.skip_seq).to.be.at.least(5);
  expect(fired.malformed).to.be.at.least(5);
  expect(fired.unknown_market).to.be.at.least(5);
  expect(statistics.sequenceGaps).to.be.at.least(1).and.at.most(fired.skip_seq);
  expect(statistics.anomalies.malformed_frame).to.be.at.least(1);
  expect(statistics.anomalies.unowned_ticker).to.be.at.least(1);
  expect(statistics.anomalies).not.to.have.property('handler_failed');

  const events = readJsonLines<EventLine>(logs.eventsFile);
  const closes = events.filter((event) => event.kind === 'connection_closed');
  // every drop and the stall ended a session (a drop during a reconnect finds no session)
  expect(closes.length).to.be.at.least(10);
  expect(closes.length).to.be.at.most(fired.drop + fired.stall);
  expect(closes.some((event) => String(event.data?.reason).includes('liveness'))).to.equal(true);
  expect(statistics.connectionsOpened).to.equal(closes.length + 1);
  // every close and gap told every live book at once, and the actors got every notice
  // (a drop that comes while a new session's snapshots are still arriving finds few or no live books)
  expect(closes.filter((event) => Number(event.data?.booksMarkedStale) > 0).length).to.be.at.least(closes.length / 2);
  const notices: Record<string, number> = {};
  for (const event of events) {
    if (event.kind === 'book_stale' && event.data?.notice === true) notices[String(event.data.reason)] = (notices[String(event.data.reason)] ?? 0) + 1;
  }
  expect(notices).to.deep.equal(statistics.staleNotices);
  expect(notices.disconnected).to.equal(closes.reduce((sum, event) => sum + Number(event.data?.booksMarkedStale), 0));
  expect(notices.sequence_gap ?? 0).to.be.above(0);

  // nothing but cancels between a stale notice and the fresh snapshot
  const intents = readJsonLines<IntentRecord>(logs.intentsFile);
  const { violations, staleWindows } = decisionsOnStaleBooks(intents, events);
  expect(violations.slice(0, 10), `${violations.length} decisions on stale books`).to.deep.equal([]);
  expect(staleWindows).to.be.at.least(TICKERS * 5);
  expect(new Set(intents.filter((intent) => intent.kind === 'quote').map((intent) => intent.ticker)).size).to.be.at.least(TICKERS * 0.9);
  expect(intents.some((intent) => intent.reason === 'stale_book')).to.equal(true);
  expect(restingAfterReplay(intents)).to.deep.equal([]);
  expect(report.log?.intents).to.equal(intents.length);
}
