import { expect } from 'chai';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { RecordingError, type RecordingEntry, type SessionDescription } from '../../src/replay/recording-format.js';
import { loadRecording, openRecording } from '../../src/replay/recording-reader.js';
import { RecordingWriter } from '../../src/replay/recording-writer.js';
import { tempDirectory, type TempDirectory } from './temp-directory.js';

const SESSION: SessionDescription = {
  session: 'session-one',
  started_ms: 1_787_000_000_000,
  ws_url: 'ws://127.0.0.1:9/trade-api/ws/v2',
  tickers: ['KXA-1'],
  wire_format: 'current',
};

/** Varied frame texts: real-looking deltas plus escapes and non-ASCII, so compression and line splitting are exercised. */
function frames(count: number): string[] {
  return Array.from({ length: count }, (_, index) =>
    index % 97 === 5
      ? `odd "frame" ${index} with \\ and \n and é✓`
      : `{"type":"orderbook_delta","sid":1,"seq":${index + 1},"msg":{"market_ticker":"KXA-1","price_dollars":"0.${String(((index * 37) % 90) + 10)}00","delta_fp":"${(index * 7919) % 1000}.00","side":"${index % 2 ? 'yes' : 'no'}","ts_ms":${1_787_000_000_000 + index * 3}}}`,
  );
}

