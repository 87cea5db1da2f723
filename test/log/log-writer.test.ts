import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import type { ConsoleMode, LogLevel } from '../../src/config/types.js';
import { formatIntentLine, toIntentRecord } from '../../src/log/intent-record.js';
import { formatEventLine } from '../../src/log/log-event.js';
import { LogWriter } from '../../src/log/log-writer.js';
import type { LogRecord } from '../../src/log/messages.js';
import { RotatingStreamTransport } from '../../src/log/rotating-stream-transport.js';
import { SyncFileTransport } from '../../src/log/sync-file-transport.js';
import { jsonLines } from './files.js';
import { eventFor, intentFor } from './records.js';

function intentRecord(ticker: string, sequence: number): LogRecord {
  return { stream: 'intent', level: 'info', line: JSON.stringify(toIntentRecord(intentFor(ticker, sequence))) };
}

function eventRecord(ticker: string, sequence: number, level: LogLevel): LogRecord {
  return { stream: 'event', level, line: JSON.stringify(eventFor(ticker, sequence, level)) };
}

describe('log/log-writer', () => {
  let directory: string;
  let intentsFile: string;
  let eventsFile: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'mm-writer-'));
    intentsFile = join(directory, 'logs', 'intents.jsonl');
    eventsFile = join(directory, 'logs', 'events.jsonl');
  });
  afterEach(() => {
    sinon.restore();
    rmSync(directory, { recursive: true, force: true });
  });

  function writer(level: LogLevel, console: ConsoleMode, highWaterMark = 10_000): LogWriter {
    return new LogWriter({ intentsFile, eventsFile, level, console, highWaterMark });
  }

  it('writes intents to the intents file only and events at or above the level to the events file only', async () => {
    const logWriter = writer('info', 'off');
    logWriter.write(intentRecord('KXA-1', 0));
    logWriter.write(eventRecord('KXA-1', 1, 'debug'));
    logWriter.write(eventRecord('KXA-1', 2, 'info'));
    logWriter.write(eventRecord('KXA-1', 3, 'error'));
    logWriter.write(intentRecord('KXA-1', 4));
    await logWriter.close();
    expect(jsonLines(intentsFile)).to.deep.equal([toIntentRecord(intentFor('KXA-1', 0)), toIntentRecord(intentFor('KXA-1', 4))]);
    expect(jsonLines(eventsFile)).to.deep.equal([eventFor('KXA-1', 2, 'info'), eventFor('KXA-1', 3, 'error')]);
    expect(logWriter.counts).to.deep.equal({ intents: 2, events: 2, fills: 0, dropped: 0 });
  });

  it('writes every intent whatever the level', async () => {
    const logWriter = writer('error', 'off');
    logWriter.write(intentRecord('KXA-1', 0));
    logWriter.write(eventRecord('KXA-1', 1, 'warn'));
    await logWriter.close();
    expect(jsonLines(intentsFile)).to.have.length(1);
    expect(jsonLines(eventsFile)).to.have.length(0);
  });

  it('prints a readable line per intent and event on the console (pretty), warnings and errors on stderr', async () => {
    const stdout = sinon.stub(process.stdout, 'write').returns(true);
    const stderr = sinon.stub(process.stderr, 'write').returns(true);
    const logWriter = writer('info', 'pretty');
    logWriter.write(intentRecord('KXA-1', 0));
    logWriter.write(eventRecord('KXA-1', 1, 'info'));
    logWriter.write(eventRecord('KXA-1', 2, 'warn'));
    logWriter.write(eventRecord('KXA-1', 3, 'debug'));
    await logWriter.close();
    sinon.restore();
    const printed = stdout.getCalls().map((call) => String(call.args[0]));
    expect(printed).to.deep.equal([`${formatIntentLine(toIntentRecord(intentFor('KXA-1', 0)))}\n`, `${formatEventLine(eventFor('KXA-1', 1, 'info'))}\n`]);
    expect(stderr.getCalls().map((call) => String(call.args[0]))).to.deep.equal([`${formatEventLine(eventFor('KXA-1', 2, 'warn'))}\n`]);
  });

  it('prints the JSON line on the console in json mode, and hides intents below info', async () => {
    const stdout = sinon.stub(process.stdout, 'write').returns(true);
    const stderr = sinon.stub(process.stderr, 'write').returns(true);
    const logWriter = writer('warn', 'json');
    logWriter.write(intentRecord('KXA-1', 0));
    logWriter.write(eventRecord('KXA-1', 1, 'error'));
    await logWriter.close();
    sinon.restore();
    expect(stdout.called).to.equal(false);
    expect(stderr.getCalls().map((call) => String(call.args[0]))).to.deep.equal([`${JSON.stringify(eventFor('KXA-1', 1, 'error'))}\n`]);
    expect(jsonLines(intentsFile)).to.have.length(1);
  });

  it('writes a batch with the same bytes and counts as its records one at a time, one file write per file', async () => {
    const records = Array.from({ length: 40 }, (_, sequence) =>
      sequence % 3 === 0 ? intentRecord('KXA-1', sequence) : eventRecord('KXA-1', sequence, sequence % 2 === 0 ? 'info' : 'debug'),
    );
    const oneAtATime = writer('info', 'off');
    for (const record of records) oneAtATime.write(record);
    await oneAtATime.close();
    const expectedIntents = readFileSync(intentsFile, 'utf8');
    const expectedEvents = readFileSync(eventsFile, 'utf8');
    rmSync(join(directory, 'logs'), { recursive: true });

    const batched = writer('info', 'off');
    const eventWrites = sinon.spy(RotatingStreamTransport.prototype, 'log');
    const intentWrites = sinon.spy(SyncFileTransport.prototype, 'log');
    batched.writeBatch(records);
    await batched.close();
    expect(readFileSync(intentsFile, 'utf8')).to.equal(expectedIntents);
    expect(readFileSync(eventsFile, 'utf8')).to.equal(expectedEvents);
    expect(expectedIntents.split('\n')).to.have.length(14 + 1);
    expect(batched.counts).to.deep.equal(oneAtATime.counts);
    expect(intentWrites.callCount).to.equal(1);
    expect(eventWrites.callCount).to.equal(1);
  });

  it('prints a batch on the console one line per record, in order', async () => {
    const stdout = sinon.stub(process.stdout, 'write').returns(true);
    const logWriter = writer('info', 'json');
    logWriter.writeBatch([intentRecord('KXA-1', 0), eventRecord('KXA-1', 1, 'info'), intentRecord('KXA-1', 2)]);
    await logWriter.close();
    sinon.restore();
    expect(stdout.getCalls().map((call) => String(call.args[0]))).to.deep.equal([
      `${JSON.stringify(toIntentRecord(intentFor('KXA-1', 0)))}\n`,
      `${JSON.stringify(eventFor('KXA-1', 1, 'info'))}\n`,
      `${JSON.stringify(toIntentRecord(intentFor('KXA-1', 2)))}\n`,
    ]);
  });

  it('above the high-water mark drops info and debug events (counted), never intents, warnings or errors', async () => {
    const logWriter = writer('debug', 'off', 1);
    let sentEvents = 0;
    for (let sequence = 0; sequence < 3_000; sequence += 1) {
      logWriter.write(intentRecord('KXA-1', sequence));
      logWriter.write(eventRecord('KXA-1', sequence, sequence % 100 === 0 ? 'warn' : 'debug'));
      sentEvents += 1;
    }
    await logWriter.close();
    const { intents, events, dropped } = logWriter.counts;
    expect(dropped).to.be.greaterThan(0);
    expect(intents).to.equal(3_000);
    expect(events + dropped).to.equal(sentEvents);
    expect(jsonLines(intentsFile)).to.have.length(3_000);
    const written = jsonLines(eventsFile);
    expect(written).to.have.length(events);
    expect(written.filter((event) => event['level'] === 'warn')).to.have.length(30);
  });

  it('has a batch of intents in the file when writeBatch returns', () => {
    const logWriter = writer('info', 'off');
    logWriter.writeBatch([intentRecord('KXA-1', 0), eventRecord('KXA-1', 1, 'info'), intentRecord('KXA-1', 2)]);
    expect(readFileSync(intentsFile, 'utf8')).to.equal(
      `${JSON.stringify(toIntentRecord(intentFor('KXA-1', 0)))}\n${JSON.stringify(toIntentRecord(intentFor('KXA-1', 2)))}\n`,
    );
    expect(logWriter.backlog()).to.be.at.most(1); // the event may still be on its way to its file
    return logWriter.close();
  });

  it('has an intent in its file when writeBatch returns even while the events file is behind', async () => {
    const logWriter = writer('info', 'off');
    // events well past the events stream's buffer: its transport holds them back for a while
    const bulky = (sequence: number): LogRecord => ({
      stream: 'event',
      level: 'info',
      line: JSON.stringify({ ...eventFor('KXA-1', sequence, 'info'), pad: 'x'.repeat(2_000) }),
    });
    for (let batch = 0; batch < 40; batch += 1) logWriter.writeBatch([bulky(2 * batch), bulky(2 * batch + 1)]);
    logWriter.writeBatch([intentRecord('KXA-1', 100)]);
    expect(readFileSync(intentsFile, 'utf8')).to.equal(`${JSON.stringify(toIntentRecord(intentFor('KXA-1', 100)))}\n`);
    await logWriter.close();
    expect(jsonLines(eventsFile)).to.have.length(80);
  });

  it('holds the high-water mark within one batch as it does record by record', async () => {
    const logWriter = writer('debug', 'off', 100);
    logWriter.writeBatch(Array.from({ length: 5_000 }, (_, sequence) => eventRecord('KXA-1', sequence, 'debug')));
    await logWriter.close();
    expect(logWriter.counts.events).to.equal(101);
    expect(logWriter.counts.dropped).to.equal(4_899);
    expect(jsonLines(eventsFile)).to.have.length(101);
  });

  it('fails, naming the file, when an intent cannot be written (a full device)', async () => {
    const logWriter = new LogWriter({ intentsFile: '/dev/full', eventsFile, level: 'info', console: 'off', highWaterMark: 10 });
    logWriter.writeBatch([intentRecord('KXA-1', 0)]);
    let failure: Error | undefined;
    await logWriter.failed.catch((error: Error) => {
      failure = error;
    });
    expect(failure?.message).to.match(/^log writer failed: cannot write \/dev\/full: ENOSPC/);
  });

  it('fails at once, clearly, when a file cannot be created', () => {
    const blocker = join(directory, 'not-a-directory');
    writeFileSync(blocker, '');
    expect(() => new LogWriter({ intentsFile: join(blocker, 'intents.jsonl'), eventsFile, level: 'info', console: 'off', highWaterMark: 10 })).to.throw(
      /^cannot open log file .*not-a-directory\/intents\.jsonl: /,
    );
  });
});

describe('log/log-writer: the fills journal', () => {
  it('writes fill records to the fills file only, counted, and never drops them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-fills-'));
    try {
      const writer = new LogWriter({
        intentsFile: join(dir, 'i.jsonl'),
        eventsFile: join(dir, 'e.jsonl'),
        fillsFile: join(dir, 'f.jsonl'),
        level: 'error',
        console: 'off',
        highWaterMark: 0,
      });
      writer.writeBatch([
        { stream: 'fill', level: 'info', line: '{"fill":1}' },
        { stream: 'event', level: 'info', line: '{"event":1}' },
        { stream: 'fill', level: 'info', line: '{"fill":2}' },
      ]);
      await writer.close();
      expect(readFileSync(join(dir, 'f.jsonl'), 'utf8')).to.equal('{"fill":1}\n{"fill":2}\n');
      expect(readFileSync(join(dir, 'e.jsonl'), 'utf8')).to.equal('');
      expect(writer.counts.fills).to.equal(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
