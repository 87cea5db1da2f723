import { expect } from 'chai';
import type { RecordingEntry } from '../../src/replay/recording-format.js';
import { spreadWithinMilliseconds, streamRecording, wholeMilliseconds, type FrameSink } from '../../src/replay/replay-stream.js';

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
    const source = batches([frame(1, 'a'), frame(2, 'b'), frame(2, 'c')], [frame(2, 'd'), frame(3, 'e')], [frame(3, 'f')], [frame(3, 'g'), gap(4, 1), frame(4, 'h')]);
    const out = await collect(wholeMilliseconds(source));
    expect(out.map((batch) => batch.map((entry) => (entry.kind === 'frame' ? entry.text : `gap${entry.lost}`)))).to.deep.equal([['a'], ['b', 'c', 'd'], ['e', 'f', 'g', 'gap1'], ['h']]);
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
});

