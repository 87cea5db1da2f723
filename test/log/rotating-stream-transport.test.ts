import { expect } from 'chai';
import { once } from 'node:events';
import { mkdtempSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import winston from 'winston';
import { listRotated, type RotationOptions } from '../../src/log/rotation.js';
import { RotatingStreamTransport } from '../../src/log/rotating-stream-transport.js';
import { logFiles, textLines } from './files.js';

const NOV_25_NOON = Date.UTC(2026, 10, 25, 12, 0, 0);

/** `count` lines of equal length: "line 0000", "line 0001", ... */
function numbered(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, index) => `line ${String(from + index).padStart(4, '0')}`);
}

/** The transport under a winston logger, as the log writer uses it. */
class EventsFile {
  readonly transport: RotatingStreamTransport;
  readonly logger: winston.Logger;
  readonly errors: Error[] = [];
  logged = 0;

  constructor(filename: string, rotation: RotationOptions) {
    this.transport = new RotatingStreamTransport({ filename, rotation, format: winston.format.printf((info) => String(info.message)) });
    this.transport.on('logged', () => {
      this.logged += 1;
    });
    this.transport.on('error', (error: Error) => this.errors.push(error));
    this.logger = winston.createLogger({ level: 'debug', format: winston.format((info) => info)(), transports: [this.transport] });
    this.logger.on('error', () => undefined); // collected from the transport
  }

  write(lines: readonly string[]): void {
    for (const line of lines) this.logger.log({ level: 'info', message: line });
  }

  reopen(): Promise<unknown> {
    const reopened = once(this.transport, 'reopened');
    this.logger.log({ level: 'info', message: '', control: 'reopen' });
    return reopened;
  }

  /** Resolves once `count` lines in all have been written. */
  async written(count: number): Promise<void> {
    while (this.logged < count) await once(this.transport, 'logged');
  }

  async close(): Promise<void> {
    const finished = once(this.transport, 'finish');
    this.logger.end();
    await finished;
  }
}

