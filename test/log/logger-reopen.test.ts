import { expect } from 'chai';
import { mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLogger } from '../../src/log/logger-actor.js';
import { LogProducer } from '../../src/log/producer.js';
import { listRotated } from '../../src/log/rotation.js';
import { jsonLines, logFiles } from './files.js';
import { eventFor, intentFor } from './records.js';

const TICKERS = ['KXREOPEN-26DEC31-T1', 'KXREOPEN-26DEC31-T2'];

/** For each ticker, the sequence numbers of its intents (from the reason) in file order. */
function intentSequences(records: Array<Record<string, unknown>>): Record<string, number[]> {
  const byTicker: Record<string, number[]> = {};
  for (const record of records) (byTicker[record['ticker'] as string] ??= []).push(Number((record['reason'] as string).split(' ')[1]));
  return byTicker;
}
function eventSequences(records: Array<Record<string, unknown>>): Record<string, number[]> {
  const byTicker: Record<string, number[]> = {};
  for (const record of records) (byTicker[record['ticker'] as string] ??= []).push((record['data'] as { sequence: number }).sequence);
  return byTicker;
}
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, index) => from + index);
}
function produce(producers: LogProducer[], from: number, to: number): void {
  for (let sequence = from; sequence < to; sequence += 1) {
    producers.forEach((producer, index) => {
      producer.intent(intentFor(TICKERS[index]!, sequence));
      producer.event(eventFor(TICKERS[index]!, sequence));
    });
  }
  producers.forEach((producer) => producer.flush());
}

describe('log/logger-actor: reopen and rotation (real worker threads)', function () {
  this.timeout(60_000);
  let directory: string;
  let intentsFile: string;
  let eventsFile: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'mm-logger-reopen-'));
    intentsFile = join(directory, 'logs', 'intents.jsonl');
    eventsFile = join(directory, 'logs', 'events.jsonl');
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('reopen after the files were renamed away: what was posted before it in the renamed files, the rest in new ones, every line once', async () => {
    const logger = await startLogger({
      intentsFile,
      eventsFile,
      level: 'info',
      console: 'off',
      highWaterMark: 1_000_000,
      rotation: { maxBytes: 0, daily: true, keep: 0 },
    });
    const producers = TICKERS.map(() => new LogProducer(logger.connectProducer()));
    produce(producers, 0, 1_500);
    // logrotate renames, then signals; the records posted so far may still be on their way
    renameSync(intentsFile, `${intentsFile}.1`);
    renameSync(eventsFile, `${eventsFile}.1`);
    await logger.reopen();
    produce(producers, 1_500, 2_500);
    producers.forEach((producer) => producer.close());
    const counts = await logger.stop();

    expect(counts).to.deep.equal({ intents: 5_000, events: 5_000, fills: 0, dropped: 0 });
    const before = { intents: intentSequences(jsonLines(`${intentsFile}.1`)), events: eventSequences(jsonLines(`${eventsFile}.1`)) };
    const after = { intents: intentSequences(jsonLines(intentsFile)), events: eventSequences(jsonLines(eventsFile)) };
    for (const ticker of TICKERS) {
      expect(before.intents[ticker], ticker).to.deep.equal(range(0, 1_500));
      expect(after.intents[ticker], ticker).to.deep.equal(range(1_500, 2_500));
      expect(before.events[ticker], ticker).to.deep.equal(range(0, 1_500));
      expect(after.events[ticker], ticker).to.deep.equal(range(1_500, 2_500));
    }
  });

  it('rotates by size in the logger thread, each intent in exactly one file', async () => {
    const logger = await startLogger({
      intentsFile,
      eventsFile,
      level: 'info',
      console: 'off',
      highWaterMark: 1_000_000,
      rotation: { maxBytes: 20_000, daily: false, keep: 0 },
    });
    const producers = TICKERS.map(() => new LogProducer(logger.connectProducer()));
    produce(producers, 0, 1_000);
    producers.forEach((producer) => producer.close());
    await logger.stop();
    const intents = logFiles(intentsFile);
    expect(intents.length).to.be.greaterThan(5);
    const all = intentSequences(intents.flatMap((entry) => entry.lines.map((line) => JSON.parse(line) as Record<string, unknown>)));
    for (const ticker of TICKERS) expect(all[ticker]).to.deep.equal(range(0, 1_000));
    expect(listRotated(eventsFile).length).to.be.greaterThan(5);
  });

  it('a write failure after rotation still fails the logger (the engine then stops trading)', async () => {
    const logger = await startLogger({
      intentsFile,
      eventsFile,
      level: 'info',
      console: 'off',
      highWaterMark: 1_000_000,
      rotation: { maxBytes: 5_000, daily: true, keep: 2 },
    });
    const producers = TICKERS.map(() => new LogProducer(logger.connectProducer()));
    produce(producers, 0, 200);
    await logger.reopen(); // every record so far is handled: the intents have been rotated
    expect(listRotated(intentsFile)).to.have.length(2);
    // the file the logger opens next cannot take a byte
    renameSync(intentsFile, `${intentsFile}.moved`);
    symlinkSync('/dev/full', intentsFile);
    await logger.reopen();
    produce(producers, 200, 201);
    const failure = await logger.failure;
    expect(failure.message).to.match(/^log writer failed: cannot write .*intents\.jsonl: ENOSPC/);
    let stopError: unknown;
    await logger.stop().catch((error: unknown) => {
      stopError = error;
    });
    expect(stopError).to.equal(failure);
    producers.forEach((producer) => producer.close());
  });

  it('a reopen whose file cannot be opened rejects, and the logger has failed', async () => {
    const logger = await startLogger({ intentsFile, eventsFile, level: 'info', console: 'off' });
    rmSync(join(directory, 'logs'), { recursive: true, force: true });
    let reopenError: unknown;
    await logger.reopen().catch((error: unknown) => {
      reopenError = error;
    });
    expect((reopenError as Error).message).to.match(/^cannot reopen the log files: log writer failed: cannot write .*intents\.jsonl: ENOENT/);
    expect((await logger.failure).message).to.match(/ENOENT/);
    await logger.stop().catch(() => undefined);
  });

  it('refuses a reopen once stopped', async () => {
    const logger = await startLogger({ intentsFile, eventsFile, level: 'info', console: 'off' });
    await logger.stop();
    let refused: unknown;
    await logger.reopen().catch((error: unknown) => {
      refused = error;
    });
    expect((refused as Error).message).to.equal('logger is stopped');
  });
});
