import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { RecordingError } from '../../src/replay/recording-format.js';
import { loadRecording } from '../../src/replay/recording-reader.js';
import { SessionRecorder } from '../../src/replay/session-recorder.js';
import { tempDirectory, type TempDirectory } from './temp-directory.js';

describe('replay/session-recorder', () => {
  let dir: TempDirectory;
  beforeEach(() => {
    dir = tempDirectory();
  });
  afterEach(() => dir.remove());

  it('starts a new recording with each connection session, named after the first', async () => {
    const errors: Error[] = [];
    let now = 1_000;
    const recorder = new SessionRecorder({
      path: dir.file('feed.jsonl.gz'),
      wsUrl: 'ws://127.0.0.1:1/trade-api/ws/v2',
      tickers: ['KXA-1'],
      clock: { now: () => now },
      onError: (error) => errors.push(error),
    });
    recorder.frame('before any session', 1);
    recorder.sessionOpened();
    recorder.frame('first a', 10);
    recorder.frame('first b', 11);
    recorder.sessionClosed();
    recorder.frame('between sessions', 12);
    now = 2_000;
    recorder.sessionOpened();
    recorder.frame('second a', 20);
    const summaries = await recorder.close();
    expect(errors).to.deep.equal([]);
    expect(summaries.map((summary) => [summary.paths, summary.frames])).to.deep.equal([
      [[dir.file('feed.jsonl.gz')], 2],
      [[dir.file('feed.session2.jsonl.gz')], 1],
    ]);

    const first = await loadRecording(dir.file('feed.jsonl.gz'));
    const second = await loadRecording(dir.file('feed.session2.jsonl.gz'));
    expect(first.entries.map((entry) => (entry.kind === 'frame' ? entry.text : ''))).to.deep.equal(['first a', 'first b']);
    expect(second.entries.map((entry) => (entry.kind === 'frame' ? entry.text : ''))).to.deep.equal(['second a']);
    expect(first.header).to.include({ started_ms: 1_000, ws_url: 'ws://127.0.0.1:1/trade-api/ws/v2', wire_format: 'current' });
    expect(second.header.started_ms).to.equal(2_000);
    expect(second.header.session).to.not.equal(first.header.session);
  });

  it('reports a recording it cannot create and lets the caller carry on', async () => {
    writeFileSync(dir.file('taken.jsonl.gz'), 'x');
    const errors: Error[] = [];
    const recorder = new SessionRecorder({
      path: dir.file('taken.jsonl.gz'),
      wsUrl: 'ws://x',
      tickers: [],
      clock: { now: () => 0 },
      onError: (error) => errors.push(error),
    });
    recorder.sessionOpened();
    recorder.frame('dropped', 1);
    expect(await recorder.close()).to.deep.equal([]);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.be.instanceOf(RecordingError);
  });
});
