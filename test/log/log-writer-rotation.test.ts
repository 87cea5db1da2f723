import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sinon from 'sinon';
import { toIntentRecord } from '../../src/log/intent-record.js';
import { LogWriter } from '../../src/log/log-writer.js';
import type { LogRecord } from '../../src/log/messages.js';
import { listRotated, utcDay, type RotationOptions } from '../../src/log/rotation.js';
import { jsonLines, logFiles } from './files.js';
import { eventFor, intentFor } from './records.js';

function intentRecord(sequence: number): LogRecord {
  return { stream: 'intent', level: 'info', line: JSON.stringify(toIntentRecord(intentFor('KXA-1', sequence))) };
}
function eventRecord(sequence: number): LogRecord {
  return { stream: 'event', level: 'info', line: JSON.stringify(eventFor('KXA-1', sequence)) };
}
function fillRecord(sequence: number): LogRecord {
  return { stream: 'fill', level: 'info', line: JSON.stringify({ fill: sequence }) };
}
/** Batches of one intent, one event and one fill each. */
function batches(from: number, count: number): LogRecord[][] {
  return Array.from({ length: count }, (_, index) => [intentRecord(from + index), eventRecord(from + index), fillRecord(from + index)]);
}

describe('log/log-writer: rotation and reopen of the three files', () => {
  let directory: string;
  let files: { intentsFile: string; eventsFile: string; fillsFile: string };
  let clock: sinon.SinonFakeTimers | undefined;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'mm-writer-rotation-'));
    files = {
      intentsFile: join(directory, 'logs', 'intents.jsonl'),
      eventsFile: join(directory, 'logs', 'events.jsonl'),
      fillsFile: join(directory, 'logs', 'fills.jsonl'),
    };
  });
  afterEach(() => {
    clock?.restore();
    clock = undefined;
    rmSync(directory, { recursive: true, force: true });
  });

  function writer(rotation: RotationOptions): LogWriter {
    return new LogWriter({ ...files, level: 'info', console: 'off', highWaterMark: 1_000_000, rotation });
  }

  /** Every line of a log over its rotated files and itself, oldest first. */
  function allLines(file: string): string[] {
    return logFiles(file).flatMap((entry) => entry.lines);
  }

  it('rotates the intents, events and fills files by size, each line in exactly one file, in order', async () => {
    const logWriter = writer({ maxBytes: 500, daily: false, keep: 0 });
    const written = batches(0, 100);
    for (const batch of written) logWriter.writeBatch(batch);
    await logWriter.close();
    for (const [file, stream] of [
      [files.intentsFile, 'intent'],
      [files.eventsFile, 'event'],
      [files.fillsFile, 'fill'],
    ] as const) {
      const expected = written
        .flat()
        .filter((record) => record.stream === stream)
        .map((record) => record.line);
      expect(logFiles(file).length, file).to.be.greaterThan(1);
      expect(allLines(file), file).to.deep.equal(expected);
    }
    expect(logWriter.counts).to.deep.equal({ intents: 100, events: 100, fills: 100, dropped: 0 });
  });

  it('rotates the three files at UTC midnight, each named after the day of its lines', async () => {
    const start = new Date(Date.UTC(2026, 10, 25, 23, 59, 0));
    // files already there, last written at the (fake) start, as a file made at start would be
    mkdirSync(join(directory, 'logs'));
    for (const file of Object.values(files)) {
      writeFileSync(file, '');
      utimesSync(file, start, start);
    }
    clock = sinon.useFakeTimers({ now: start, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const logWriter = writer({ maxBytes: 0, daily: true, keep: 0 });
    logWriter.writeBatch(batches(0, 2).flat());
    while (logWriter.backlog() > 0) await new Promise((resolve) => setImmediate(resolve));
    clock.tick(60_000);
    logWriter.writeBatch(batches(2, 1).flat());
    while (logWriter.backlog() > 0) await new Promise((resolve) => setImmediate(resolve));
    clock.restore();
    clock = undefined;
    await logWriter.close();
    for (const [file, name] of [
      [files.intentsFile, 'intents'],
      [files.eventsFile, 'events'],
      [files.fillsFile, 'fills'],
    ] as const) {
      const logs = logFiles(file);
      expect(
        logs.map((entry) => [entry.name, entry.lines.length]),
        file,
      ).to.deep.equal([
        [`${name}.2026-11-25.1.jsonl`, 2],
        [`${name}.jsonl`, 1],
      ]);
    }
  });

  it('reopens the three files after they were renamed away: the batches before in the renamed files, those after in new ones', async () => {
    const logWriter = writer({ maxBytes: 0, daily: true, keep: 0 });
    const before = batches(0, 50);
    const after = batches(50, 30);
    for (const batch of before) logWriter.writeBatch(batch);
    // an external rotation comes long after the start: the events file is open by then
    while (logWriter.backlog() > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const file of Object.values(files)) renameSync(file, `${file}.moved`);
    await logWriter.reopen();
    for (const batch of after) logWriter.writeBatch(batch);
    await logWriter.close();
    const lines = (records: LogRecord[][], stream: LogRecord['stream']): string[] =>
      records
        .flat()
        .filter((record) => record.stream === stream)
        .map((record) => record.line);
    for (const [file, stream] of [
      [files.intentsFile, 'intent'],
      [files.eventsFile, 'event'],
      [files.fillsFile, 'fill'],
    ] as const) {
      expect(readFileSync(`${file}.moved`, 'utf8').split('\n').filter(Boolean), file).to.deep.equal(lines(before, stream));
      expect(readFileSync(file, 'utf8').split('\n').filter(Boolean), file).to.deep.equal(lines(after, stream));
    }
    expect(logWriter.counts).to.deep.equal({ intents: 80, events: 80, fills: 80, dropped: 0 });
  });

  it('says in the events file, without failing, when an old rotated file cannot be removed, and removes the others', async () => {
    clock = sinon.useFakeTimers({ now: Date.UTC(2026, 10, 25, 12, 0, 0), toFake: ['Date'] });
    // a folder with a rotated file's name: listed as the oldest, it cannot be unlinked
    mkdirSync(join(directory, 'logs', 'intents.2026-01-01.1.jsonl'), { recursive: true });
    const logWriter = writer({ maxBytes: 200, daily: false, keep: 1 });
    let failed = false;
    logWriter.failed.catch(() => {
      failed = true;
    });
    for (let sequence = 0; sequence < 3; sequence += 1) logWriter.writeBatch([intentRecord(sequence)]);
    await logWriter.close();
    expect(failed).to.equal(false);
    // one intent a file: the first went with the removed file, the folder stays
    expect(listRotated(files.intentsFile).map((rotated) => basename(rotated.path))).to.deep.equal(['intents.2026-01-01.1.jsonl', 'intents.2026-11-25.2.jsonl']);
    expect(jsonLines(files.intentsFile)).to.deep.equal([toIntentRecord(intentFor('KXA-1', 2))]);
    const events = logFiles(files.eventsFile).flatMap((entry) => entry.lines.map((line) => JSON.parse(line) as Record<string, unknown>));
    // one warning at each of the two rotations; the events file rotates too (keep 1), so the last is left
    expect(logWriter.counts.events).to.equal(2);
    const warnings = events.filter((event) => event['kind'] === 'log_rotation');
    expect(warnings).to.have.length.of.at.least(1);
    for (const warning of warnings) {
      expect(warning).to.include({ level: 'warn' });
      expect(String(warning['message'])).to.match(/^cannot remove the old log file .*intents\.2026-01-01\.1\.jsonl: E/);
    }
  });
});
