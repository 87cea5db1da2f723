import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import * as ws from 'ws';
import { textFrame, textFrameLength, writeTextFrame } from '../../../src/sim/server/connection.js';

/** ws's frame parser (exported by ws, not described by @types/ws): a writable stream of frame bytes. */
interface FrameReceiver extends EventEmitter {
  write(chunk: Buffer): boolean;
}
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameReceiver };

/** Decodes one frame as a client does (ws's own receiver: unmasked frames from a server). */
function receive(frame: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false, maxPayload: 0 });
    receiver.on('message', (data: Buffer, isBinary: boolean) => (isBinary ? reject(new Error('binary frame')) : resolve(data.toString('utf8'))));
    receiver.on('error', reject);
    receiver.write(frame);
  });
}

describe('sim/server text frames', () => {
  it('encodes text frames that a ws client decodes to the same text, at every length encoding', async () => {
    for (const length of [0, 1, 125, 126, 127, 65_535, 65_536, 70_000]) {
      const text = 'x'.repeat(length);
      const frame = textFrame(text);
      expect(frame.length - length, `header at ${length}`).to.equal(length < 126 ? 2 : length < 65_536 ? 4 : 10);
      expect(await receive(frame)).to.equal(text);
    }
  });

  it('counts the length in UTF-8 bytes, not characters', async () => {
    const text = `{"market_ticker":"KX-É","note":"${'€'.repeat(50)}"}`; // 150 bytes of € alone: past the one-byte length
    const frame = textFrame(text);
    expect(frame[1]).to.equal(126);
    expect(frame.readUInt16BE(2)).to.equal(Buffer.byteLength(text));
    expect(await receive(frame)).to.equal(text);
  });

  it('encodes into a buffer of exactly the frame length, and refuses any other', () => {
    const text = 'é'.repeat(100); // 200 bytes: a two-byte extended length
    const frame = Buffer.alloc(textFrameLength(text));
    writeTextFrame(text, frame);
    expect(frame.equals(textFrame(text))).to.equal(true);
    expect(() => writeTextFrame(text, Buffer.alloc(frame.length + 1))).to.throw(RangeError);
  });
});
