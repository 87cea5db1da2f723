import { expect } from 'chai';
import {
  frameLine,
  gapLine,
  headerLine,
  insertBeforeSuffix,
  parseEntryLine,
  parseHeaderLine,
  partPath,
  RecordingError,
  type SessionDescription,
} from '../../src/replay/recording-format.js';

const SESSION: SessionDescription = {
  session: 's-1',
  started_ms: 1_787_000_000_000,
  ws_url: 'ws://127.0.0.1:1/trade-api/ws/v2',
  tickers: ['A-1', 'B-2'],
  wire_format: 'current',
};

describe('replay/recording-format', () => {
  it('a frame line keeps the frame text exactly, whatever it contains', () => {
    const texts = ['{"type":"ticker","msg":{"a":"x"}}', 'not json at all', 'quote " backslash \\ newline \n tab \t', 'unicode é ✓ \u2028', ''];
    for (const text of texts) {
      const line = frameLine(1234, text);
      expect(line.endsWith('\n')).to.equal(true);
      expect(line.slice(0, -1)).to.not.include('\n');
      expect(parseEntryLine(line.slice(0, -1), 'x')).to.deep.equal({ kind: 'frame', receivedAtMs: 1234, text });
    }
  });

  it('a gap line reads back as a gap', () => {
    expect(parseEntryLine(gapLine(99, 12).trim(), 'x')).to.deep.equal({ kind: 'gap', receivedAtMs: 99, lost: 12 });
  });

  it('the header carries format, version, part and the session description', () => {
    const header = parseHeaderLine(headerLine(SESSION, 3).trim(), 'x');
    expect(header).to.deep.equal({ format: 'kalshi-mm-recording', version: 1, ...SESSION, part: 3 });
  });

  it('rejects what is not a header, naming the file', () => {
    expect(() => parseHeaderLine('{"t":1,"f":"x"}', 'rec.gz line 1')).to.throw(
      RecordingError,
      'rec.gz line 1: the first line is not a kalshi-mm-recording header',
    );
    expect(() => parseHeaderLine('garbage', 'rec.gz line 1')).to.throw(RecordingError, 'not JSON');
    const future = headerLine(SESSION, 1).replace('"version":1', '"version":2').trim();
    expect(() => parseHeaderLine(future, 'x')).to.throw(RecordingError, 'version 2 is not supported');
    const broken = JSON.stringify({ ...JSON.parse(headerLine(SESSION, 1)), tickers: 'A-1', wire_format: 'cents' });
    expect(() => parseHeaderLine(broken, 'x')).to.throw(RecordingError, 'header fields tickers, wire_format missing or invalid');
  });

  it('rejects malformed entry lines with the line named', () => {
    expect(() => parseEntryLine('{"t":1}', 'rec.gz line 7')).to.throw(RecordingError, 'rec.gz line 7: expected a frame text');
    expect(() => parseEntryLine('{"t":-1,"f":"x"}', 'rec.gz line 7')).to.throw(RecordingError, 'rec.gz line 7');
    expect(() => parseEntryLine('{"t":1,"f":', 'rec.gz line 7')).to.throw(RecordingError, 'not a JSON line');
    expect(() => parseEntryLine('{"t":1,"lost":0}', 'x')).to.throw(RecordingError);
  });

  it('names parts and sessions before the suffix', () => {
    expect(partPath('/r/a.jsonl.gz', 1)).to.equal('/r/a.jsonl.gz');
    expect(partPath('/r/a.jsonl.gz', 2)).to.equal('/r/a.part2.jsonl.gz');
    expect(partPath('/r/a.gz', 3)).to.equal('/r/a.part3.gz');
    expect(partPath('/r/a', 2)).to.equal('/r/a.part2');
    expect(insertBeforeSuffix('/r/a.jsonl.gz', 'session2')).to.equal('/r/a.session2.jsonl.gz');
  });
});