/** Feeds frames a few hundred per event-loop turn, the way a socket delivers them. */
async function feed(writer: RecordingWriter, texts: readonly string[], firstTime = 1000): Promise<void> {
  for (let start = 0; start < texts.length; start += 300) {
    for (let index = start; index < Math.min(texts.length, start + 300); index++) writer.record(texts[index]!, firstTime + index);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function framesOf(entries: readonly RecordingEntry[]): string[] {
  return entries.flatMap((entry) => (entry.kind === 'frame' ? [entry.text] : []));
}

describe('replay/recording-writer and recording-reader', () => {
  let dir: TempDirectory;
  beforeEach(() => {
    dir = tempDirectory();
  });
  afterEach(() => dir.remove());

  it('round-trips every frame text and receive time exactly, with the header first', async () => {
    const path = dir.file('one.jsonl.gz');
    const texts = frames(5000);
    const writer = new RecordingWriter({ path, session: SESSION });
    await feed(writer, texts);
    const summary = await writer.close();
    expect(summary).to.deep.include({ paths: [path], frames: 5000, lostFrames: 0 });
    expect(summary.compressedBytes).to.equal(readFileSync(path).length);

    const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n');
    expect(JSON.parse(lines[0]!)).to.deep.equal({ format: 'kalshi-mm-recording', version: 1, ...SESSION, part: 1 });

    const recording = await loadRecording(path);
    expect(recording.header.session).to.equal('session-one');
    expect(recording.parts).to.equal(1);
    expect(recording.truncated).to.equal(false);
    expect(recording.entries).to.have.length(5000);
    recording.entries.forEach((entry, index) => {
      expect(entry).to.deep.equal({ kind: 'frame', receivedAtMs: 1000 + index, text: texts[index] });
    });
  });

  it('rotates by compressed size into parts that each start with a header, and reads them back as one', async () => {
    const path = dir.file('rotated.jsonl.gz');
    const texts = frames(20_000);
    const writer = new RecordingWriter({ path, session: SESSION, maxBytes: 32 * 1024 });
    await feed(writer, texts);
    const summary = await writer.close();
    expect(summary.paths.length).to.be.greaterThan(3);
    expect(summary.paths[1]).to.equal(dir.file('rotated.part2.jsonl.gz'));
    expect(readdirSync(dir.path).sort()).to.deep.equal(summary.paths.map((file) => file.slice(dir.path.length + 1)).sort());
    summary.paths.forEach((file, index) => {
      const size = readFileSync(file).length;
      if (index < summary.paths.length - 1) expect(size).to.be.within(32 * 1024, 32 * 1024 + 128 * 1024);
      const header = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8').split('\n')[0]!);
      expect(header).to.include({ session: 'session-one', part: index + 1 });
    });

    const recording = await loadRecording(path);
    expect(recording.parts).to.equal(summary.paths.length);
    expect(framesOf(recording.entries)).to.deep.equal(texts);
  });

  it('never overwrites a recording', async () => {
    const path = dir.file('taken.jsonl.gz');
    writeFileSync(path, 'precious');
    expect(() => new RecordingWriter({ path, session: SESSION })).to.throw(RecordingError, 'already exists');
    expect(readFileSync(path, 'utf8')).to.equal('precious');
  });

  it('fails at once with a clear error when the file cannot be created', () => {
    writeFileSync(dir.file('plain-file'), '');
    expect(() => new RecordingWriter({ path: dir.file('plain-file/sub/rec.jsonl.gz'), session: SESSION })).to.throw(RecordingError, 'cannot create recording');
  });

  it('bounds the frames waiting in memory: the excess is dropped, counted and marked in the file', async () => {
    const path = dir.file('bounded.jsonl.gz');
    const writer = new RecordingWriter({ path, session: SESSION, maxPendingFrames: 100 });
    const texts = frames(250);
    texts.forEach((text, index) => writer.record(text, 5000 + index)); // one turn: nothing is written yet
    expect(writer.pendingFrames).to.equal(100);
    await new Promise((resolve) => setImmediate(resolve));
    await feed(writer, frames(10), 9000);
    const summary = await writer.close();
    expect(summary).to.deep.include({ frames: 110, lostFrames: 150 });

    const { entries } = await loadRecording(path);
    expect(entries.filter((entry) => entry.kind === 'gap')).to.deep.equal([{ kind: 'gap', receivedAtMs: 5100, lost: 150 }]);
    expect(framesOf(entries)).to.deep.equal([...texts.slice(0, 100), ...frames(10)]);
  });

  it('ignores frames after close and closes only once', async () => {
    const path = dir.file('closed.jsonl.gz');
    const writer = new RecordingWriter({ path, session: SESSION });
    writer.record('a', 1);
    const [first, second] = await Promise.all([writer.close(), writer.close()]);
    writer.record('b', 2);
    expect(first.frames).to.equal(1);
    expect(second.frames).to.equal(1);
    expect(framesOf((await loadRecording(path)).entries)).to.deep.equal(['a']);
  });

  it('reads a recording that was cut off (writer killed) up to its last complete line', async () => {
    const path = dir.file('cut.jsonl.gz');
    const writer = new RecordingWriter({ path, session: SESSION });
    const texts = frames(3000);
    await feed(writer, texts);
    await writer.close();
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.6)));

    const recording = await loadRecording(path);
    expect(recording.truncated).to.equal(true);
    const read = framesOf(recording.entries);
    expect(read.length).to.be.within(1000, 2999);
    expect(read).to.deep.equal(texts.slice(0, read.length));
  });

  it('reports files that are not recordings, naming them', async () => {
    const notGzip = dir.file('text.jsonl.gz');
    writeFileSync(notGzip, 'hello\n');
    await expectRejection(openRecording(notGzip), 'not a gzip file');
    await expectRejection(openRecording(dir.file('missing.jsonl.gz')), 'file not found');

    const badLine = dir.file('bad-line.jsonl.gz');
    const writer = new RecordingWriter({ path: badLine, session: SESSION });
    writer.record('fine', 1);
    await writer.close();
    const text = gunzipSync(readFileSync(badLine)).toString('utf8') + '{"t":2}\n';
    writeFileSync(badLine, gzipSync(text));
    await expectRejection(loadRecording(badLine), `${badLine} line 3: expected a frame text`);
  });

  it('refuses a part that belongs to another session', async () => {
    const first = new RecordingWriter({ path: dir.file('mixed.jsonl.gz'), session: SESSION });
    first.record('one', 1);
    await first.close();
    const stray = new RecordingWriter({ path: dir.file('other.jsonl.gz'), session: { ...SESSION, session: 'session-two' } });
    stray.record('two', 2);
    await stray.close();
    writeFileSync(dir.file('mixed.part2.jsonl.gz'), readFileSync(dir.file('other.jsonl.gz')));
    await expectRejection(loadRecording(dir.file('mixed.jsonl.gz')), 'belongs to session session-two');
  });
});

async function expectRejection(promise: Promise<unknown>, message: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(RecordingError);
    expect((error as Error).message).to.include(message);
    return;
  }
  expect.fail(`expected a RecordingError with "${message}"`);
}