describe('log/rotating-stream-transport: the events file', () => {
  let directory: string;
  let file: string;
  let clock: sinon.SinonFakeTimers | undefined;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'mm-events-rotation-'));
    file = join(directory, 'events.jsonl');
  });
  afterEach(() => {
    clock?.restore();
    clock = undefined;
    rmSync(directory, { recursive: true, force: true });
  });

  it('by size: rotates once a file reaches max bytes, names as documented, none lost or doubled', async () => {
    clock = sinon.useFakeTimers({ now: NOV_25_NOON, toFake: ['Date'] });
    const events = new EventsFile(file, { maxBytes: 100, daily: false, keep: 0 });
    const lines = numbered(95); // 10 bytes each with the newline
    events.write(lines);
    await events.close();
    const files = logFiles(file);
    expect(files.map((entry) => entry.name)).to.deep.equal([
      ...Array.from({ length: 9 }, (_, index) => `events.2026-11-25.${index + 1}.jsonl`),
      'events.jsonl',
    ]);
    expect(files.flatMap((entry) => entry.lines)).to.deep.equal(lines);
    for (const rotated of listRotated(file)) expect(statSync(rotated.path).size).to.equal(100);
    expect(events.logged).to.equal(lines.length);
    expect(events.errors).to.deep.equal([]);
  });

  it('keeps the newest `keep` rotated files: what is left is the unbroken tail of the lines', async () => {
    clock = sinon.useFakeTimers({ now: NOV_25_NOON, toFake: ['Date'] });
    const events = new EventsFile(file, { maxBytes: 100, daily: false, keep: 2 });
    const lines = numbered(200);
    events.write(lines);
    await events.close();
    const files = logFiles(file);
    expect(files.map((entry) => entry.name)).to.deep.equal(['events.2026-11-25.19.jsonl', 'events.2026-11-25.20.jsonl', 'events.jsonl']);
    const kept = files.flatMap((entry) => entry.lines);
    expect(kept).to.deep.equal(lines.slice(lines.length - kept.length));
    expect(kept).to.have.length(20);
  });

  it('by day: rotates at UTC midnight, the rotated file named after the day of its lines', async () => {
    clock = sinon.useFakeTimers({ now: Date.UTC(2026, 10, 25, 23, 59, 0), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const events = new EventsFile(file, { maxBytes: 0, daily: true, keep: 0 });
    events.write(['before midnight 1', 'before midnight 2']);
    await events.written(2);
    clock.tick(60_000); // 2026-11-26T00:00:00Z: the stream's timer rotates the file
    events.write(['after midnight']);
    await events.written(3);
    await events.close();
    expect(logFiles(file)).to.deep.equal([
      { name: 'events.2026-11-25.1.jsonl', lines: ['before midnight 1', 'before midnight 2'] },
      { name: 'events.jsonl', lines: ['after midnight'] },
    ]);
  });

  it('by day: a file left by a run of an earlier day is rotated at start, named after the day it was written', async () => {
    clock = sinon.useFakeTimers({ now: NOV_25_NOON, toFake: ['Date'] });
    writeFileSync(file, 'old\n');
    const lastWritten = new Date(Date.UTC(2026, 10, 23, 18, 0, 0));
    utimesSync(file, lastWritten, lastWritten);
    const events = new EventsFile(file, { maxBytes: 0, daily: true, keep: 0 });
    events.write(['new']);
    await events.close();
    expect(logFiles(file)).to.deep.equal([
      { name: 'events.2026-11-23.1.jsonl', lines: ['old'] },
      { name: 'events.jsonl', lines: ['new'] },
    ]);
  });

  it('reopen after the file was renamed away: every line before it in the renamed file, even those still buffered, the rest in a new one', async () => {
    const events = new EventsFile(file, { maxBytes: 0, daily: true, keep: 0 });
    const lines = numbered(3_000);
    events.write(lines.slice(0, 100));
    await events.written(100);
    renameSync(file, `${file}.moved`);
    // handed over at once: most are still in the stream's buffer when the reopen comes
    events.write(lines.slice(100, 2_000));
    const reopened = events.reopen();
    expect(events.logged).to.be.below(2_000);
    events.write(lines.slice(2_000));
    await reopened;
    await events.close();
    expect(textLines(`${file}.moved`)).to.deep.equal(lines.slice(0, 2_000));
    expect(textLines(file)).to.deep.equal(lines.slice(2_000));
    expect(events.logged).to.equal(lines.length);
    expect(events.errors).to.deep.equal([]);
  });

  it('several reopens in a row keep the order of the lines across the files', async () => {
    const events = new EventsFile(file, { maxBytes: 0, daily: false, keep: 0 });
    const lines = numbered(40);
    const moved: string[] = [];
    for (let part = 0; part < 4; part += 1) {
      events.write(lines.slice(part * 10, part * 10 + 10));
      await events.written(part * 10 + 10);
      const name = `${file}.${part}`;
      renameSync(file, name);
      moved.push(name);
      await events.reopen();
    }
    await events.close();
    expect(moved.map((name) => textLines(name))).to.deep.equal([0, 1, 2, 3].map((part) => lines.slice(part * 10, part * 10 + 10)));
    expect(textLines(file)).to.deep.equal([]);
  });

  it('a write failure after rotation still fails: the reopened file is a full device', async () => {
    clock = sinon.useFakeTimers({ now: NOV_25_NOON, toFake: ['Date'] });
    const events = new EventsFile(file, { maxBytes: 20, daily: true, keep: 0 });
    events.write(numbered(5));
    await events.written(5);
    expect(listRotated(file)).to.have.length(2);
    renameSync(file, `${file}.moved`);
    symlinkSync('/dev/full', file);
    await events.reopen();
    const failed = once(events.transport, 'error');
    events.write(['lost']);
    const [error] = (await failed) as [Error];
    expect(error.message).to.equal(`cannot write ${file}: ENOSPC: no space left on device, write`);
  });
});
