import { expect } from 'chai';
import sinon from 'sinon';
import type { RecordingEntry } from '../../src/replay/recording-format.js';
import {
  checkWarmup,
  spreadWithinMilliseconds,
  streamRecording,
  wholeMilliseconds,
  type FrameSink,
  type ReplayStreamOptions,
} from '../../src/replay/replay-stream.js';

const frame = (receivedAtMs: number, text = `f${receivedAtMs}`): RecordingEntry => ({ kind: 'frame', receivedAtMs, text });
const gap = (receivedAtMs: number, lost: number): RecordingEntry => ({ kind: 'gap', receivedAtMs, lost });

async function* batches(...parts: RecordingEntry[][]): AsyncIterable<readonly RecordingEntry[]> {
  for (const part of parts) yield part;
}

async function collect(source: AsyncIterable<readonly RecordingEntry[]>): Promise<RecordingEntry[][]> {
  const out: RecordingEntry[][] = [];
  for await (const batch of source) out.push([...batch]);
  return out;
}

describe('replay stream pacing', () => {
  it('spreads the frames received in one millisecond evenly over it', () => {
    const entries = [frame(10, 'a'), frame(10, 'b'), frame(10, 'c'), frame(10, 'd'), frame(11, 'e'), frame(13, 'f'), frame(13, 'g')];
    expect(spreadWithinMilliseconds(entries)).to.deep.equal([10, 10.25, 10.5, 10.75, 11, 13, 13.5]);
  });

  it('keeps a gap marker at its own time, and the frames on either side of it in groups of their own', () => {
    const entries = [frame(5, 'a'), frame(5, 'b'), gap(5, 3), frame(5, 'c'), frame(6, 'd')];
    expect(spreadWithinMilliseconds(entries)).to.deep.equal([5, 5.5, 5, 5, 6]);
  });

  it('never splits one millisecond between two batches, and loses or reorders nothing', async () => {
    const source = batches(
      [frame(1, 'a'), frame(2, 'b'), frame(2, 'c')],
      [frame(2, 'd'), frame(3, 'e')],
      [frame(3, 'f')],
      [frame(3, 'g'), gap(4, 1), frame(4, 'h')],
    );
    const out = await collect(wholeMilliseconds(source));
    expect(out.map((batch) => batch.map((entry) => (entry.kind === 'frame' ? entry.text : `gap${entry.lost}`)))).to.deep.equal([
      ['a'],
      ['b', 'c', 'd'],
      ['e', 'f', 'g', 'gap1'],
      ['h'],
    ]);
  });

  it('sends every frame in order at the recorded pace across batches that split a millisecond', async () => {
    const sent: string[] = [];
    const sink: FrameSink = { send: (text) => sent.push(text), bufferedAmount: 0, isOpen: true };
    const source = batches([frame(100, 'a'), frame(100, 'b')], [frame(100, 'c'), frame(101, 'd')], [gap(101, 2), frame(101, 'e')]);
    // speed 100: the 1 ms recorded takes 10 µs, so no timer is involved
    const report = await streamRecording(source, sink, { pace: { kind: 'recorded', speed: 100 }, highWaterBytes: 1 << 20 });
    expect(sent).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    expect(report).to.include({ framesSent: 5, framesLostInRecording: 2, completed: true });
  });

  it('sends an entry whose text frame was encoded beforehand as those bytes, any other as text', async () => {
    const sent: string[] = [];
    const sink: FrameSink = {
      send: (text) => sent.push(`text ${text}`),
      sendEncoded: (text, frame) => sent.push(`encoded ${text} ${frame.toString('latin1')}`),
      bufferedAmount: 0,
      isOpen: true,
    };
    const a = frame(1, 'a');
    const b = frame(1, 'b');
    const encodedFrames = new Map([[a, Buffer.from('A!', 'latin1')]]);
    await streamRecording(batches([a, b]), sink, { pace: { kind: 'as-fast-as-read' }, highWaterBytes: 1 << 20, encodedFrames });
    expect(sent).to.deep.equal(['encoded a A!', 'text b']);
  });

  describe('with a warm-up', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'] });
    });
    afterEach(() => clock.restore());

    /** the (fake) time each frame left at */
    async function sendTimes(entries: RecordingEntry[], options: ReplayStreamOptions): Promise<Array<[string, number]>> {
      const sent: Array<[string, number]> = [];
      const sink: FrameSink = { send: (text) => sent.push([text, performance.now()]), bufferedAmount: 0, isOpen: true };
      const done = streamRecording(batches(entries), sink, options);
      await clock.runAllAsync();
      const report = await done;
      expect(report.framesSent).to.equal(entries.length);
      return sent;
    }

    it('sends the warm-up frames at their pace, then the rest at the pace counted from where it takes over', async () => {
      const entries = [0, 1, 2, 3, 4, 5, 6].map((ms) => frame(ms));
      const sent = await sendTimes(entries, {
        pace: { kind: 'recorded', speed: 0.5 },
        warmup: { frames: 4, pace: { kind: 'recorded', speed: 1 } },
        highWaterBytes: 1 << 20,
      });
      // four frames at 1 ms apart; the fifth takes over at once, and each later one is 2 ms after it
      expect(sent).to.deep.equal([
        ['f0', 0],
        ['f1', 1],
        ['f2', 2],
        ['f3', 3],
        ['f4', 3],
        ['f5', 5],
        ['f6', 7],
      ]);
    });

    it('sends everything after a paced warm-up as fast as it is read', async () => {
      const entries = [0, 10, 20, 30, 40].map((ms) => frame(ms));
      const sent = await sendTimes(entries, {
        pace: { kind: 'as-fast-as-read' },
        warmup: { frames: 2, pace: { kind: 'recorded', speed: 1 } },
        highWaterBytes: 1 << 20,
      });
      expect(sent).to.deep.equal([
        ['f0', 0],
        ['f10', 10],
        ['f20', 10],
        ['f30', 10],
        ['f40', 10],
      ]);
    });

    it('paces a recording from its first frame when the warm-up is longer than the recording', async () => {
      const entries = [100, 104].map((ms) => frame(ms));
      const sent = await sendTimes(entries, {
        pace: { kind: 'as-fast-as-read' },
        warmup: { frames: 10, pace: { kind: 'recorded', speed: 2 } },
        highWaterBytes: 1 << 20,
      });
      expect(sent).to.deep.equal([
        ['f100', 0],
        ['f104', 2],
      ]);
    });

    it('refuses a warm-up of a fractional or negative number of frames, or at a pace that is not one', () => {
      expect(() => checkWarmup({ frames: 1.5, pace: { kind: 'as-fast-as-read' } })).to.throw(RangeError, /whole number, got 1.5/);
      expect(() => checkWarmup({ frames: -1, pace: { kind: 'as-fast-as-read' } })).to.throw(RangeError, /got -1/);
      expect(() => checkWarmup({ frames: 5, pace: { kind: 'recorded', speed: 0 } })).to.throw(RangeError, /speed must be a positive number/);
    });
  });
});
