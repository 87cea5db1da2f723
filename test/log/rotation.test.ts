import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listRotated, nextRotatedPath, pruneRotated, rotatedBaseName, rotationFromConfig, utcDay } from '../../src/log/rotation.js';

describe('log/rotation: names and retention', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'mm-rotation-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('names a rotated file <name>.<UTC day>.<n><ext>, beside the file', () => {
    expect(rotatedBaseName('logs/intents.jsonl', '2026-11-25', 1)).to.equal('intents.2026-11-25.1.jsonl');
    expect(rotatedBaseName('/var/log/mm/fills.jsonl', '2026-11-25', 12)).to.equal('fills.2026-11-25.12.jsonl');
    expect(rotatedBaseName('events', '2026-01-02', 3)).to.equal('events.2026-01-02.3');
    expect(rotatedBaseName('a.b.log', '2026-01-02', 1)).to.equal('a.b.2026-01-02.1.log');
  });

  it('takes the day in UTC, whatever the time zone', () => {
    expect(utcDay(Date.UTC(2026, 10, 25, 23, 59, 59, 999))).to.equal('2026-11-25');
    expect(utcDay(Date.UTC(2026, 10, 26, 0, 0, 0, 0))).to.equal('2026-11-26');
  });

  it('numbers the next file of a day one past the highest, never in a gap left by a removed file', () => {
    const file = join(directory, 'intents.jsonl');
    expect(nextRotatedPath(file, '2026-11-25')).to.equal(join(directory, 'intents.2026-11-25.1.jsonl'));
    writeFileSync(join(directory, 'intents.2026-11-25.2.jsonl'), '');
    writeFileSync(join(directory, 'intents.2026-11-25.3.jsonl'), '');
    expect(nextRotatedPath(file, '2026-11-25')).to.equal(join(directory, 'intents.2026-11-25.4.jsonl'));
    expect(nextRotatedPath(file, '2026-11-26')).to.equal(join(directory, 'intents.2026-11-26.1.jsonl'));
  });

  it('lists only the rotated files of that log, oldest first by day then number (10 after 9)', () => {
    const names = ['intents.2026-11-25.10.jsonl', 'intents.2026-11-24.3.jsonl', 'intents.2026-11-25.9.jsonl', 'intents.2026-11-25.1.jsonl'];
    const others = [
      'intents.jsonl',
      'events.2026-11-25.1.jsonl',
      'intents.2026-11-25.1.jsonl.gz',
      'intents.jsonl.1',
      'xintents.2026-11-25.1.jsonl',
      'intents.2026-11-25.x.jsonl',
    ];
    for (const name of [...names, ...others]) writeFileSync(join(directory, name), name);
    const listed = listRotated(join(directory, 'intents.jsonl'));
    expect(listed.map((file) => [file.day, file.index])).to.deep.equal([
      ['2026-11-24', 3],
      ['2026-11-25', 1],
      ['2026-11-25', 9],
      ['2026-11-25', 10],
    ]);
    expect(listed[0]!.path).to.equal(join(directory, 'intents.2026-11-24.3.jsonl'));
  });

  it('keeps the newest `keep` rotated files and nothing else of the folder is touched; 0 keeps every one', () => {
    const file = join(directory, 'fills.jsonl');
    const rotated = ['fills.2026-11-23.1.jsonl', 'fills.2026-11-24.1.jsonl', 'fills.2026-11-24.2.jsonl', 'fills.2026-11-25.1.jsonl'];
    for (const name of [...rotated, 'fills.jsonl', 'intents.2026-11-20.1.jsonl', 'fills.jsonl.1']) writeFileSync(join(directory, name), '');
    expect(pruneRotated(file, 0)).to.deep.equal([]);
    expect(readdirSync(directory)).to.have.length(7);
    expect(pruneRotated(file, 2)).to.deep.equal([join(directory, rotated[0]!), join(directory, rotated[1]!)]);
    expect(readdirSync(directory).sort()).to.deep.equal([
      'fills.2026-11-24.2.jsonl',
      'fills.2026-11-25.1.jsonl',
      'fills.jsonl',
      'fills.jsonl.1',
      'intents.2026-11-20.1.jsonl',
    ]);
    expect(pruneRotated(file, 2)).to.deep.equal([]);
    expect(existsSync(file)).to.equal(true);
  });

  it('reads the rotation keys of a config; a config without them rotates nothing', () => {
    const log = { level: 'info', intents_file: 'i', events_file: 'e', console: 'off' } as const;
    expect(rotationFromConfig(log)).to.deep.equal({ maxBytes: 0, daily: false, keep: 0 });
    expect(rotationFromConfig({ ...log, rotate_max_bytes: 1024, rotate_daily: true, rotate_keep: 7 })).to.deep.equal({ maxBytes: 1024, daily: true, keep: 7 });
  });
});
