import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listRotated, type RotationOptions } from '../../src/log/rotation.js';
import { SyncFileTransport } from '../../src/log/sync-file-transport.js';
import { logFiles, textLines } from './files.js';

const MESSAGE = Symbol.for('message');
const DAY_MS = 86_400_000;
const NOV_25_NOON = Date.UTC(2026, 10, 25, 12, 0, 0);

/** Hands one message to the transport as winston does. */
function send(transport: SyncFileTransport, message: string): void {
  transport.log({ level: 'info', message, [MESSAGE]: message }, () => undefined);
}

function reopen(transport: SyncFileTransport): void {
  transport.log({ level: 'info', message: '', control: 'reopen' } as never, () => undefined);
}

/** `count` lines of equal length: "line 0000", "line 0001", ... */
function numbered(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, index) => `line ${String(from + index).padStart(4, '0')}`);
}

describe('log/sync-file-transport: rotation and reopen', () => {
  let directory: string;
  let file: string;
  let now: number;
  let errors: Error[];
  let transports: SyncFileTransport[];

  function open(rotation: RotationOptions): SyncFileTransport {
    const transport = new SyncFileTransport({ filename: file, rotation, now: () => now });
    transport.on('error', (error: Error) => errors.push(error));
    transports.push(transport);
    return transport;
  }

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'mm-sync-rotation-'));
    file = join(directory, 'intents.jsonl');
    now = NOV_25_NOON;
    errors = [];
    transports = [];
  });
  afterEach(() => {
    for (const transport of transports) transport.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('by size: splits the lines across files of at most max bytes, named as documented, none lost or doubled', () => {
    const transport = open({ maxBytes: 100, daily: false, keep: 0 });
    const lines = numbered(95); // 10 bytes each with the newline: 10 lines a file
    for (const line of lines) send(transport, line);
    const files = logFiles(file);
    expect(files.map((entry) => entry.name)).to.deep.equal([
      ...Array.from({ length: 9 }, (_, index) => `intents.2026-11-25.${index + 1}.jsonl`),
      'intents.jsonl',
    ]);
    expect(files.flatMap((entry) => entry.lines)).to.deep.equal(lines);
    expect(files.map((entry) => entry.lines.length)).to.deep.equal([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
    for (const rotated of listRotated(file)) expect(statSync(rotated.path).size).to.equal(100);
    expect(errors).to.deep.equal([]);
  });

  it('by size: never splits one message (a batch of lines), and a message over the limit makes a file of its own', () => {
    const transport = open({ maxBytes: 50, daily: false, keep: 0 });
    const batches = [numbered(3, 0), numbered(3, 3), numbered(8, 6), numbered(1, 14), numbered(2, 15)];
    for (const batch of batches) send(transport, batch.join('\n'));
    expect(logFiles(file).map((entry) => entry.lines)).to.deep.equal([[...batches[0]!], [...batches[1]!], [...batches[2]!], [...batches[3]!, ...batches[4]!]]);
  });

  it('keeps the newest `keep` rotated files: what is left is the unbroken tail of the lines', () => {
    const transport = open({ maxBytes: 100, daily: false, keep: 3 });
    const lines = numbered(200);
    for (const line of lines) send(transport, line);
    const files = logFiles(file);
    expect(files.map((entry) => entry.name)).to.deep.equal([
      'intents.2026-11-25.17.jsonl',
      'intents.2026-11-25.18.jsonl',
      'intents.2026-11-25.19.jsonl',
      'intents.jsonl',
    ]);
    const kept = files.flatMap((entry) => entry.lines);
    expect(kept).to.deep.equal(lines.slice(lines.length - kept.length));
    expect(kept).to.have.length(40);
  });

  it('by day: the first write of a new UTC day rotates the file, named after the day of its lines', () => {
    const transport = open({ maxBytes: 0, daily: true, keep: 0 });
    now = Date.UTC(2026, 10, 25, 23, 59, 59, 999);
    send(transport, 'a');
    send(transport, 'b');
    now += 1; // 2026-11-26T00:00:00.000Z
    send(transport, 'c');
    now += 2 * DAY_MS; // two quiet days: one rotation, named after the day of the lines
    send(transport, 'd');
    expect(logFiles(file)).to.deep.equal([
      { name: 'intents.2026-11-25.1.jsonl', lines: ['a', 'b'] },
      { name: 'intents.2026-11-26.1.jsonl', lines: ['c'] },
      { name: 'intents.jsonl', lines: ['d'] },
    ]);
  });

  it('by day and size: files rotated by size within a day carry that day, the numbers go on', () => {
    const transport = open({ maxBytes: 20, daily: true, keep: 0 });
    now = Date.UTC(2026, 10, 25, 23, 0, 0);
    for (const line of numbered(5)) send(transport, line);
    now = Date.UTC(2026, 10, 26, 1, 0, 0);
    for (const line of numbered(3, 5)) send(transport, line);
    expect(logFiles(file)).to.deep.equal([
      { name: 'intents.2026-11-25.1.jsonl', lines: ['line 0000', 'line 0001'] },
      { name: 'intents.2026-11-25.2.jsonl', lines: ['line 0002', 'line 0003'] },
      { name: 'intents.2026-11-25.3.jsonl', lines: ['line 0004'] },
      { name: 'intents.2026-11-26.1.jsonl', lines: ['line 0005', 'line 0006'] },
      { name: 'intents.jsonl', lines: ['line 0007'] },
    ]);
  });

  it('by day: a file left by a run of an earlier day is rotated at the first write, named after the day it was written', () => {
    writeFileSync(file, 'old\n');
    const lastWritten = new Date(Date.UTC(2026, 10, 23, 18, 0, 0));
    utimesSync(file, lastWritten, lastWritten);
    const transport = open({ maxBytes: 0, daily: true, keep: 0 });
    send(transport, 'new');
    expect(logFiles(file)).to.deep.equal([
      { name: 'intents.2026-11-23.1.jsonl', lines: ['old'] },
      { name: 'intents.jsonl', lines: ['new'] },
    ]);
  });

  it('by day: an empty file is not rotated; the new day starts in it', () => {
    const transport = open({ maxBytes: 0, daily: true, keep: 0 });
    now += DAY_MS;
    send(transport, 'first');
    now += DAY_MS;
    send(transport, 'second');
    expect(logFiles(file)).to.deep.equal([
      { name: 'intents.2026-11-26.1.jsonl', lines: ['first'] },
      { name: 'intents.jsonl', lines: ['second'] },
    ]);
  });

  it('reopen after the file was renamed away: lines before it in the renamed file, after it in a new one, every line once', () => {
    const transport = open({ maxBytes: 0, daily: true, keep: 0 });
    const lines = numbered(10);
    for (const line of lines.slice(0, 5)) send(transport, line);
    renameSync(file, `${file}.moved`);
    // the lines between the rename and the signal still go to the open file, the renamed one
    for (const line of lines.slice(5, 7)) send(transport, line);
    reopen(transport);
    for (const line of lines.slice(7)) send(transport, line);
    expect(textLines(`${file}.moved`)).to.deep.equal(lines.slice(0, 7));
    expect(textLines(file)).to.deep.equal(lines.slice(7));
    expect(errors).to.deep.equal([]);
  });

  it('a rotation after the file was renamed away (before the signal) starts a new file and loses nothing', () => {
    const transport = open({ maxBytes: 30, daily: false, keep: 0 });
    const lines = numbered(6);
    for (const line of lines.slice(0, 2)) send(transport, line);
    renameSync(file, `${file}.moved`);
    for (const line of lines.slice(2)) send(transport, line);
    expect(errors).to.deep.equal([]);
    expect(textLines(`${file}.moved`)).to.deep.equal(lines.slice(0, 3));
    expect(logFiles(file).flatMap((entry) => entry.lines)).to.deep.equal(lines.slice(3));
  });

  it('never rotates a path that is not a regular file (a device)', () => {
    const transport = new SyncFileTransport({ filename: '/dev/null', rotation: { maxBytes: 1, daily: true, keep: 1 }, now: () => now });
    transports.push(transport);
    transport.on('error', (error: Error) => errors.push(error));
    for (const line of numbered(5)) send(transport, line);
    now += DAY_MS;
    send(transport, 'next day');
    expect(errors).to.deep.equal([]);
    expect(statSync('/dev/null').isCharacterDevice()).to.equal(true);
    expect(listRotated('/dev/null')).to.deep.equal([]);
  });

  it('a write failure after rotation still fails: the reopened file is a full device', () => {
    const transport = open({ maxBytes: 20, daily: true, keep: 0 });
    for (const line of numbered(5)) send(transport, line);
    expect(listRotated(file)).to.have.length(2);
    renameSync(file, `${file}.moved`);
    symlinkSync('/dev/full', file);
    reopen(transport);
    expect(errors).to.deep.equal([]);
    send(transport, 'lost');
    expect(errors.map((error) => error.message)).to.deep.equal([`cannot write ${file}: ENOSPC: no space left on device, write`]);
  });

  it('a rotation that cannot open the new file fails, naming the file (its folder is gone)', () => {
    const folder = join(directory, 'logs');
    mkdirSync(folder);
    file = join(folder, 'intents.jsonl');
    const transport = open({ maxBytes: 20, daily: false, keep: 0 });
    send(transport, 'line 0000');
    rmSync(folder, { recursive: true, force: true });
    send(transport, 'line 0001'); // still fits: written to the open file, gone with its folder
    expect(errors).to.deep.equal([]);
    send(transport, 'line 0002'); // rotates: the new file cannot be opened
    expect(errors.map((error) => error.message)).to.deep.equal([`cannot write ${file}: ENOENT: no such file or directory, open '${file}'`]);
    expect(existsSync(folder)).to.equal(false);
  });

  it('a reopen message is not written, and a reopen onto a path that cannot be opened fails', () => {
    const transport = open({ maxBytes: 0, daily: false, keep: 0 });
    send(transport, 'kept');
    reopen(transport);
    expect(readFileSync(file, 'utf8')).to.equal('kept\n');
    rmSync(directory, { recursive: true, force: true });
    reopen(transport);
    expect(errors.map((error) => error.message)).to.deep.equal([`cannot write ${file}: ENOENT: no such file or directory, open '${file}'`]);
  });
});
